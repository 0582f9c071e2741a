/**
 * The module dependency rules of docs/design.md §2 are enforced by lint: these cases show the rule
 * rejecting forbidden imports and process access, and accepting allowed ones.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('module boundary lint', () => {
  it.each([
    ['src/core/x.ts', "import { JiraClient } from '../jira/index.js';\nexport const x = JiraClient;\n"],
    ['src/store/backend/x.ts', "import { Repository } from '../index.js';\nexport const x = Repository;\n"],
    ['src/backup/x.ts', "import { x as y } from '../restore/index.js';\nexport const x = y;\n"],
    ['src/restore/x.ts', "import { runBackup } from '../backup/run.js';\nexport const x = runBackup;\n"],
    ['src/simulator/x.ts', "import { JiraClient } from '../jira/client.js';\nexport const x = JiraClient;\n"],
    ['src/simulator/x.ts', "import { Repository } from '../store/index.js';\nexport const x = Repository;\n"],
  ])('%s may not import that module', async (file, code) => {
    expect(await lint(file, code)).toContain('tidemark/module-boundaries');
  });

  it('only cli and server touch the process or listen for HTTP', async () => {
    expect(await lint('src/backup/x.ts', 'export const home = process.env.HOME;\n')).toContain('no-restricted-globals');
    expect(
      await lint('src/store/x.ts', "import { createServer } from 'node:http';\nexport const s = createServer;\n"),
    ).toContain('no-restricted-imports');
    expect(await lint('src/cli/x.ts', 'export const home = process.env.HOME;\n')).not.toContain(
      'no-restricted-globals',
    );
  });

  it('accepts the allowed directions', async () => {
    expect(
      await lint('src/backup/x.ts', "import { Repository } from '../store/index.js';\nexport const x = Repository;\n"),
    ).toEqual([]);
    expect(
      await lint(
        'src/simulator/x.ts',
        "import { OPERATIONS } from '../jira/generated/operations.js';\nexport const x = OPERATIONS;\n",
      ),
    ).toEqual([]);
  });
});

/** FileJournal: durable appends, a torn last line ignored and cut off, corruption reported. */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTidemarkError } from '../../src/core/index.js';
import { FileJournal } from '../../src/restore/executor/journal.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function journalPath(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-journal-'));
  return join(dir, 'plan.journal');
}

describe('FileJournal', () => {
  it('keeps every entry of concurrent appends and drops only a torn last line', async () => {
    const path = await journalPath();
    const j = await FileJournal.open(path);
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        j.append({ step: `s${n}`, event: 'started', at: '2026-01-01T00:00:00.000Z' }),
      ),
    );
    await j.append({ step: 's0', event: 'done', at: '2026-01-01T00:00:01.000Z', outputs: { id: '1' } });
    await j.close();
    await appendFile(path, '{"step":"s1","event":"do');
    const again = await FileJournal.open(path);
    const entries = await again.entries();
    expect(entries).toHaveLength(21);
    expect(entries.at(-1)).toEqual({ step: 's0', event: 'done', at: '2026-01-01T00:00:01.000Z', outputs: { id: '1' } });
    await again.append({ step: 's1', event: 'done', at: '2026-01-01T00:00:02.000Z', outputs: {} });
    await again.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(22);
    expect(JSON.parse(lines[21]!)).toMatchObject({ step: 's1', event: 'done' });
  });

  it('reports a damaged line in the middle instead of skipping it', async () => {
    const path = await journalPath();
    await writeFile(
      path,
      '{"step":"a","event":"started","at":"x"}\nnot json\n{"step":"a","event":"done","at":"y","outputs":{}}\n',
    );
    const err = await FileJournal.open(path).catch((e: unknown) => e);
    expect(isTidemarkError(err, 'corrupt')).toBe(true);
  });
});

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildComplianceReport, scanRouteUsage } from './compliance.js';

const srcRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('route usage scan', () => {
  it('finds literal call sites, flags non-literal ones and unknown routes, and checks scopes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tm-scan-'));
    await mkdir(path.join(dir, 'backup'), { recursive: true });
    await writeFile(
      path.join(dir, 'backup', 'walk.ts'),
      [
        "import { items, type JiraClient } from '../jira/index.js';",
        "await client.request('POST /rest/api/3/issue/bulkfetch', { body });",
        "for await (const x of items(client, 'GET /rest/api/3/search/jql', 'token', {})) {}",
        'await client.request(someKey, {});',
        "await client.request('GET /rest/api/3/not-a-thing', {});",
        "await client.request('DELETE /rest/api/3/webhook', {});",
      ].join('\n'),
    );
    const scan = await scanRouteUsage(dir, ['read:jira-work']);
    expect(scan.operations.map((o) => o.key)).toEqual([
      'DELETE /rest/api/3/webhook',
      'GET /rest/api/3/search/jql',
      'POST /rest/api/3/issue/bulkfetch',
    ]);
    expect(scan.operations.find((o) => o.key === 'POST /rest/api/3/issue/bulkfetch')?.grantedBy).toEqual([
      'read:jira-work',
    ]);
    // Webhooks need manage:jira-webhook (or granular scopes), which this scan was told is not requested.
    expect(scan.operations.find((o) => o.key === 'DELETE /rest/api/3/webhook')?.grantedBy).toBeNull();
    expect(scan.unresolved).toEqual([{ file: path.join('backup', 'walk.ts'), line: 4 }]);
    expect(scan.unknown).toEqual([{ key: 'GET /rest/api/3/not-a-thing', file: path.join('backup', 'walk.ts') }]);
  });

  it("reports on Tidemark's own code: every operation called is covered by a requested scope", async () => {
    const report = await buildComplianceReport({
      model: 'saas',
      clientId: 'x',
      sourceRoot: srcRoot,
      tokenLocation: 'vault',
    });
    expect(report.problems).toEqual([]);
    for (const op of report.operations) expect(op.grantedBy, op.key).not.toBeNull();
    expect(report.scopes.map((s) => s.scope)).toContain('offline_access');
    for (const s of report.scopes) expect(s.reason.length).toBeGreaterThan(10);
  });
});

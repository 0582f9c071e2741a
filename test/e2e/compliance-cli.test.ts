/**
 * Issue P2, acceptance 9: `tidemark compliance --json` from the real binary lists every scope with
 * its reason and every Jira operation the code calls, each covered by a requested scope. The test
 * finds the operations on its own (every "METHOD /rest/…" literal in the product's source outside
 * the client itself and the simulator) so that a call the report's scan missed would show.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPERATIONS_BY_KEY } from '../../src/jira/generated/operations.js';
import type { ComplianceReport } from '../../src/jira/compliance.js';
import { runCli } from '../support/cli.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
const ROUTE_LITERAL = /['"`]((?:GET|POST|PUT|DELETE|PATCH) \/rest\/[A-Za-z0-9_{}./-]+)['"`]/g;

async function routeLiterals(dir: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(SRC, full);
    if (entry.isDirectory()) {
      // The client's own tables (costs, rates) and the simulator's routes are not calls.
      if (['jira', 'simulator'].includes(rel)) continue;
      for (const k of await routeLiterals(full)) found.add(k);
    } else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
      for (const m of (await readFile(full, 'utf8')).matchAll(ROUTE_LITERAL)) found.add(m[1]!);
    }
  }
  return found;
}

describe('tidemark compliance --json', () => {
  it('lists every operation the code calls, each covered by a requested scope, and every scope with a reason', async () => {
    const run = await runCli(['compliance', '--json', '--model', 'on-prem-broker'], {
      PATH: process.env.PATH ?? '/usr/bin',
      HOME: '/nonexistent',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ComplianceReport;
    expect(report.problems).toEqual([]);
    expect(report.authModel.model).toBe('on-prem-broker');
    expect(report.neverAccepted).toContain('Atlassian API tokens');

    const requested = new Set(report.scopes.map((s) => s.scope));
    for (const s of report.scopes) expect(s.reason.length, s.scope).toBeGreaterThan(15);
    expect(requested.has('offline_access')).toBe(true);

    const calls = await routeLiterals(SRC);
    expect(calls.size).toBeGreaterThan(0);
    expect(calls.has('GET /rest/api/3/myself')).toBe(true);
    const listed = new Map(report.operations.map((o) => [o.key, o]));
    for (const key of calls) {
      expect(listed.has(key), `${key} is called but missing from the report`).toBe(true);
      // Check the scope against the pinned spec, not the report's own reading of it.
      const op = OPERATIONS_BY_KEY.get(key)!;
      expect(op, `${key} is not an operation of the pinned specs`).toBeDefined();
      const covered = op.scopes.length === 0 || op.scopes.some((alt) => alt.every((s) => requested.has(s)));
      expect(covered, `${key} needs one of ${JSON.stringify(op.scopes)}`).toBe(true);
    }
    for (const o of report.operations) {
      expect(o.files.length).toBeGreaterThan(0);
      expect(o.grantedBy?.every((s) => requested.has(s)) ?? o.scopes.length === 0).toBe(true);
    }
  });
});

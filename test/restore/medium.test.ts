/**
 * P5 acceptance 1, 2 and 4, on one backed-up `medium` simulated site.
 *
 * Deleted issues: 500 deleted issues of varied shape (more
 * than 100 comments, attachments, links in and out, subtasks, sprints, JSM internal comments) are
 * restored; the fidelity report shows every restorable item exact or kept with provenance, the
 * restored issues equal the ground truth of the originals (an independent comparison), and the
 * run never drew a per-issue 429 while many issues were in flight.
 *
 * Field rollback: after a bad bulk edit of 1,000 issues (priority, labels and due date changed),
 * rolling back priority and labels restores exactly those and touches nothing else: the due date
 * keeps its new value and no change history names any other field.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { backupBench, type BackupBench } from '../support/backup-harness.js';
import { compareRestoredIssue, rankOrderDiff } from '../support/restore-compare.js';
import { apply, openSource, plan, problems, restoreMaps, verify } from '../support/restore-harness.js';
import { badBulkEdit, deleteVariedIssues } from '../support/restore-scenarios.js';

const ADMIN = FIXED_ACCOUNT_IDS.demoAdmin;
const dirs: string[] = [];
afterAll(async () => {
  // The snapshot readers' shared locks may still be refreshed (a write into .tmp) as the test ends: retry.
  for (const d of dirs) await rm(d, { recursive: true, force: true, maxRetries: 5 });
});

let bench: BackupBench;
let snapshot: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-restore-medium-'));
  dirs.push(dir);
  bench = await backupBench({ seed: 1, size: 'medium', repoDir: join(dir, 'repo') });
  snapshot = (await bench.backup()).snapshot;
}, 600_000);

describe('restoring 500 deleted issues on a medium site', () => {
  it('brings every one back, exact or with provenance, matching the ground truth', { timeout: 900_000 }, async () => {
    const deleted = deleteVariedIssues(bench.sim, bench.site, 500, ADMIN, bench.clock.now());
    expect(deleted.dumps.size).toBeGreaterThanOrEqual(500);
    expect(deleted.shape.heavyComments).toBeGreaterThan(0);
    expect(deleted.shape.withAttachments).toBeGreaterThan(0);
    expect(deleted.shape.withLinks).toBeGreaterThan(0);
    expect(deleted.shape.subtasks).toBeGreaterThan(0);
    expect(deleted.shape.inSprints).toBeGreaterThan(0);
    expect(deleted.shape.withInternalComments).toBeGreaterThan(0);

    const source = await openSource(bench, snapshot);
    const restorePlan = await plan(bench, source, { kind: 'deleted-issues' });
    expect(restorePlan.gaps).toEqual([]);
    const planned = restorePlan.steps.filter((s) => s.kind === 'issue.create').map((s) => s.id.slice('issue:'.length));
    expect(planned.sort()).toEqual([...deleted.dumps.keys()].sort());

    const run = await apply(bench, source, restorePlan);
    expect(run.report.failed).toEqual([]);
    expect(run.report.skipped).toEqual([]);
    // Acceptance 4: many issues in flight, never a per-issue 429.
    expect(run.applied.perIssue429s).toBe(0);
    expect(run.probe.maxIssues).toBeGreaterThan(4);

    const fidelity = await verify(bench, source, run);
    expect(problems(fidelity).slice(0, 20)).toEqual([]);
    expect(fidelity.totals.mismatch).toBe(0);
    expect(fidelity.byKind.issue?.exact ?? 0).toBe(0); // a re-created issue has a new key: provenance
    expect(fidelity.byKind.issue?.provenance).toBe(deleted.dumps.size);
    expect(fidelity.byKind.comment?.provenance).toBeGreaterThan(100);

    // Independent check against the simulator's ground truth.
    const maps = restoreMaps(run.report, deleted.dumps.values());
    expect(maps.issues.size).toBe(deleted.dumps.size);
    const diffs: string[] = [];
    for (const [id, dump] of deleted.dumps) {
      const restored = bench.site.data.issues.get(maps.issues.get(id)!);
      if (!restored) {
        diffs.push(`${String(dump.key)} was not restored`);
        continue;
      }
      diffs.push(...compareRestoredIssue({ dump, site: bench.site }, restored, bench.site, maps, { restorer: ADMIN }));
    }
    expect(diffs.slice(0, 30)).toEqual([]);
    expect(rankOrderDiff(deleted.dumps.values(), bench.site, maps)).toEqual([]);
  });
});

describe('rolling back a bad bulk edit of 1,000 issues', () => {
  it('restores exactly the chosen fields and touches nothing else', { timeout: 900_000 }, async () => {
    const edit = badBulkEdit(bench.sim, bench.site, 1000, ADMIN, bench.clock.now());
    expect(edit.edited.size).toBe(1000);
    const source = await openSource(bench, snapshot);
    const keys = [...edit.edited.values()].map((e) => e.key);
    const restorePlan = await plan(bench, source, { kind: 'fields', fields: ['priority', 'labels'], keys });
    expect(restorePlan.gaps).toEqual([]);
    const edits = restorePlan.steps.filter((s) => s.kind === 'issue.edit');
    expect(edits).toHaveLength(1000);
    expect(restorePlan.steps.every((s) => s.kind === 'issue.edit')).toBe(true);
    const historiesAfterEdit = new Map(
      [...edit.edited.keys()].map((id) => [id, bench.site.data.issues.get(id)!.changelog.length]),
    );

    const run = await apply(bench, source, restorePlan);
    expect(run.report.failed).toEqual([]);
    expect(run.applied.perIssue429s).toBe(0);
    expect(run.applied.writes).toBe(1000);

    const wrong: string[] = [];
    for (const [id, e] of edit.edited) {
      const issue = bench.site.data.issues.get(id)!;
      if (String(issue.fields.priority) !== String(e.before.priority)) wrong.push(`${e.key}: priority not rolled back`);
      const labels = (v: unknown) => JSON.stringify([...((v as string[] | undefined) ?? [])].sort());
      if (labels(issue.fields.labels) !== labels(e.before.labels)) wrong.push(`${e.key}: labels not rolled back`);
      if (issue.fields.duedate !== '2030-01-01') wrong.push(`${e.key}: the due date was touched`);
      const fresh = issue.changelog.slice(historiesAfterEdit.get(id));
      const named = new Set(fresh.flatMap((h) => h.items.map((i) => i.fieldId ?? i.field)));
      for (const f of named) if (f !== 'priority' && f !== 'labels') wrong.push(`${e.key}: the rollback changed ${f}`);
      if (fresh.length !== 1) wrong.push(`${e.key}: ${fresh.length} change histories from the rollback`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);

    const fidelity = await verify(bench, source, run);
    expect(problems(fidelity).slice(0, 20)).toEqual([]);
    expect(fidelity.byKind.field?.exact).toBe(2000);
  });
});

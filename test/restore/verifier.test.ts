/**
 * The restore verifier against the tiny simulated site: an identity restore of unchanged issues is
 * exact everywhere; edits, a deleted comment and a dropped watcher made afterwards show as
 * mismatches naming what differs.
 */
import { describe, expect, it } from 'vitest';
import { applyOp } from '../../src/simulator/control/world.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { mutationContext } from '../../src/simulator/mutate/index.js';
import { RestoreSource } from '../../src/restore/source.js';
import { renderFidelityReport, verifyRestore } from '../../src/restore/verifier/index.js';
import type { Issue } from '../../src/simulator/index.js';
import { backupBench } from '../support/backup-harness.js';
import { basePlan, bundles, identitySteps } from './verifier-support.js';

const ADMIN = FIXED_ACCOUNT_IDS.demoAdmin;

describe('verifyRestore', () => {
  it('finds an identity restore exact, then each later change as a mismatch naming what differs', async () => {
    const bench = await backupBench({ seed: 3, size: 'tiny' });
    const backup = await bench.backup();
    const source = await RestoreSource.open(await bench.repo.openSnapshotReader(backup.snapshot));
    const live = [...bench.site.data.issues.values()].sort((a, b) => Number(a.id) - Number(b.id));
    const pick = (pred: (i: Issue) => boolean, taken: Issue[]): Issue =>
      live.find((i) => pred(i) && !taken.includes(i))!;
    const withComments = pick((i) => i.comments.length > 1, []);
    const watched = pick((i) => i.watchers.size > 0, [withComments]);
    const edited = pick((i) => i.worklogs.length > 0, [withComments, watched]);
    const attached = pick((i) => i.attachmentIds.length > 0 && i.linkIds.length > 0, [withComments, watched, edited]);
    const chosen = [withComments, watched, edited, attached];
    const at = new Date(bench.clock.now()).toISOString();
    const parts = (
      await bundles(
        source,
        chosen.map((i) => i.id),
      )
    ).map((b) => identitySteps(b, at));
    const plan = basePlan(
      source,
      { kind: 'issues', keys: chosen.map((i) => i.key) },
      parts.flatMap((p) => p.steps),
    );
    const journal = parts.flatMap((p) => p.journal);

    const exact = await verifyRestore({
      plan,
      journal,
      source,
      client: bench.client(),
      contentHash: { fetch: bench.sim.inProcessFetch },
    });
    expect(exact.items).toEqual([]);
    expect(exact.totals.mismatch).toBe(0);
    expect(exact.byKind.issue?.exact).toBe(4);
    expect(exact.byKind.comment?.exact).toBe(chosen.reduce((n, i) => n + i.comments.length, 0));
    expect(exact.byKind.worklog?.exact).toBe(chosen.reduce((n, i) => n + i.worklogs.length, 0));
    expect(exact.byKind.attachment?.exact).toBe(chosen.reduce((n, i) => n + i.attachmentIds.length, 0));
    expect(exact.byKind.watcher?.exact).toBeGreaterThan(0);
    expect(exact.byKind.link?.exact ?? 0).toBeGreaterThan(0);
    expect(exact.usage.requests).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(exact))).toEqual(exact);

    // Later changes on the site.
    const ctx = mutationContext(bench.sim.world, bench.site, bench.clock.now(), ADMIN);
    applyOp(ctx, { op: 'edit', issue: edited.key, fields: { summary: 'Changed after the restore' } });
    const deletedComment = withComments.comments[1]!.id;
    applyOp(ctx, { op: 'comment-delete', issue: withComments.key, comment: deletedComment });
    const dropped = [...watched.watchers][0]!;
    applyOp(ctx, { op: 'watcher-remove', issue: watched.key, accountId: dropped });

    const after = await verifyRestore({ plan, journal, source, client: bench.client() });
    const mismatches = after.items.filter((i) => i.outcome === 'mismatch');
    expect(mismatches.map((i) => `${i.kind} ${i.id}`).sort()).toEqual(
      [`issue ${edited.id}`, `comment ${withComments.id}:${deletedComment}`, `watcher ${watched.id}:${dropped}`].sort(),
    );
    const issueDiff = mismatches.find((i) => i.kind === 'issue')!;
    expect(issueDiff.diffs).toEqual([
      {
        field: 'summary',
        expected: edited.fields.summary === undefined ? null : expect.any(String),
        actual: 'Changed after the restore',
      },
    ]);
    expect(mismatches.find((i) => i.kind === 'comment')!.reason).toBe('not found on the target (its step is done)');
    const text = renderFidelityReport(after);
    expect(text).toMatch(/^kind\s+exact\s+provenance\s+not restorable\s+mismatch$/m);
    expect(text).toContain(`MISMATCH issue ${edited.key} ${edited.id}: summary`);
    expect(text).toMatch(/^comment\s+\d+\s+0\s+0\s+1$/m);
  });
});

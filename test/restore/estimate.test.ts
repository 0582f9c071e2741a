/**
 * P5 acceptance 6: the plan's point estimate and ETA are within 25% of the actual run, on the
 * simulated clock, in the two regimes that decide a restore's duration:
 * (a) a points cap much smaller than the run needs — the governor's hourly rule dominates and the
 *     run spans several simulated hours;
 * (b) no cap, every simulated answer taking 100 ms — per-issue pacing decides (an issue with more
 *     than 100 comments) with the executor's 32 slots, and the slots decide with one slot.
 * (bench/restore.ts shows the slot-bound case at scale: medium, 1,000 issues.)
 * Time only moves when every task waits on the clock and no file I/O is in flight (io-clock).
 */
import { describe, expect, it } from 'vitest';
import { utcHourStart } from '../../src/core/index.js';
import { faultsOf } from '../../src/simulator/limits/parts.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { backupBench } from '../support/backup-harness.js';
import { ioAwareClock } from '../support/io-clock.js';
import { apply, openSource, plan, type RestoreRun } from '../support/restore-harness.js';
import { deleteVariedIssues } from '../support/restore-scenarios.js';

const HOUR = 3_600_000;
const LATENCY_MS = 100;

interface Outcome {
  run: RestoreRun;
  heavyComments: number;
  ratio: { points: number; eta: number };
}

/** Backs up tiny `acme`, deletes `count` varied issues, plans and applies their restore. */
async function restoreRun(count: number, cap?: number, concurrency?: number): Promise<Outcome> {
  const bench = await backupBench({ size: 'tiny', clock: ioAwareClock() });
  const backup = await bench.backup();
  // The deletion and the restore come later, a minute into a fresh hour (the backup's points and
  // burst buckets are behind us).
  bench.clock.set(utcHourStart(bench.clock.now()) + HOUR + 60_000);
  const deleted = deleteVariedIssues(bench.sim, bench.site, count, FIXED_ACCOUNT_IDS.demoAdmin, bench.clock.now());
  const source = await openSource(bench, backup.snapshot);
  const p = await plan(
    bench,
    source,
    { kind: 'deleted-issues' },
    { quota: { pointsPerHour: cap ?? 65_000, requestMs: LATENCY_MS, ...(concurrency ? { concurrency } : {}) } },
  );
  faultsOf(bench.sim).configure({ rates: { slow: 1 }, slowMs: LATENCY_MS });
  const run = await apply(bench, source, p, {
    ...(cap ? { governor: { maxPointsPerHour: cap } } : {}),
    ...(concurrency ? { concurrency } : {}),
  });
  return {
    run,
    heavyComments: deleted.shape.heavyComments,
    ratio: {
      points: p.stats.points / run.applied.points,
      eta: p.stats.etaMs / run.applied.durationMs,
    },
  };
}

function expectWithin25(outcome: Outcome): void {
  const { run, ratio } = outcome;
  const detail = `estimate ${run.plan.stats.points} points / ${run.plan.stats.etaMs} ms, actual ${run.applied.points} points / ${run.applied.durationMs} ms`;
  expect(ratio.points, detail).toBeGreaterThanOrEqual(0.75);
  expect(ratio.points, detail).toBeLessThanOrEqual(1.25);
  expect(ratio.eta, detail).toBeGreaterThanOrEqual(0.75);
  expect(ratio.eta, detail).toBeLessThanOrEqual(1.25);
}

describe('restore estimates (acceptance 6)', () => {
  it('a points cap smaller than the run needs: the quota decides, over several hours', async () => {
    const cap = 150;
    const o = await restoreRun(30, cap);
    expect(o.run.report.done.length).toBeGreaterThan(300);
    // The regime is the one we mean: the run needs several hours of the cap.
    expect(o.run.applied.points).toBeGreaterThan(3 * cap);
    expect(o.run.applied.durationMs).toBeGreaterThan(2 * HOUR);
    expectWithin25(o);
  }, 60_000);

  it('no cap: per-issue pacing decides (an issue with more than 100 comments)', async () => {
    const o = await restoreRun(30);
    expect(o.run.report.done.length).toBeGreaterThan(300);
    // An issue with more than 100 comments is in the run, so per-issue pacing matters…
    expect(o.heavyComments).toBeGreaterThan(0);
    expect(o.run.plan.stats.busiestIssueMs).toBeGreaterThan(30_000);
    // …and the governor kept every issue inside its limits while doing so.
    expect(o.run.applied.perIssue429s).toBe(0);
    expect(o.run.applied.durationMs).toBeLessThan(HOUR);
    expectWithin25(o);
  }, 60_000);

  it("no cap and one slot: the executor's slots decide", async () => {
    const o = await restoreRun(30, undefined, 1);
    expect(o.run.report.done.length).toBeGreaterThan(300);
    expect(o.run.plan.stats.etaMs).toBeGreaterThan(o.run.plan.stats.busiestIssueMs * 1.5);
    expectWithin25(o);
  }, 60_000);
});

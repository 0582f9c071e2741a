/**
 * Restore cost and speed (P5 acceptance 6 and 7): back up a simulated site, delete `--issues`
 * issues of varied shape, plan their restore, apply it, and print writes, points and time per
 * issue next to the lower bound of one write per restorable entity — and the plan's estimates
 * (points, ETA) next to what the run spent.
 *
 *   npx tsx bench/restore.ts [--size medium] [--seed 1] [--issues 1000] [--cap 0] [--latency 100]
 *     [--concurrency 16]
 *
 * `--cap N` limits the run to N points an hour (the governor's cap, and the plan's quota), so the
 * ETA is dominated by the quota; without it the per-issue pacing and parallelism decide. Time is
 * the simulated clock and wall time. The clock only jumps when every task waits on it and no file
 * I/O is in flight (test/support/io-clock.ts); `--latency MS` (default 100) makes every simulated
 * answer take that long (the simulator's `slow` fault at rate 1), as Jira's latency would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utcHourStart } from '../src/core/index.js';
import { DEFAULT_QUOTA, etaBounds } from '../src/restore/planner/stats.js';
import { RestoreSource } from '../src/restore/source.js';
import { faultsOf } from '../src/simulator/limits/parts.js';
import { FIXED_ACCOUNT_IDS } from '../src/simulator/generator/accounts.js';
import { backupBench } from '../test/support/backup-harness.js';
import { apply, plan } from '../test/support/restore-harness.js';
import { ioAwareClock } from '../test/support/io-clock.js';
import { deleteVariedIssues } from '../test/support/restore-scenarios.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const size = (args.get('size') ?? 'medium') as 'tiny' | 'small' | 'medium' | 'large';
const seed = Number(args.get('seed') ?? 1);
const count = Number(args.get('issues') ?? 1000);
const cap = Number(args.get('cap') ?? 0);
const latency = Number(args.get('latency') ?? 100);
const concurrency = Number(args.get('concurrency') ?? 0);

const dir = await mkdtemp(join(tmpdir(), 'tidemark-bench-restore-'));
try {
  const bench = await backupBench({ seed, size, repoDir: join(dir, 'repo'), clock: ioAwareClock() });
  const backup = await bench.backup();
  // The deletion (and the restore) come later than the backup, a minute into a fresh UTC hour: the
  // backup's points (the app's pool is shared) and its burst buckets do not weigh on the restore.
  bench.clock.set(utcHourStart(bench.clock.now()) + 3_600_000 + 60_000);
  const deleted = deleteVariedIssues(bench.sim, bench.site, count, FIXED_ACCOUNT_IDS.demoAdmin, bench.clock.now());
  const reader = await bench.repo.openSnapshotReader(backup.snapshot);
  const source = await RestoreSource.open(reader);
  const wallPlan = performance.now();
  const quota = {
    pointsPerHour: cap > 0 ? cap : DEFAULT_QUOTA.pointsPerHour,
    requestMs: latency,
    ...(concurrency > 0 ? { concurrency } : {}),
  };
  const p0 = bench.clock.now();
  const p = await plan(bench, source, { kind: 'deleted-issues' }, { quota });
  const planMs = performance.now() - wallPlan;
  if (latency > 0) faultsOf(bench.sim).configure({ rates: { slow: 1 }, slowMs: latency });
  const wall = performance.now();
  const run = await apply(bench, source, p, {
    ...(cap > 0 ? { governor: { maxPointsPerHour: cap } } : {}),
    ...(concurrency > 0 ? { concurrency } : {}),
  });
  const wallMs = performance.now() - wall;
  await reader.close();
  const issues = deleted.dumps.size;
  const entities = Object.entries(p.stats.entities).sort();
  const restorable = entities.reduce((n, [, v]) => n + v, 0);
  const bounds = etaBounds(p.steps, { ...quota, startAt: p0 });
  const stepKinds = [...countBy(p.steps.map((s) => s.kind))];
  const failedKinds = [...countBy(run.report.failed.map((f) => `${f.kind} (${f.error.code})`))];
  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [
    `site ${bench.site.name} (${size}, seed ${seed}): ${fmt(issues)} deleted issues restored` +
      (cap > 0 ? `, cap ${fmt(cap)} points/hour` : '') +
      `, request latency ${fmt(latency)} ms, ${fmt(concurrency || DEFAULT_QUOTA.concurrency)} steps at once`,
    `steps: ${stepKinds.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} (total ${fmt(p.steps.length)})`,
    `entities restored: ${entities.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} (total ${fmt(restorable)})`,
    `failed steps: ${run.report.failed.length}${failedKinds.length ? ` (${failedKinds.map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}, skipped: ${run.report.skipped.length}, per-issue 429s: ${run.applied.perIssue429s}, issues in flight (max): ${run.probe.maxIssues}`,
    ...run.report.failed.slice(0, 5).map((f) => `  failed ${f.step}: ${f.error.message.slice(0, 300)}`),
    '',
    '| Figure | Plan estimate | Actual | Per issue | Lower bound |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| Write requests | ${fmt(p.stats.writes)} | ${fmt(run.applied.writes)} | ${fmt(run.applied.writes / issues, 2)} | ${fmt(restorable)} (${fmt(restorable / issues, 2)} per issue: one write per entity) |`,
    `| All requests | ${fmt(p.stats.writes + p.stats.reads)} | ${fmt(run.applied.requests)} | ${fmt(run.applied.requests / issues, 2)} | |`,
    `| Points | ${fmt(p.stats.points)} | ${fmt(run.applied.points)} | ${fmt(run.applied.points / issues, 2)} | ${fmt(restorable)} |`,
    `| Time (simulated) | ${fmt(p.stats.etaMs / 1000, 1)} s | ${fmt(run.applied.durationMs / 1000, 1)} s | ${fmt(run.applied.durationMs / issues, 1)} ms | |`,
    `| Time (wall) | | ${fmt(wallMs / 1000, 1)} s (plan ${fmt(planMs / 1000, 1)} s) | ${fmt(wallMs / issues, 1)} ms | |`,
    '',
    `ETA bounds (the ETA is the largest): busiest issue ${fmt(bounds.busiestIssueMs / 1000, 1)} s, executor slots ${fmt(bounds.slotsMs / 1000, 1)} s, burst ${fmt(bounds.burstMs / 1000, 1)} s (${bounds.burstRoute}), quota ${fmt(bounds.quotaMs / 1000, 1)} s`,
    `estimate / actual: points ${fmt(p.stats.points / Math.max(1, run.applied.points), 2)}, ETA ${fmt(p.stats.etaMs / Math.max(1, run.applied.durationMs), 2)}`,
  ];
  console.log(lines.join('\n'));
} finally {
  await rm(dir, { recursive: true, force: true });
}

function countBy(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

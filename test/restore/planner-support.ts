/**
 * Shared set-up for the planner tests: a backed-up tiny simulated site, the snapshot as a
 * RestoreSource, the live site through JiraLiveState, and helpers to mutate the site.
 */
import { applyOp, type Op } from '../../src/simulator/control/world.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { mutationContext } from '../../src/simulator/mutate/index.js';
import type { Issue } from '../../src/simulator/index.js';
import { JiraLiveState } from '../../src/restore/live.js';
import { RestoreSource } from '../../src/restore/source.js';
import { backupBench, type BackupBench } from '../support/backup-harness.js';

export const ADMIN = FIXED_ACCOUNT_IDS.demoAdmin;

export interface PlannerBench {
  bench: BackupBench;
  source: RestoreSource;
  /** A fresh LiveState of the backed-up site (answers are cached per instance). */
  live(): JiraLiveState;
  /** A fresh LiveState of another site of the world (e.g. 'globex'). */
  liveOn(siteName: string): JiraLiveState;
  /** Applies control operations to the site, as its admin. */
  apply(...ops: Op[]): unknown[];
  issues(): Issue[];
}

export async function plannerBench(seed = 1): Promise<PlannerBench> {
  const bench = await backupBench({ seed, size: 'tiny' });
  const report = await bench.backup();
  const source = await RestoreSource.open(await bench.repo.openSnapshotReader(report.snapshot));
  return {
    bench,
    source,
    live: () => new JiraLiveState(bench.client()),
    liveOn: (name) => new JiraLiveState(bench.clientFor(name)),
    apply: (...ops) =>
      ops.map((op) => applyOp(mutationContext(bench.sim.world, bench.site, bench.clock.now(), ADMIN), op)),
    issues: () => [...bench.site.data.issues.values()].sort((a, b) => Number(a.id) - Number(b.id)),
  };
}

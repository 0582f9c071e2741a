/**
 * P4 acceptance 5 (faults half): with 5% injected faults and a lagging search index, backups still
 * equal the ground truth — new issues the index does not show yet are found by probing ids, and
 * changes not yet indexed are picked up by the next run's overlap window.
 */
import { describe, expect, it } from 'vitest';
import { applyOp } from '../../src/simulator/control/world.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { faultsOf, meterOf } from '../../src/simulator/limits/parts.js';
import { mutationContext } from '../../src/simulator/mutate/index.js';
import { dumpSite } from '../../src/simulator/world/dump.js';
import { backupBench, type BackupBench } from '../support/backup-harness.js';
import { compareWithGroundTruth } from '../support/ground-truth.js';

const ADMIN = FIXED_ACCOUNT_IDS.demoAdmin;

async function differences(bench: BackupBench, snapshot: string): Promise<string[]> {
  const reader = await bench.repo.openSnapshotReader(snapshot);
  const truth = JSON.parse(JSON.stringify(dumpSite(bench.site, bench.sim.world.accounts)));
  return (await compareWithGroundTruth(reader, truth, { backupAccountId: ADMIN })).lines;
}

describe('backups under faults and search-index lag', () => {
  it('equal the ground truth', async () => {
    const bench = await backupBench({ seed: 9, size: 'tiny' });
    faultsOf(bench.sim).configure({
      seed: 42,
      rates: { error500: 0.01, error502: 0.01, error503: 0.01, reset: 0.01, truncate: 0.01 },
    });
    bench.sim.settings.indexLagMs = 30_000;

    const full = await bench.backup();
    const injected = Object.values(meterOf(bench.sim).counters().faults).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(5);
    expect(await differences(bench, full.snapshot)).toEqual([]);

    // Changes right before the next run: the index does not show them yet.
    bench.clock.advance(3_600_000);
    const ctx = mutationContext(bench.sim.world, bench.site, bench.clock.now(), ADMIN);
    const created = applyOp(ctx, {
      op: 'create',
      project: 'DEV',
      fields: { summary: 'Created moments before the backup' },
    });
    const edited = [...bench.site.data.issues.values()][5]!;
    applyOp(ctx, { op: 'edit', issue: edited.key, fields: { summary: 'Edited moments before the backup' } });
    bench.clock.advance(1_000);
    const inc = await bench.backup();
    const reader = await bench.repo.openSnapshotReader(inc.snapshot);
    // The new issue was found although the index does not list it yet.
    expect(await reader.lookup(['issues', String(created.issueId)])).toBeDefined();

    // The next run (after the index caught up) covers the edit through its overlap window.
    bench.clock.advance(3_600_000);
    const next = await bench.backup();
    expect(await differences(bench, next.snapshot)).toEqual([]);
  });
});

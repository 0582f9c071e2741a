/**
 * Issue P4, acceptance 1: a full backup of a `medium` simulated site (about 6,000 issues, 1.1 GiB
 * of attachments) equals the simulator's ground truth for every entity kind. The repository is on
 * disk (a temporary directory), as a user's would be.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { dumpSite } from '../../src/simulator/world/dump.js';
import { backupBench } from '../support/backup-harness.js';
import { compareWithGroundTruth } from '../support/ground-truth.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('completeness on a medium site', () => {
  it('a full backup of a medium site equals the ground truth', { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-medium-'));
    dirs.push(dir);
    const bench = await backupBench({ seed: 1, size: 'medium', repoDir: join(dir, 'repo') });
    const report = await bench.backup();
    expect(report.issues.total).toBe(bench.site.data.issues.size);
    const reader = await bench.repo.openSnapshotReader(report.snapshot);
    const truth = JSON.parse(JSON.stringify(dumpSite(bench.site, bench.sim.world.accounts))) as Record<string, unknown>;
    const diff = await compareWithGroundTruth(reader, truth, { backupAccountId: FIXED_ACCOUNT_IDS.demoAdmin });
    expect(diff.lines.slice(0, 30)).toEqual([]);
    await reader.close();
  });
});

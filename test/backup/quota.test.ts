/**
 * P4 acceptance 4: with a quota smaller than the run needs, the run paces itself, waits out the
 * hours, completes; the configured points per hour are never exceeded (simulator meter); and the
 * ETA shown when the issues phase starts is within 25% of the actual duration.
 */
import { describe, expect, it } from 'vitest';
import { meterOf } from '../../src/simulator/limits/parts.js';
import { type RateGovernor } from '../../src/jira/index.js';
import { runBackup } from '../../src/backup/run.js';
import type { ProgressEvent } from '../../src/core/index.js';
import { backupBench } from '../support/backup-harness.js';

describe('a backup larger than the hourly quota', () => {
  it('completes within the cap per UTC hour, with no quota 429s, and an accurate ETA', async () => {
    // The app's pool allows 1,000 points an hour; the run may use 600 of them.
    const bench = await backupBench({ seed: 11, size: 'tiny', limits: { quota: { globalPoints: 1_000 } } });
    const cap = 600;
    const run = async (full: boolean) => {
      const events: ProgressEvent[] = [];
      const client = bench.client({ maxPointsPerHour: cap });
      const report = await runBackup({
        client,
        repository: bench.repo,
        site: { cloudId: bench.site.cloudId, name: bench.site.name, url: bench.site.url },
        clock: bench.clock,
        fetch: bench.sim.inProcessFetch,
        tool: { version: 'test', mode: 'embedded' },
        full,
        progress: { emit: (e) => events.push(e) },
      });
      return { report, events, governor: client.governor as RateGovernor };
    };
    // A first run teaches the next one what an issue costs on this site.
    const first = await run(true);
    expect(first.report.points.total).toBeGreaterThan(2 * cap);
    const meter = meterOf(bench.sim);
    meter.reset();
    const second = await run(true);
    const counters = meter.counters();
    const hours = Object.values(counters.byHour);
    expect(hours.length).toBeGreaterThanOrEqual(3);
    for (const h of hours) expect(h.points).toBeLessThanOrEqual(cap);
    expect(counters.rateLimited['jira-quota-global-based'] ?? 0).toBe(0);
    // The run waited for the quota, and said so.
    const actual = second.report.durationMs;
    expect(actual).toBeGreaterThan(2 * 3_600_000);
    const phase = second.events.find((e) => e.type === 'phase' && e.phase === 'issues');
    const eta = phase?.type === 'phase' ? phase.estimate?.durationMs : undefined;
    expect(eta).toBeDefined();
    expect(Math.abs(eta! - actual) / actual).toBeLessThan(0.25);
    expect(
      Math.abs(second.report.estimate.points - second.report.points.total) / second.report.points.total,
    ).toBeLessThan(0.25);
  });
});

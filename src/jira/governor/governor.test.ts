import { describe, expect, it } from 'vitest';
import { FakeClock, utcHourStart } from '../../core/index.js';
import { RateGovernor, retryAfterMs, type GovernorEvent, type GovernorTicket } from './governor.js';

const HOUR = 3_600_000;
const t0 = Date.UTC(2026, 10, 24, 10, 0, 0);

async function run(gov: RateGovernor, ticket: GovernorTicket): Promise<void> {
  const permit = await gov.acquire({ ...ticket });
  permit.release();
}

describe('RateGovernor', () => {
  it('never spends more than the hourly cap and resumes at the top of the next UTC hour', async () => {
    const clock = new FakeClock(t0 + 10 * 60_000, { autoAdvance: true });
    const gov = new RateGovernor({ clock, maxPointsPerHour: 1_000, spreadOverHour: false });
    const starts: number[] = [];
    for (let i = 0; i < 25; i++) {
      await run(gov, { key: 'POST /rest/api/3/issue/bulkfetch', isWrite: false, points: 101 });
      starts.push(clock.now());
    }
    const byHour = new Map<number, number>();
    for (const s of starts) byHour.set(utcHourStart(s), (byHour.get(utcHourStart(s)) ?? 0) + 101);
    for (const spent of byHour.values()) expect(spent).toBeLessThanOrEqual(1_000);
    expect(byHour.size).toBe(3);
    // The 10th request had to wait for the next hour.
    expect(utcHourStart(starts[9]!)).toBe(t0 + HOUR);
  });

  it('spreads spending over the hour when asked', async () => {
    const clock = new FakeClock(t0, { autoAdvance: true });
    const gov = new RateGovernor({ clock, maxPointsPerHour: 3_600, spreadOverHour: true, initialShare: 0 });
    for (let i = 0; i < 60; i++) await run(gov, { key: 'GET /rest/api/3/myself', isWrite: false, points: 30 });
    // 60 × 30 = 1,800 points = half the hourly cap → about half an hour.
    expect(clock.now() - t0).toBeGreaterThanOrEqual(HOUR / 2 - 1_000);
    expect(clock.now() - t0).toBeLessThanOrEqual(HOUR / 2 + 1_000);
  });

  it('paces one endpoint at a share of its documented burst rate without slowing others', async () => {
    const clock = new FakeClock(t0, { autoAdvance: true });
    const gov = new RateGovernor({ clock, spreadOverHour: false, burstUtilisation: 1 });
    // PUT endpoints are documented at 50 rps: 150 PUTs need at least 2 s after the first bucketful.
    for (let i = 0; i < 150; i++)
      await run(gov, { key: 'PUT /rest/api/3/issue/{issueIdOrKey}', isWrite: false, points: 1 });
    const afterPuts = clock.now();
    expect(afterPuts - t0).toBeGreaterThanOrEqual(1_900);
    for (let i = 0; i < 50; i++) await run(gov, { key: 'GET /rest/api/3/myself', isWrite: false, points: 1 });
    expect(clock.now()).toBe(afterPuts);
  });

  it('keeps writes to one issue serial and under the per-issue windows', async () => {
    const clock = new FakeClock(t0, { autoAdvance: true });
    const gov = new RateGovernor({ clock, spreadOverHour: false });
    const times: number[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    await Promise.all(
      Array.from({ length: 120 }, async () => {
        const permit = await gov.acquire({
          key: 'POST /rest/api/3/issue/{issueIdOrKey}/comment',
          isWrite: true,
          issueKey: 'c/A-1',
          points: 1,
        });
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        times.push(clock.now());
        await clock.sleep(10);
        concurrent--;
        permit.release();
      }),
    );
    expect(maxConcurrent).toBe(1);
    for (const t of times) {
      expect(times.filter((x) => x > t - 2_000 && x <= t).length).toBeLessThanOrEqual(20);
      expect(times.filter((x) => x > t - 30_000 && x <= t).length).toBeLessThanOrEqual(100);
    }
  });

  it('pauses everything until the reset after a quota 429 and refunds the rejected points', async () => {
    const clock = new FakeClock(t0 + 30 * 60_000, { autoAdvance: true });
    const events: GovernorEvent[] = [];
    const gov = new RateGovernor({ clock, spreadOverHour: false, onEvent: (e) => events.push(e) });
    const ticket: GovernorTicket = { key: 'GET /rest/api/3/myself', isWrite: false, points: 3 };
    const permit = await gov.acquire(ticket);
    const reset = new Date(t0 + HOUR).toISOString();
    const wait = await gov.observe(ticket, {
      status: 429,
      headers: new Headers({
        'retry-after': '1800',
        'x-ratelimit-reset': reset,
        'ratelimit-reason': 'jira-quota-global-based',
      }),
    });
    permit.release();
    expect(wait).toBe(1_800_000);
    expect(await gov.spentThisHour()).toBe(0);
    expect(events[0]).toMatchObject({ type: 'paused', reason: 'jira-quota-global-based', untilMs: t0 + HOUR });
    await run(gov, { key: 'GET /rest/api/3/serverInfo', isWrite: false, points: 1 });
    expect(clock.now()).toBe(t0 + HOUR);
    expect(events.some((e) => e.type === 'resumed')).toBe(true);
  });

  it('learns the pool size from Beta-RateLimit-Policy and stops when the shared pool is empty', async () => {
    const clock = new FakeClock(t0 + 50 * 60_000, { autoAdvance: true });
    const gov = new RateGovernor({ clock, spreadOverHour: false });
    const ticket: GovernorTicket = { key: 'GET /rest/api/3/myself', isWrite: false, points: 1 };
    const permit = await gov.acquire(ticket);
    await gov.observe(ticket, {
      status: 200,
      headers: new Headers({
        'beta-ratelimit-policy': '"global-app-quota";q=5000;w=3600',
        'beta-ratelimit': '"global-app-quota";r=0;t=600',
      }),
    });
    permit.release();
    expect(gov.hourlyCap).toBe(5_000);
    await run(gov, ticket);
    expect(clock.now()).toBe(t0 + HOUR);
  });

  it('believes what the pool has left (r=) over its own count: others spend from the same pool', async () => {
    const clock = new FakeClock(t0 + 30 * 60_000, { autoAdvance: true });
    const gov = new RateGovernor({ clock, spreadOverHour: false, quotaPerHour: 1_000 });
    const ticket: GovernorTicket = { key: 'GET /rest/api/3/myself', isWrite: false, points: 3 };
    const permit = await gov.acquire(ticket);
    // This governor spent 3 points, but the pool says only 9 remain: others spent the rest.
    await gov.observe(ticket, {
      status: 200,
      headers: new Headers({ 'beta-ratelimit': '"global-app-quota";r=9;t=1800' }),
    });
    permit.release();
    expect(await gov.spentThisHour()).toBe(991);
    for (let i = 0; i < 3; i++) await run(gov, ticket);
    expect(clock.now()).toBe(t0 + 30 * 60_000);
    // The fourth would overdraw the pool: it waits for the next window.
    await run(gov, ticket);
    expect(clock.now()).toBe(t0 + HOUR);
  });

  it('ignores r= from a window that has already ended on its own clock', async () => {
    const clock = new FakeClock(t0 + HOUR + 1_000, { autoAdvance: true });
    const gov = new RateGovernor({ clock, spreadOverHour: false, quotaPerHour: 1_000 });
    const ticket: GovernorTicket = { key: 'GET /rest/api/3/myself', isWrite: false, points: 3 };
    const permit = await gov.acquire(ticket);
    // The server was still in the previous hour (t=1 s to its reset): its r says nothing about ours.
    await gov.observe(ticket, {
      status: 200,
      headers: new Headers({ 'beta-ratelimit': '"global-app-quota";r=0;t=0' }),
    });
    permit.release();
    expect(await gov.spentThisHour()).toBe(3);
  });

  it('reads Retry-After in seconds or as a date, and X-RateLimit-Reset', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), 0)).toBe(7_000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '1970-01-01T00:00:10Z' }), 4_000)).toBe(6_000);
    expect(retryAfterMs(new Headers(), 0)).toBeUndefined();
  });
});

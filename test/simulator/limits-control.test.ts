/**
 * The /__sim control API for limits, faults, the meter, the clock and runtime settings, and its
 * wiring through createSimulator.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/index.js';
import { OffsetClock } from '../../src/simulator/clock.js';
import { createSimulator } from '../../src/simulator/create.js';
import { faultsOf, limitsOf, meterOf, offsetClockOf } from '../../src/simulator/limits/parts.js';
import type { JiraSimulator } from '../../src/simulator/simulator.js';
import { APP, harness, SITE_A } from './limits-harness.js';

const NINE = Date.UTC(2026, 10, 24, 9, 0, 0);
const HOUR = 3_600_000;

async function control(
  sim: JiraSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await sim.fetch(new Request(`http://sim.invalid/__sim${path}`, init));
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('createSimulator wiring', () => {
  it('builds the limits, faults and meter from its options on an adjustable clock', async () => {
    const fake = new FakeClock(NINE);
    const sim = createSimulator({
      clock: fake,
      limits: { quota: { globalPoints: 500 } },
      faults: { seed: 9 },
      meter: { logLimit: 10 },
    });
    expect(limitsOf(sim).settings.quota.globalPoints).toBe(500);
    expect(limitsOf(sim).settings.burst.rates).toEqual({ GET: 100, POST: 100, PUT: 50, DELETE: 50 });
    expect(faultsOf(sim).settings.seed).toBe(9);
    expect(meterOf(sim).counters().log.limit).toBe(10);
    const clock = offsetClockOf(sim);
    expect(clock).toBeInstanceOf(OffsetClock);
    expect(clock?.inner).toBe(fake);
    clock?.advance(5000);
    expect(sim.clock.now()).toBe(NINE + 5000);

    expect(limitsOf(createSimulator({ limitsPreset: 'unlimited' })).settings.quota.enabled).toBe(false);
  });

  it('serves no control route unless control is on', async () => {
    const sim = createSimulator({ clock: new FakeClock(NINE) });
    expect((await sim.fetch(new Request('http://sim.invalid/__sim/limits'))).status).toBe(404);
  });
});

describe('/__sim control API', () => {
  it('reads, merges and replaces limit settings, and refuses invalid ones', async () => {
    const sim = createSimulator({
      clock: new FakeClock(NINE),
      control: true,
      limits: { quota: { globalPoints: 500 } },
    });
    const got = await control(sim, 'GET', '/limits');
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ settings: { quota: { globalPoints: 500, enabled: true } }, pools: [] });

    const patched = await control(sim, 'PATCH', '/limits', {
      quota: { globalPoints: 10 },
      burst: { overrides: { 'GET /rest/api/3/issue/{issueIdOrKey}': null } },
    });
    expect(patched.json).toMatchObject({ settings: { quota: { globalPoints: 10 } } });
    expect(limitsOf(sim).settings.burst.overrides).not.toHaveProperty(['GET /rest/api/3/issue/{issueIdOrKey}']);
    expect(limitsOf(sim).settings.burst.overrides['GET /rest/api/3/attachment/content/{id}']).toBe(300);

    const replaced = await control(sim, 'PUT', '/limits', { preset: 'unlimited', perIssue: { enabled: true } });
    expect(replaced.json).toMatchObject({
      settings: {
        quota: { enabled: false, globalPoints: 65_000 },
        burst: { enabled: false },
        perIssue: { enabled: true },
      },
    });
    expect((await control(sim, 'PUT', '/limits', {})).json).toMatchObject({
      settings: { quota: { enabled: true, globalPoints: 65_000 } },
    });

    for (const bad of [{ quota: { globalPoints: -1 } }, { quota: { nope: 1 } }, { preset: 'fast' }, '[1]', '{']) {
      const res = await control(sim, 'PUT', '/limits', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(typeof res.json.error).toBe('string');
    }
    expect(limitsOf(sim).settings.quota.globalPoints).toBe(65_000);
  });

  it('reads and sets fault settings', async () => {
    const sim = createSimulator({ clock: new FakeClock(NINE), control: true });
    expect((await control(sim, 'GET', '/faults')).json).toMatchObject({ seed: 1, rates: { error500: 0 } });
    await control(sim, 'PUT', '/faults', { seed: 5, rates: { error503: 0.25 }, routes: ['/rest/api/3/*'] });
    expect(faultsOf(sim).settings).toMatchObject({ seed: 5, rates: { error503: 0.25 }, routes: ['/rest/api/3/*'] });
    await control(sim, 'PATCH', '/faults', { rates: { reset: 0.1 } });
    expect(faultsOf(sim).settings.rates).toMatchObject({ error503: 0.25, reset: 0.1 });
    expect((await control(sim, 'PUT', '/faults', { rates: { reset: 0.6, error500: 0.6 } })).status).toBe(400);
    expect((await control(sim, 'PUT', '/faults', {})).json).toMatchObject({
      seed: 1,
      rates: { error503: 0, reset: 0 },
    });
  });

  it('sets runtime settings (search-index lag)', async () => {
    const sim = createSimulator({ clock: new FakeClock(NINE), control: true });
    expect((await control(sim, 'GET', '/settings')).json).toEqual({ indexLagMs: 0 });
    expect((await control(sim, 'PUT', '/settings', { indexLagMs: 5000 })).json).toEqual({ indexLagMs: 5000 });
    expect(sim.settings.indexLagMs).toBe(5000);
    expect((await control(sim, 'PUT', '/settings', { indexLagMs: -1 })).status).toBe(400);
    expect((await control(sim, 'PUT', '/settings', { other: 1 })).status).toBe(400);
    expect(sim.settings.indexLagMs).toBe(5000);
  });

  it('advances the clock into the next quota window, and reads and resets the meter', async () => {
    const { sim, call } = harness(new FakeClock(NINE + HOUR / 2), { limits: { quota: { globalPoints: 4 } } });
    expect((await call('GET', '/rest/api/3/issue/ABC-1')).status).toBe(200);
    expect((await call('GET', '/rest/api/3/issue/ABC-2')).status).toBe(200);
    expect((await call('GET', '/rest/api/3/issue/ABC-3')).status).toBe(429);

    const limits = await control(sim, 'GET', '/limits');
    expect(limits.json.pools).toEqual([
      {
        kind: 'global',
        policy: 'global-app-quota',
        clientId: APP,
        limit: 4,
        used: 4,
        remaining: 0,
        windowStart: '2026-11-24T09:00:00.000Z',
        resetAt: '2026-11-24T10:00:00.000Z',
      },
    ]);

    const meter = await control(sim, 'GET', '/meter');
    expect(meter.json).toMatchObject({
      totals: { requests: 3, points: 4, rateLimited: 1, faults: 0 },
      bySite: { [SITE_A]: { requests: 3, points: 4 } },
      byApp: { [APP]: { requests: 3 } },
      byEndpoint: { 'GET /rest/api/3/issue/{issueIdOrKey}': { requests: 3, points: 4, rateLimited: 1 } },
      rateLimited: { 'jira-quota-global-based': 1 },
      byStatus: { '200': 2, '429': 1 },
    });
    expect(meter.json).not.toHaveProperty('records');
    const withLog = await control(sim, 'GET', '/meter?log=1');
    expect((withLog.json.records as Array<{ status: number }>).map((r) => r.status)).toEqual([200, 200, 429]);

    expect((await control(sim, 'POST', '/clock/advance', { ms: -5 })).status).toBe(400);
    expect((await control(sim, 'GET', '/clock')).json).toEqual({
      now: NINE + HOUR / 2,
      iso: '2026-11-24T09:30:00.000Z',
      offsetMs: 0,
      adjustable: true,
    });
    const advanced = await control(sim, 'POST', '/clock/advance', { ms: HOUR / 2 });
    expect(advanced.json).toMatchObject({ now: NINE + HOUR, offsetMs: HOUR / 2 });
    expect((await call('GET', '/rest/api/3/issue/ABC-3')).status).toBe(200);

    const reset = await control(sim, 'POST', '/meter/reset');
    expect(reset.json).toMatchObject({ since: NINE + HOUR, totals: { requests: 0, points: 0 }, byEndpoint: {} });

    expect((await control(sim, 'POST', '/limits/reset')).json).toMatchObject({ pools: [] });
  });

  it('answers 404 for unknown control routes', async () => {
    const sim = createSimulator({ clock: new FakeClock(NINE), control: true });
    expect((await control(sim, 'DELETE', '/limits')).status).toBe(404);
  });
});

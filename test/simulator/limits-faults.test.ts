/**
 * Acceptance item 6 of issue P1 (faults): every fault kind at about its configured rate, exactly
 * reproducible from the seed, applied only to admitted calls and only where filtered; resets and
 * truncated bodies realised in process and over real HTTP; with every rate at 0, nothing fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { serveFetch, type ServedHandle } from '../../src/cli/http-adapter.js';
import { FakeClock } from '../../src/core/index.js';
import { FAULT_HEADER } from '../../src/simulator/http/respond.js';
import type { FaultPatch } from '../../src/simulator/faults/engine.js';
import { faultsOf, limitsOf, meterOf } from '../../src/simulator/limits/parts.js';
import { harness, SITE_A } from './limits-harness.js';

const NINE = Date.UTC(2026, 10, 24, 9, 0, 0);

const MIXED: FaultPatch = {
  seed: 42,
  rates: { error500: 0.05, error502: 0.05, error503: 0.1, error504: 0.05, reset: 0.05, truncate: 0.05, slow: 0.05 },
  slowMs: 0,
};

/** What the client saw of each call: status, marker of a network fault, Retry-After. */
async function outcomes(faults: FaultPatch, calls: number): Promise<string[]> {
  const { call } = harness(new FakeClock(NINE), { limitsPreset: 'unlimited', faults });
  const seen: string[] = [];
  for (let i = 0; i < calls; i++) {
    const res = await call('GET', `/rest/api/3/issue/ABC-${i}`);
    seen.push(`${res.status}|${res.headers.get(FAULT_HEADER) ?? ''}|${res.headers.get('retry-after') ?? ''}`);
  }
  return seen;
}

describe('fault injection', () => {
  it('injects nothing when every rate is 0', async () => {
    const { sim, call } = harness(new FakeClock(NINE), { limitsPreset: 'unlimited' });
    for (let i = 0; i < 700; i++) {
      expect((await call('GET', `/rest/api/3/issue/ABC-${i}`)).status).toBe(200);
      expect((await call('PUT', `/rest/api/3/issue/ABC-${i}`, { body: {} })).status).toBe(204);
      const res = await call('GET', '/rest/api/3/project/search?n=3');
      expect(res.status).toBe(200);
      expect(res.headers.get(FAULT_HEADER)).toBeNull();
    }
    expect(meterOf(sim).counters().faults).toEqual({});
    expect(meterOf(sim).counters().totals.faults).toBe(0);
  });

  it('injects each kind at about its configured rate, reproducibly from the seed', async () => {
    const calls = 6000;
    const { sim, call } = harness(new FakeClock(NINE), { limitsPreset: 'unlimited', faults: MIXED });
    for (let i = 0; i < calls; i++) await call('GET', `/rest/api/3/issue/ABC-${i}`);
    const faults = meterOf(sim).counters().faults;
    const expected: Record<string, number> = {
      '500': 0.05,
      '502': 0.05,
      '503': 0.1,
      '504': 0.05,
      reset: 0.05,
      truncate: 0.05,
      delay: 0.05,
    };
    expect(Object.keys(faults).sort()).toEqual(Object.keys(expected).sort());
    for (const [kind, rate] of Object.entries(expected)) {
      expect(faults[kind], kind).toBeGreaterThan(calls * rate * 0.8);
      expect(faults[kind], kind).toBeLessThan(calls * rate * 1.2);
    }
    // Injected faults cost no points.
    const answered = calls - faults['500']! - faults['502']! - faults['503']! - faults['504']! - faults.reset!;
    expect(meterOf(sim).counters().totals.points).toBe(answered * 2);

    const first = await outcomes(MIXED, 600);
    expect(await outcomes(MIXED, 600)).toEqual(first);
    expect(await outcomes({ ...MIXED, seed: 43 }, 600)).not.toEqual(first);
    // About half of the 503s carry Retry-After (default share 0.5, 5 s).
    const with503 = first.filter((o) => o.startsWith('503|'));
    const withRetry = with503.filter((o) => o.endsWith('|5'));
    expect(withRetry.length).toBeGreaterThan(with503.length * 0.3);
    expect(withRetry.length).toBeLessThan(with503.length * 0.7);
  });

  it('restarts the sequence from the seed when the settings are set again', async () => {
    const { sim, call } = harness(new FakeClock(NINE), { limitsPreset: 'unlimited', faults: MIXED });
    const run = async (): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await call('GET', '/rest/api/3/issue/ABC-1')).status);
      return statuses;
    };
    const a = await run();
    faultsOf(sim).configure({});
    expect(await run()).toEqual(a);
  });

  it('sends Retry-After on the configured share of 503s', async () => {
    const always = await outcomes({ rates: { error503: 1 }, retryAfterShare: 1, retryAfterSeconds: 7 }, 50);
    expect(new Set(always)).toEqual(new Set(['503||7']));
    const never = await outcomes({ rates: { error503: 1 }, retryAfterShare: 0 }, 50);
    expect(new Set(never)).toEqual(new Set(['503||']));
  });

  it('applies faults only to admitted calls', async () => {
    const { sim, call } = harness(new FakeClock(NINE), { limits: { quota: { globalPoints: 2 } } });
    expect((await call('GET', '/rest/api/3/issue/ABC-1')).status).toBe(200); // spends the whole quota
    faultsOf(sim).configure({ rates: { error500: 1 } });
    for (let i = 0; i < 20; i++) expect((await call('GET', '/rest/api/3/issue/ABC-1')).status).toBe(429);
    expect(meterOf(sim).counters().faults).toEqual({});
    expect(meterOf(sim).counters().rateLimited).toEqual({ 'jira-quota-global-based': 20 });
    limitsOf(sim).resetUsage();
    expect((await call('GET', '/rest/api/3/issue/ABC-1')).status).toBe(500);
  });

  it('filters by method and route', async () => {
    const { call } = harness(new FakeClock(NINE), {
      limitsPreset: 'unlimited',
      faults: { rates: { error500: 1 }, methods: ['put'], routes: ['/rest/api/3/issue/*'] },
    });
    expect((await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} })).status).toBe(500);
    expect((await call('POST', '/rest/api/3/issue/ABC-1/comment', { body: {} })).status).toBe(201);
    expect((await call('GET', '/rest/api/3/issue/ABC-1')).status).toBe(200);

    const exact = harness(new FakeClock(NINE), {
      limitsPreset: 'unlimited',
      faults: { rates: { error502: 1 }, routes: ['/rest/api/3/project/search'] },
    });
    expect((await exact.call('GET', '/rest/api/3/project/search')).status).toBe(502);
    expect((await exact.call('GET', '/rest/api/3/issue/ABC-1')).status).toBe(200);
  });

  it('delays a slow response by slowMs of the simulator clock', async () => {
    const clock = new FakeClock(NINE);
    const { call } = harness(clock, { limitsPreset: 'unlimited', faults: { rates: { slow: 1 }, slowMs: 1500 } });
    let done: Response | undefined;
    const pending = call('GET', '/rest/api/3/issue/ABC-1').then((r) => (done = r));
    const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await settle();
    clock.advance(1499);
    await settle();
    expect(done).toBeUndefined();
    clock.advance(1);
    await pending;
    expect(done?.status).toBe(200);
  });

  it('rejects invalid settings', () => {
    const { sim } = harness(new FakeClock(NINE));
    expect(() => faultsOf(sim).configure({ rates: { error500: 0.7, reset: 0.7 } })).toThrow(/add up to more than 1/);
    expect(() => faultsOf(sim).configure({ rates: { error500: 2 } })).toThrow(/invalid fault settings/);
    expect(faultsOf(sim).settings.rates.error500).toBe(0);
  });
});

describe('network faults in process (sim.inProcessFetch)', () => {
  const url = `http://sim.invalid/api/ex/jira/${SITE_A}/rest/api/3/issue/ABC-1`;
  const init = { headers: { authorization: 'Bearer good' } };

  it('turns a reset into a thrown TypeError caused by ECONNRESET', async () => {
    const { sim } = harness(new FakeClock(NINE), { limitsPreset: 'unlimited', faults: { rates: { reset: 1 } } });
    const error: unknown = await sim.inProcessFetch(url, init).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError & { cause: { code: string } }).cause.code).toBe('ECONNRESET');
    expect(meterOf(sim).counters().byStatus).toEqual({ '0': 1 });
  });

  it('turns a truncation into a body stream that errors after half the bytes', async () => {
    const { sim } = harness(new FakeClock(NINE), { limitsPreset: 'unlimited', faults: { rates: { truncate: 1 } } });
    const full = await (await harness(new FakeClock(NINE)).call('GET', '/rest/api/3/issue/ABC-1')).arrayBuffer();
    const res = await sim.inProcessFetch(url, init);
    expect(res.status).toBe(200);
    expect(res.headers.get(FAULT_HEADER)).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(full.byteLength));
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(first.value!.length).toBe(Math.floor(full.byteLength / 2));
    await expect(reader.read()).rejects.toThrow(/terminated/);
    await expect((await sim.inProcessFetch(url, init)).json()).rejects.toThrow();
  });
});

describe('network faults over HTTP (serveFetch)', () => {
  let served: ServedHandle | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  it('destroys the connection for a reset and cuts the body for a truncation', async () => {
    const { sim } = harness(new FakeClock(NINE), { limitsPreset: 'unlimited', faults: { rates: { reset: 1 } } });
    served = await serveFetch(sim.fetch);
    const url = `${served.url}/api/ex/jira/${SITE_A}/rest/api/3/issue/ABC-1`;
    const init = { headers: { authorization: 'Bearer good' } };
    await expect(fetch(url, init)).rejects.toBeInstanceOf(TypeError);

    faultsOf(sim).replace({ rates: { truncate: 1 } });
    const res = await fetch(url, init);
    expect(res.status).toBe(200);
    expect(res.headers.get(FAULT_HEADER)).toBeNull();
    const declared = Number(res.headers.get('content-length'));
    expect(declared).toBeGreaterThan(100);
    await expect(res.text()).rejects.toThrow();

    faultsOf(sim).replace({});
    const ok = await fetch(url, init);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { key: string }).key).toBe('ABC-1');
  });
});

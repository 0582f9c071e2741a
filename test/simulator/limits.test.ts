/**
 * Acceptance item 5 of issue P1: documented point costs, pool exhaustion until the top of the UTC
 * hour (global and per-tenant), burst 429s per endpoint+method, per-issue write 429s, and
 * well-formed headers — all on a FakeClock.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/index.js';
import { limitsOf, meterOf } from '../../src/simulator/limits/parts.js';
import { APP, harness, headersOf, OTHER_APP, principal, SITE_A, SITE_B } from './limits-harness.js';

const HOUR = 3_600_000;
const NINE = Date.UTC(2026, 10, 24, 9, 0, 0);
const NINE_THIRTY = NINE + HOUR / 2;

const POLICY = /^"(global-app-quota|tenant-app-quota)";q=(\d+);w=(\d+)$/;
const STATUS = /^"(global-app-quota|tenant-app-quota)";(?:r=(\d+);)?t=(\d+)$/;
const RESET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/;

function parsePolicy(value: string | null): { policy: string; q: number; w: number } {
  const m = POLICY.exec(value ?? '');
  if (!m) throw new Error(`malformed Beta-RateLimit-Policy: ${value}`);
  return { policy: m[1]!, q: Number(m[2]), w: Number(m[3]) };
}

function parseStatus(value: string | null): { policy: string; r: number | undefined; t: number } {
  const m = STATUS.exec(value ?? '');
  if (!m) throw new Error(`malformed Beta-RateLimit: ${value}`);
  return { policy: m[1]!, r: m[2] === undefined ? undefined : Number(m[2]), t: Number(m[3]) };
}

/** Checks every header of a 429 and returns the parsed values. */
function parse429(res: Response): { reason: string; retryAfter: number; reset: number; limit: number } {
  expect(res.status).toBe(429);
  const h = res.headers;
  const retryAfter = h.get('retry-after') ?? '';
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  const reset = h.get('x-ratelimit-reset') ?? '';
  expect(reset).toMatch(RESET);
  expect(h.get('x-ratelimit-limit')).toMatch(/^\d+(\.\d+)?$/);
  expect(h.get('x-ratelimit-remaining')).toBe('0');
  return {
    reason: h.get('ratelimit-reason') ?? '',
    retryAfter: Number(retryAfter),
    reset: Date.parse(reset),
    limit: Number(h.get('x-ratelimit-limit')),
  };
}

describe('point costs (docs/design.md §5.3)', () => {
  it('charges 1 + objects + 2 × identity objects for reads, 1 for writes and errors, 0 for 429s', async () => {
    const { sim, call } = harness(new FakeClock(NINE), { limits: { burst: { enabled: false } } });
    const cases: Array<[string, string, number, number]> = [
      ['GET', '/rest/api/3/issue/ABC-1', 200, 2],
      ['GET', '/rest/api/3/project/search?n=50', 200, 51],
      ['GET', '/rest/api/3/project/search?n=0', 200, 1],
      ['GET', '/rest/api/3/user/search?n=10', 200, 21],
      ['PUT', '/rest/api/3/issue/ABC-1', 204, 1],
      ['POST', '/rest/api/3/issue/ABC-1/comment', 201, 1],
      ['GET', '/rest/api/3/issue/MISSING-1', 404, 1],
    ];
    for (const [method, path, status] of cases) {
      const res = await call(method, path, method === 'GET' ? {} : { body: { fields: {} } });
      expect(res.status, `${method} ${path}`).toBe(status);
    }
    const log = meterOf(sim).log();
    expect(log.map((r) => r.points)).toEqual(cases.map((c) => c[3]));
    const total = cases.reduce((sum, c) => sum + c[3], 0);
    expect(limitsOf(sim).quotaStatus(APP, SITE_A).used).toBe(total);
    expect(meterOf(sim).counters().totals.points).toBe(total);

    limitsOf(sim).configure({ quota: { globalPoints: total } });
    const refused = await call('GET', '/rest/api/3/project/search?n=50');
    expect(refused.status).toBe(429);
    expect(meterOf(sim).log().at(-1)).toMatchObject({ status: 429, points: 0, note: 'jira-quota-global-based' });
    expect(limitsOf(sim).quotaStatus(APP, SITE_A).used).toBe(total);
  });

  it('takes its cost rules from the settings', async () => {
    const { sim, call } = harness(new FakeClock(NINE), {
      limits: { costs: { base: 2, perObject: 3, perIdentityObject: 5, write: 7, error: 0 } },
    });
    await call('GET', '/rest/api/3/project/search?n=4');
    await call('GET', '/rest/api/3/user/search?n=2');
    await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} });
    await call('GET', '/rest/api/3/issue/MISSING-1');
    expect(
      meterOf(sim)
        .log()
        .map((r) => r.points),
    ).toEqual([2 + 12, 2 + 10, 7, 0]);
  });
});

describe('points quota', () => {
  it('denies every call of an exhausted global pool until the top of the UTC hour, then serves again', async () => {
    const clock = new FakeClock(NINE_THIRTY);
    const { sim, call } = harness(clock, { limits: { quota: { globalPoints: 100 } } });

    expect((await call('GET', '/rest/api/3/project/search?n=49')).status).toBe(200); // 50 points, 50 left
    // Admitted while points remain, answered in full although it takes the pool below zero.
    const last = await call('GET', '/rest/api/3/project/search?n=98');
    expect(last.status).toBe(200);
    expect(limitsOf(sim).quotaStatus(APP, SITE_A)).toMatchObject({ used: 149, remaining: 0, limit: 100 });
    expect(parseStatus(last.headers.get('beta-ratelimit'))).toEqual({ policy: 'global-app-quota', r: 0, t: 1800 });

    const refused = await call('GET', '/rest/api/3/issue/ABC-1');
    const info = parse429(refused);
    expect(info).toEqual({
      reason: 'jira-quota-global-based',
      retryAfter: 1800,
      reset: NINE + HOUR,
      limit: 100,
    });
    expect(refused.headers.get('x-ratelimit-reset')).toBe('2026-11-24T10:00Z');
    expect(await refused.json()).toEqual({
      errorMessages: [expect.stringContaining('quota')],
      errors: {},
      status: 429,
    });

    // No gradual throttling: reads, writes and other sites are all refused until the reset.
    clock.set(NINE + HOUR - 1000);
    for (const [method, path, cloudId] of [
      ['GET', '/rest/api/3/issue/ABC-1', SITE_A],
      ['PUT', '/rest/api/3/issue/ABC-1', SITE_A],
      ['GET', '/rest/api/3/project/search?n=1', SITE_B],
    ] as const) {
      const res = await call(method, path, { cloudId, body: method === 'PUT' ? {} : undefined });
      expect(parse429(res)).toMatchObject({ reason: 'jira-quota-global-based', retryAfter: 1 });
    }
    clock.set(NINE + HOUR - 1);
    expect(parse429(await call('GET', '/rest/api/3/issue/ABC-1')).retryAfter).toBe(1);

    clock.set(NINE + HOUR);
    const served = await call('GET', '/rest/api/3/issue/ABC-1');
    expect(served.status).toBe(200);
    expect(parseStatus(served.headers.get('beta-ratelimit'))).toEqual({
      policy: 'global-app-quota',
      r: undefined,
      t: 3600,
    });
    expect(limitsOf(sim).quotaStatus(APP, SITE_A)).toMatchObject({ used: 2, remaining: 98 });

    const counters = meterOf(sim).counters();
    expect(counters.rateLimited).toEqual({ 'jira-quota-global-based': 5 });
    expect(counters.totals.points).toBe(50 + 99 + 2);
  });

  it("shares one app's global pool across sites, but not across apps", async () => {
    const { sim, call } = harness(new FakeClock(NINE), { limits: { quota: { globalPoints: 10 } } });
    for (let i = 0; i < 5; i++) expect((await call('GET', `/rest/api/3/issue/A-${i}`)).status).toBe(200);
    expect(parse429(await call('GET', '/rest/api/3/issue/B-1', { cloudId: SITE_B })).reason).toBe(
      'jira-quota-global-based',
    );
    const other = await call('GET', '/rest/api/3/issue/B-1', { cloudId: SITE_B, who: principal(OTHER_APP) });
    expect(other.status).toBe(200);
    expect(limitsOf(sim).quotaStatus(APP, SITE_B).used).toBe(10);
    expect(limitsOf(sim).quotaStatus(OTHER_APP, SITE_A).used).toBe(2);
  });

  it('sizes a per-tenant pool by tier and users, and exhausts it with jira-quota-tenant-based', async () => {
    const clock = new FakeClock(NINE);
    const { sim, call } = harness(clock, {
      members: 7,
      limits: { quota: { globalPoints: 1000, tenantPools: { [SITE_B]: { tier: 'standard' } } } },
    });
    const res = await call('GET', '/rest/api/3/issue/B-1', { cloudId: SITE_B });
    expect(parsePolicy(res.headers.get('beta-ratelimit-policy'))).toEqual({
      policy: 'tenant-app-quota',
      q: 100_000 + 10 * 7,
      w: 3600,
    });
    expect(parsePolicy((await call('GET', '/rest/api/3/issue/A-1')).headers.get('beta-ratelimit-policy'))).toEqual({
      policy: 'global-app-quota',
      q: 1000,
      w: 3600,
    });

    limitsOf(sim).configure({ quota: { tenantPools: { [SITE_B]: { tier: 'premium', users: 50, points: 4 } } } });
    expect((await call('GET', '/rest/api/3/issue/B-2', { cloudId: SITE_B })).status).toBe(200); // 2 + 2 = 4
    const refused = await call('GET', '/rest/api/3/issue/B-3', { cloudId: SITE_B });
    expect(parse429(refused)).toMatchObject({ reason: 'jira-quota-tenant-based', limit: 4, retryAfter: 3600 });
    expect(parseStatus(refused.headers.get('beta-ratelimit'))).toEqual({ policy: 'tenant-app-quota', r: 0, t: 3600 });
    // The tenant pool is separate from the app's global pool: site A is still served.
    expect((await call('GET', '/rest/api/3/issue/A-2')).status).toBe(200);
    expect(limitsOf(sim).quotaStatus(APP, SITE_A).used).toBe(4);

    clock.set(NINE + HOUR);
    expect((await call('GET', '/rest/api/3/issue/B-3', { cloudId: SITE_B })).status).toBe(200);
  });

  it('limits a per-tenant pool to the apps it names', async () => {
    const { sim } = harness(new FakeClock(NINE), {
      limits: { quota: { tenantPools: { [SITE_A]: { tier: 'free', apps: [OTHER_APP] } } } },
    });
    expect(limitsOf(sim).quotaStatus(APP, SITE_A)).toMatchObject({ kind: 'global', limit: 65_000 });
    expect(limitsOf(sim).quotaStatus(OTHER_APP, SITE_A)).toMatchObject({ kind: 'tenant', limit: 65_000 });
  });
});

describe('quota headers on answered responses', () => {
  it('sends the policy and status always, r and X-RateLimit-NearLimit only when less than 20% remains', async () => {
    const clock = new FakeClock(NINE_THIRTY + 400);
    const { call } = harness(clock, { limits: { quota: { globalPoints: 100 }, burst: { enabled: false } } });
    const far = await call('GET', '/rest/api/3/project/search?n=79'); // 80 used, 20 left: exactly 20%
    expect(far.status).toBe(200);
    expect(parsePolicy(far.headers.get('beta-ratelimit-policy'))).toEqual({
      policy: 'global-app-quota',
      q: 100,
      w: 3600,
    });
    expect(parseStatus(far.headers.get('beta-ratelimit'))).toEqual({
      policy: 'global-app-quota',
      r: undefined,
      t: 1800,
    });
    const h = headersOf(far);
    for (const absent of ['x-ratelimit-nearlimit', 'ratelimit-reason', 'x-ratelimit-reset', 'retry-after'])
      expect(h[absent], absent).toBeUndefined();

    const near = await call('GET', '/rest/api/3/issue/ABC-1'); // 82 used, 18 left
    expect(parseStatus(near.headers.get('beta-ratelimit'))).toEqual({ policy: 'global-app-quota', r: 18, t: 1800 });
    expect(near.headers.get('x-ratelimit-nearlimit')).toBe('true');
  });

  it('can drop the Beta- prefix, and sends no quota headers when the quota is off', async () => {
    const a = harness(new FakeClock(NINE), { limits: { quota: { headerPrefix: '' } } });
    const res = await a.call('GET', '/rest/api/3/issue/ABC-1');
    expect(parsePolicy(res.headers.get('ratelimit-policy')).q).toBe(65_000);
    expect(parseStatus(res.headers.get('ratelimit')).t).toBe(3600);
    expect(res.headers.get('beta-ratelimit')).toBeNull();

    const b = harness(new FakeClock(NINE), { limitsPreset: 'unlimited' });
    const plain = await b.call('GET', '/rest/api/3/issue/ABC-1');
    expect(Object.keys(headersOf(plain)).filter((k) => k.includes('ratelimit'))).toEqual([]);
  });
});

describe('burst limits', () => {
  it('refuses one endpoint+method beyond its bucket while other endpoints, methods and sites are served', async () => {
    const clock = new FakeClock(NINE);
    const { sim, call } = harness(clock);
    for (let i = 0; i < 150; i++) expect((await call('GET', `/rest/api/3/issue/A-${i}`)).status).toBe(200);
    const refused = await call('GET', '/rest/api/3/issue/A-150');
    const info = parse429(refused);
    expect(info).toMatchObject({ reason: 'jira-burst-based', retryAfter: 1, limit: 150 });
    expect(info.reset).toBe(Date.UTC(2026, 10, 24, 9, 0)); // now + 1 s, cut to the minute
    expect((await refused.json()) as unknown).toMatchObject({ errors: {}, status: 429 });
    // Quota status still travels with the 429.
    expect(parsePolicy(refused.headers.get('beta-ratelimit-policy')).policy).toBe('global-app-quota');

    expect((await call('GET', '/rest/api/3/project/search?n=1')).status).toBe(200);
    expect((await call('PUT', '/rest/api/3/issue/A-1', { body: {} })).status).toBe(204);
    expect((await call('GET', '/rest/api/3/issue/A-1', { cloudId: SITE_B })).status).toBe(200);

    // The bucket refills at 150 per second: 10 ms buys 1.5 tokens.
    clock.advance(10);
    expect((await call('GET', '/rest/api/3/issue/A-1')).status).toBe(200);
    expect((await call('GET', '/rest/api/3/issue/A-1')).status).toBe(429);
    clock.advance(1000);
    for (let i = 0; i < 150; i++) expect((await call('GET', '/rest/api/3/issue/A-1')).status).toBe(200);
    expect((await call('GET', '/rest/api/3/issue/A-1')).status).toBe(429);
    expect(meterOf(sim).counters().rateLimited).toEqual({ 'jira-burst-based': 3 });
    expect(meterOf(sim).counters().byEndpoint['GET /rest/api/3/issue/{issueIdOrKey}']).toMatchObject({
      rateLimited: 3,
      requests: 150 + 1 + 1 + 1 + 1 + 150 + 1,
    });
  });

  it('uses the documented defaults and overrides, and a configurable burst buffer', async () => {
    const clock = new FakeClock(NINE);
    const { sim, call } = harness(clock, { limits: { quota: { enabled: false } } });
    const admitted = async (method: string, path: string, max: number): Promise<number> => {
      let n = 0;
      while (n <= max && (await call(method, path, method === 'GET' ? {} : { body: {} })).status !== 429) n++;
      return n;
    };
    expect(await admitted('GET', '/rest/servicedeskapi/servicedesk/1/customer', 50)).toBe(5);
    const last = await call('GET', '/rest/servicedeskapi/servicedesk/1/customer');
    expect(parse429(last)).toMatchObject({ reason: 'jira-burst-based', limit: 5, retryAfter: 1 });
    expect(await admitted('GET', '/rest/api/3/issue/ABC-1/changelog', 500)).toBe(200);
    expect(await admitted('GET', '/rest/api/3/project/search', 500)).toBe(100);
    expect(await admitted('POST', '/rest/api/3/issue/X-1/comment', 500)).toBe(20); // per-issue limit first…
    limitsOf(sim).configure({ perIssue: { enabled: false } });
    clock.advance(60_000);
    expect(await admitted('POST', '/rest/api/3/issue/X-1/comment', 500)).toBe(100); // …then POST's 100
    expect(await admitted('PUT', '/rest/api/3/issue/X-1', 500)).toBe(50);

    limitsOf(sim).configure({
      burst: { capacitySeconds: 2, overrides: { 'PUT /rest/api/3/issue/{issueIdOrKey}': 7 } },
    });
    clock.advance(60_000);
    expect(await admitted('PUT', '/rest/api/3/issue/X-1', 500)).toBe(14);
    expect(await admitted('GET', '/rest/api/3/project/search', 500)).toBe(200);
  });
});

describe('per-issue write limits', () => {
  it('refuses the 21st write to one issue within 2 s; other issues and reads are unaffected', async () => {
    const clock = new FakeClock(NINE);
    const { call } = harness(clock);
    for (let i = 0; i < 20; i++) expect((await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} })).status).toBe(204);
    const refused = await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} });
    expect(parse429(refused)).toMatchObject({ reason: 'jira-per-issue-on-write', retryAfter: 2, limit: 20 });
    // Every kind of write to that issue counts; reads and other issues do not.
    expect(parse429(await call('POST', '/rest/api/3/issue/ABC-1/comment', { body: {} })).reason).toBe(
      'jira-per-issue-on-write',
    );
    expect((await call('PUT', '/rest/api/3/issue/ABC-2', { body: {} })).status).toBe(204);
    expect((await call('GET', '/rest/api/3/issue/ABC-1')).status).toBe(200);
    expect((await call('PUT', '/rest/api/3/issue/ABC-1', { cloudId: SITE_B, body: {} })).status).toBe(204);

    clock.advance(1999);
    expect(parse429(await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} })).retryAfter).toBe(1);
    clock.advance(1);
    expect((await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} })).status).toBe(204);
  });

  it('refuses the 101st write to one issue within 30 s', async () => {
    const clock = new FakeClock(NINE);
    const { call } = harness(clock);
    for (let second = 0; second < 10; second++) {
      for (let i = 0; i < 10; i++)
        expect((await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} })).status).toBe(204);
      clock.advance(1000);
    }
    const refused = await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} });
    expect(parse429(refused)).toMatchObject({ reason: 'jira-per-issue-on-write', retryAfter: 20, limit: 100 });
    expect((await call('PUT', '/rest/api/3/issue/ABC-2', { body: {} })).status).toBe(204);
    clock.set(NINE + 29_999);
    expect(parse429(await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} })).retryAfter).toBe(1);
    clock.set(NINE + 30_000);
    expect((await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} })).status).toBe(204);
  });
});

describe('unlimited preset', () => {
  it('refuses nothing but still meters points', async () => {
    const { sim, call } = harness(new FakeClock(NINE), { limitsPreset: 'unlimited' });
    for (let i = 0; i < 400; i++) expect((await call('PUT', '/rest/api/3/issue/ABC-1', { body: {} })).status).toBe(204);
    expect(meterOf(sim).counters().totals).toMatchObject({ requests: 400, points: 400, rateLimited: 0 });
  });
});

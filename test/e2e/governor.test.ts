/**
 * Issue P2, acceptance 2: the RateGovernor against the simulator over real HTTP. A workload larger
 * than a small hourly quota completes without hammering (at most one 429 per quota window) and the
 * points the simulator charged equal the work done; a shared pool drained by another tenant of the
 * same app is noticed from the quota headers; a write storm on few issues never draws a per-issue
 * 429. Time is a FakeClock that moves only while nothing is in flight (test/support/sim-http.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { utcHourStart } from '../../src/core/index.js';
import {
  JiraClient,
  MemoryVaultStorage,
  RateGovernor,
  TokenVault,
  refreshRenewer,
  type GovernorEvent,
  type TokenProvider,
} from '../../src/jira/index.js';
import { simAuth } from '../../src/simulator/auth/service.js';
import { limitsOf, meterOf } from '../../src/simulator/limits/parts.js';
import { httpSim, issuePropertyRoute, staticTokens, type HttpSim } from '../support/sim-http.js';

const HOUR = 3_600_000;
let env: HttpSim | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** The demo admin's grant in a vault that refreshes it (the workloads outlive an access token). */
async function vaultTokens(e: HttpSim): Promise<TokenProvider> {
  const t = simAuth(e.sim).issueTokens({
    clientId: e.apps.tidemark.clientId,
    email: 'demo.admin@tidemark.test',
    cloudIds: [e.acme.cloudId],
  });
  const vault = await TokenVault.open({
    storage: new MemoryVaultStorage(),
    masterKey: Buffer.alloc(32, 1),
    clock: e.clock,
  });
  await vault.put({
    id: 'g',
    kind: '3lo',
    clientId: e.apps.tidemark.clientId,
    scopes: t.scope.split(' '),
    sites: [{ cloudId: e.acme.cloudId, name: 'acme', url: '' }],
    refreshToken: t.refresh_token!,
    accessToken: t.access_token,
    accessExpiresAt: e.clock.now() + t.expires_in * 1000,
    status: 'active',
    createdAt: e.clock.now(),
    updatedAt: e.clock.now(),
  });
  return vault.provider(
    'g',
    refreshRenewer(e.net.fetch, {
      authBaseUrl: `${e.base}/auth`,
      clientId: e.apps.tidemark.clientId,
      clientSecret: e.apps.tidemark.clientSecret,
    }),
  );
}

function governedClient(
  e: HttpSim,
  tokens: TokenProvider,
  governor: RateGovernor,
  cloudId = e.acme.cloudId,
): JiraClient {
  return new JiraClient({
    cloudId,
    tokens,
    mode: 'saas',
    version: '0.0.0-test',
    apiBaseUrl: `${e.base}/api`,
    fetch: e.net.fetch,
    clock: e.clock,
    governor,
  });
}

/** 429s and points per UTC hour of the simulator's meter, for one app. */
function perHour(e: HttpSim, app: string): Array<{ hour: string; points: number; rejected: number }> {
  const rows = new Map<string, { points: number; rejected: number }>();
  for (const r of meterOf(e.sim).log()) {
    if (r.clientId !== app) continue;
    const hour = new Date(utcHourStart(r.at)).toISOString();
    const row = rows.get(hour) ?? { points: 0, rejected: 0 };
    row.points += r.points;
    if (r.status === 429) row.rejected += 1;
    rows.set(hour, row);
  }
  return [...rows.entries()].sort().map(([hour, row]) => ({ hour, ...row }));
}

describe('RateGovernor against the simulator (points quota)', () => {
  it('completes a workload of 2.4 quotas with at most one 429 per window and no wasted points', async () => {
    env = await httpSim({ limits: { quota: { globalPoints: 500 } } });
    const e = env;
    const app = e.apps.tidemark.clientId;
    const events: GovernorEvent[] = [];
    // The governor is not told the quota: it learns it from the first answer's headers.
    const governor = new RateGovernor({ clock: e.clock, onEvent: (ev) => events.push(ev) });
    const client = governedClient(e, await vaultTokens(e), governor);
    const start = e.clock.now();
    // 300 × /myself (3 points: one identity object) + 300 × /serverInfo (1 point) = 1,200 points.
    const [mine, infos] = await Promise.all([
      Promise.all(Array.from({ length: 300 }, () => client.request('GET /rest/api/3/myself'))),
      Promise.all(Array.from({ length: 300 }, () => client.request('GET /rest/api/3/serverInfo'))),
    ]);
    const results = [...mine, ...infos];

    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(mine.every((r) => r.body.accountId === e.admin.accountId)).toBe(true);
    const workPoints = results.reduce((n, r) => n + r.points, 0);
    expect(workPoints).toBe(1_200);

    const hours = perHour(e, app);
    // Three windows were needed: 1,200 points at 500 per hour.
    expect(hours.length).toBeGreaterThanOrEqual(3);
    for (const h of hours) {
      expect(h.points, h.hour).toBeLessThanOrEqual(500);
      expect(h.rejected, h.hour).toBeLessThanOrEqual(1);
    }
    const meter = meterOf(e.sim).counters();
    // Points charged = work done: nothing was charged twice, no retry storm.
    expect(meter.totals.points).toBe(workPoints);
    expect(meter.totals.requests).toBe(600 + meter.totals.rateLimited);
    expect(meter.byEndpoint['GET /rest/api/3/myself']?.points).toBe(900);
    expect(meter.byEndpoint['GET /rest/api/3/serverInfo']?.points).toBe(300);
    // The governor's own account agrees with the simulator's, window by window.
    for (const h of hours) expect(await governor.store.spent(Date.parse(h.hour)), h.hour).toBe(h.points);
    expect(governor.hourlyCap).toBe(500);
    expect(e.clock.now() - start).toBeGreaterThan(HOUR);
  });

  it("stops before a pool that another tenant of the app has drained, from the headers' r=", async () => {
    env = await httpSim({ limits: { quota: { globalPoints: 500 } } });
    const e = env;
    const app = e.apps.tidemark.clientId;
    // Another tenant of the same app (globex) spends 350 of the 500 points first, ungoverned.
    const other = e.accessToken([e.globex.cloudId]);
    for (let i = 0; i < 117; i++) {
      e.clock.advance(20); // under the endpoint's burst rate
      const res = await e.sim.fetch(
        new Request(`${e.base}/api/ex/jira/${e.globex.cloudId}/rest/api/3/myself`, {
          headers: { authorization: `Bearer ${other}` },
        }),
      );
      expect(res.status).toBe(200);
    }
    expect(limitsOf(e.sim).state().pools[0]).toMatchObject({ used: 351 });
    const governor = new RateGovernor({ clock: e.clock, spreadOverHour: false });
    const client = governedClient(e, await vaultTokens(e), governor);
    const results = await Promise.all(Array.from({ length: 200 }, () => client.request('GET /rest/api/3/myself')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    // The governor believed the pool's r= over its own count: not a single 429.
    expect(meterOf(e.sim).counters().totals.rateLimited).toBe(0);
    const hours = perHour(e, app);
    for (const h of hours) expect(h.points, h.hour).toBeLessThanOrEqual(500);
    expect(meterOf(e.sim).counters().bySite[e.acme.cloudId]?.points).toBe(600);
  });
});

describe('RateGovernor against the simulator (per-issue writes)', () => {
  it('a write storm on three issues never draws a per-issue 429, and every write arrives once', async () => {
    const stored = new Map<string, unknown[]>();
    env = await httpSim({ limits: { quota: { enabled: false } }, routes: [issuePropertyRoute(stored)] });
    const e = env;
    const governor = new RateGovernor({ clock: e.clock });
    const client = governedClient(e, staticTokens(e.accessToken()), governor);
    const issues = ['ACME-1', 'ACME-2', 'ACME-3'];
    const start = e.clock.now();
    const writes = issues.flatMap((issue) =>
      Array.from({ length: 120 }, (_, i) =>
        client.request('PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', {
          path: { issueIdOrKey: issue, propertyKey: `tidemark.p${i % 4}` },
          body: { n: i } as never,
          issue,
        }),
      ),
    );
    const results = await Promise.all(writes);
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    const meter = meterOf(e.sim).counters();
    expect(meter.totals.rateLimited).toBe(0);
    expect(meter.rateLimited['jira-per-issue-on-write']).toBeUndefined();
    expect(meter.byEndpoint['PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}']?.requests).toBe(360);
    for (const issue of issues) {
      const values = [0, 1, 2, 3].flatMap((p) => stored.get(`${issue}/tidemark.p${p}`) ?? []);
      expect(values).toHaveLength(120);
    }
    // 120 writes on one issue at ≤ 90 per 30 s take more than 30 s: the governor paced them.
    expect(e.clock.now() - start).toBeGreaterThan(30_000);
  });
});

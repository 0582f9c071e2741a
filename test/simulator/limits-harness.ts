/**
 * A small simulator for the rate-limit, fault and meter tests: an empty world with a few sites,
 * a handful of trivial routes (real spec operations) and the limits/faults/meter parts, called
 * through sim.dispatchJira with a hand-made principal (no OAuth server needed).
 */
import { OPERATIONS } from '../../src/jira/generated/operations.js';
import { type Clock } from '../../src/core/index.js';
import { OffsetClock } from '../../src/simulator/clock.js';
import { limitsControl } from '../../src/simulator/control/limits.js';
import { notFound } from '../../src/simulator/http/errors.js';
import type { RouteTable } from '../../src/simulator/http/route-table.js';
import { limitsParts, type LimitsPartsOptions } from '../../src/simulator/limits/parts.js';
import type { AuthService, Principal } from '../../src/simulator/services.js';
import { emptyWorld, JiraSimulator } from '../../src/simulator/simulator.js';
import { emptySite } from '../../src/simulator/world/factory.js';

export const SITE_A = 'site-a-cloud-id';
export const SITE_B = 'site-b-cloud-id';
export const APP = 'app-client-1';
export const OTHER_APP = 'app-client-2';

const ALL_SCOPES: ReadonlySet<string> = new Set(OPERATIONS.flatMap((o) => o.scopes.flat()));

export function principal(clientId = APP, cloudIds: string[] = [SITE_A, SITE_B]): Principal {
  return {
    kind: 'user',
    accountId: 'account-1',
    clientId,
    scopes: ALL_SCOPES,
    cloudIds: new Set(cloudIds),
    tokenId: 'token-1',
  };
}

/** Routes whose answers read a chosen number of objects (?n=) so point costs can be checked. */
export function testRoutes(table: RouteTable): void {
  table.get('/rest/api/3/issue/{issueIdOrKey}', (ctx) => {
    if (ctx.params.issueIdOrKey === 'MISSING-1') throw notFound();
    return { body: { id: '10001', key: ctx.params.issueIdOrKey, fields: { summary: 'x'.repeat(200) } }, objects: 1 };
  });
  table.put('/rest/api/3/issue/{issueIdOrKey}', {
    write: true,
    issueOf: (ctx) => ctx.params.issueIdOrKey,
    handler: () => ({ status: 204 }),
  });
  table.post('/rest/api/3/issue/{issueIdOrKey}/comment', {
    write: true,
    issueOf: (ctx) => ctx.params.issueIdOrKey,
    handler: () => ({ status: 201, body: { id: '10000' } }),
  });
  table.get('/rest/api/3/issue/{issueIdOrKey}/changelog', () => ({ body: { values: [] }, objects: 0 }));
  table.get('/rest/api/3/project/search', (ctx) => {
    const n = Number(ctx.query.get('n') ?? '0');
    return {
      body: {
        isLast: true,
        maxResults: 50,
        startAt: 0,
        total: n,
        values: Array.from({ length: n }, (_, i) => ({ id: String(i) })),
      },
      objects: n,
    };
  });
  table.get('/rest/api/3/user/search', (ctx) => {
    const n = Number(ctx.query.get('n') ?? '0');
    return { body: Array.from({ length: n }, (_, i) => ({ accountId: `u${i}` })), identityObjects: n };
  });
  table.get('/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer', () => ({ body: { values: [] } }));
}

/** Accepts "Bearer good" as the standard principal (for tests over HTTP). */
export const testAuth: AuthService = {
  handleAuthHost: async () => new Response(null, { status: 404 }),
  handleApiHost: async () => new Response(null, { status: 404 }),
  authenticate: (authorization) => {
    if (authorization !== 'Bearer good') throw new Error('bad token in a test');
    return principal();
  },
};

export interface Harness {
  sim: JiraSimulator;
  /** Calls `METHOD path` (path under the site's REST root, with query) as `who` on `cloudId`. */
  call(
    method: string,
    path: string,
    options?: { cloudId?: string; who?: Principal; body?: unknown },
  ): Promise<Response>;
}

export function harness(clock: Clock, options: LimitsPartsOptions & { members?: number } = {}): Harness {
  const world = emptyWorld();
  for (const [cloudId, name] of [
    [SITE_A, 'alpha'],
    [SITE_B, 'beta'],
  ] as const) {
    const site = emptySite(cloudId, name, `https://${name}.atlassian.net`);
    for (let i = 0; i < (options.members ?? 0); i++) site.members.add(`member-${i}`);
    world.sites.set(cloudId, site);
  }
  const sim = new JiraSimulator({
    clock: new OffsetClock(clock),
    world,
    control: true,
    parts: { ...limitsParts(options), auth: () => testAuth, routes: [testRoutes], control: [limitsControl] },
  });
  const call: Harness['call'] = (method, path, o = {}) => {
    const cloudId = o.cloudId ?? SITE_A;
    const url = new URL(`${sim.urls.siteApi(cloudId)}${path}`);
    const init: RequestInit = { method };
    if (o.body !== undefined) {
      init.body = JSON.stringify(o.body);
      init.headers = { 'content-type': 'application/json' };
    }
    const req = new Request(url, init);
    return sim.dispatchJira(
      req,
      url,
      cloudId,
      url.pathname.slice(url.pathname.indexOf('/rest/')),
      o.who ?? principal(),
    );
  };
  return { sim, call };
}

/** Lower-cased header map of a response. */
export function headersOf(res: Response): Record<string, string> {
  return Object.fromEntries([...res.headers.entries()]);
}

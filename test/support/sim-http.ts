/**
 * A simulator over real HTTP on loopback for client-side tests: the auth world (two sites, the demo
 * apps), the limits/faults/meter parts, and a FakeClock that auto-advances only while no request is
 * in flight — time moves when every task waits on the clock, never while an answer is on its way,
 * so the client and the simulator agree on which quota window a request belongs to.
 */
import { serveFetch, type ServedHandle } from '../../src/cli/http-adapter.js';
import { FakeClock } from '../../src/core/index.js';
import type { AuthSettings } from '../../src/simulator/auth/settings.js';
import { simAuth } from '../../src/simulator/auth/service.js';
import { simulatorParts } from '../../src/simulator/create.js';
import type { LimitsPartsOptions } from '../../src/simulator/limits/parts.js';
import { JiraSimulator } from '../../src/simulator/simulator.js';
import type { RouteTable } from '../../src/simulator/http/route-table.js';
import { buildAuthWorld, type AuthWorld } from './auth-world.js';

export const DEFAULT_START = Date.UTC(2026, 10, 24, 10, 20, 0);

/** fetch that counts requests in flight until their body has been read in full. */
export interface TrackedFetch {
  fetch: typeof fetch;
  readonly inFlight: number;
  /** Requests sent, by "METHOD path" of the URL. */
  readonly sent: string[];
}

export function trackedFetch(inner: typeof fetch = fetch): TrackedFetch {
  let inFlight = 0;
  const sent: string[] = [];
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    inFlight++;
    try {
      const req = new Request(input, init);
      sent.push(`${req.method} ${new URL(req.url).pathname}`);
      const res = await inner(req);
      // Read the body here, so "in flight" covers it (a truncated body fails here, as it would later).
      const bytes = new Uint8Array(await res.arrayBuffer());
      return new Response(res.status === 204 || res.status === 304 ? null : bytes, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } finally {
      inFlight--;
    }
  }) as typeof fetch;
  return {
    fetch: wrapped,
    get inFlight() {
      return inFlight;
    },
    sent,
  };
}

export interface HttpSim extends AuthWorld {
  sim: JiraSimulator;
  clock: FakeClock;
  served: ServedHandle;
  base: string;
  /** The client side's fetch (tracked: the clock waits for it). */
  net: TrackedFetch;
  /** Requests the simulator received over HTTP ("METHOD path"), with their JSON or form bodies. */
  received: Array<{ method: string; path: string; body: string }>;
  /** Every access and refresh token the simulator handed out (token endpoint and accessToken()). */
  issued: Set<string>;
  /** The refresh tokens among them. */
  issuedRefresh: Set<string>;
  /** A 3LO access token of the demo admin for the demo app on `cloudIds` (default: acme). */
  accessToken(cloudIds?: string[]): string;
  close(): Promise<void>;
}

export async function httpSim(
  options: LimitsPartsOptions & {
    start?: number;
    auth?: Partial<AuthSettings>;
    callbackUrl?: string;
    /** Extra test routes; they replace the simulator's own route of the same operation. */
    routes?: Array<(table: RouteTable) => void>;
  } = {},
): Promise<HttpSim> {
  const net = trackedFetch();
  const clock = new FakeClock(options.start ?? DEFAULT_START, { autoAdvance: true, idle: () => net.inFlight === 0 });
  const world = buildAuthWorld({ ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}) });
  const parts = simulatorParts({
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.limitsPreset ? { limitsPreset: options.limitsPreset } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.meter ? { meter: options.meter } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
  });
  parts.routes = withOverrides(parts.routes ?? [], options.routes ?? []);
  const sim = new JiraSimulator({ clock, world: world.world, control: true, parts });
  const received: HttpSim['received'] = [];
  const issued = new Set<string>();
  const issuedRefresh = new Set<string>();
  const served = await serveFetch(async (req) => {
    const u = new URL(req.url);
    const body = req.method === 'GET' ? '' : await req.clone().text();
    received.push({ method: req.method, path: u.pathname, body });
    const res = await sim.fetch(req);
    if (u.pathname === '/auth/oauth/token' && res.ok) {
      const answer = (await res.clone().json()) as { access_token?: string; refresh_token?: string };
      if (answer.access_token) issued.add(answer.access_token);
      if (answer.refresh_token) issued.add(answer.refresh_token);
      if (answer.refresh_token) issuedRefresh.add(answer.refresh_token);
    }
    return res;
  });
  sim.setBaseUrl(served.url);
  return {
    ...world,
    sim,
    clock,
    served,
    base: served.url,
    net,
    received,
    issued,
    issuedRefresh,
    accessToken: (cloudIds = [world.acme.cloudId]) => {
      const t = simAuth(sim).issueTokens({
        clientId: world.apps.tidemark.clientId,
        email: 'demo.admin@tidemark.test',
        cloudIds,
      });
      issued.add(t.access_token);
      if (t.refresh_token) issued.add(t.refresh_token);
      if (t.refresh_token) issuedRefresh.add(t.refresh_token);
      return t.access_token;
    },
    close: () => served.close(),
  };
}

/** A TokenProvider that always hands out one token. */
export function staticTokens(token: string) {
  const invalidated: string[] = [];
  return {
    invalidated,
    accessToken: async () => token,
    invalidate: async (t: string) => void invalidated.push(t),
  };
}

/** Counts the token-endpoint calls of one grant type the simulator received. */
export function tokenCalls(received: HttpSim['received'], grantType: string): number {
  return received.filter((r) => r.path === '/auth/oauth/token' && r.body.includes(`"grant_type":"${grantType}"`))
    .length;
}

/**
 * Registers `overrides` first, then the simulator's own routes except the operations the
 * overrides already serve (the route table refuses an operation registered twice).
 */
function withOverrides(
  own: Array<(table: RouteTable) => void>,
  overrides: Array<(table: RouteTable) => void>,
): Array<(table: RouteTable) => void> {
  if (overrides.length === 0) return own;
  return [
    ...overrides,
    (table) => {
      const taken = new Set(table.keys());
      const filtered = Object.create(table) as RouteTable;
      filtered.add = (method, route, spec) => {
        if (!taken.has(`${method.toUpperCase()} ${route}`)) table.add(method, route, spec);
      };
      for (const register of own) register(filtered);
    },
  ];
}

/**
 * Test-only write route on one issue (a real spec operation), replacing the simulator's own: it
 * accepts any issue key and records every value it receives, so client tests can count arrivals.
 */
export function issuePropertyRoute(store: Map<string, unknown[]>) {
  return (table: RouteTable): void => {
    table.put('/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', {
      write: true,
      issueOf: (ctx) => ctx.params.issueIdOrKey,
      handler: async (ctx) => {
        const value = await ctx.json<unknown>();
        const key = `${ctx.params.issueIdOrKey}/${ctx.params.propertyKey}`;
        const existed = store.has(key);
        store.set(key, [...(store.get(key) ?? []), value]);
        return { status: existed ? 200 : 201 };
      },
    });
  };
}

/**
 * Calls simulator routes in process, without the OAuth server: builds a JiraSimulator around a
 * world (usually the fixture site), and sends requests through `dispatchJira` with a hand-made
 * Principal holding the scopes a test wants. Gateway errors thrown by the pipeline (unknown site,
 * scope mismatch) come back as responses, as they do over HTTP.
 *
 *   const h = harness({ routes: [registerSearchRoutes] });
 *   const res = await h.get('/rest/api/3/search/jql', { query: { jql: 'project = OPEN' }, as: USERS.bob });
 */
import { FakeClock } from '../../src/core/index.js';
import { SimHttpError } from '../../src/simulator/http/errors.js';
import type { RouteTable } from '../../src/simulator/http/route-table.js';
import type { Principal } from '../../src/simulator/services.js';
import { JiraSimulator, type SimulatorParts } from '../../src/simulator/simulator.js';
import { buildFixture, USERS, type Fixture } from './fixture-site.js';

export const READ_SCOPES = ['read:jira-work', 'read:jira-user'];

export function principalFor(accountId: string, cloudIds: string[], scopes: string[] = READ_SCOPES): Principal {
  return {
    kind: 'user',
    accountId,
    clientId: 'test-client',
    scopes: new Set(scopes),
    cloudIds: new Set(cloudIds),
    tokenId: 'test-token',
  };
}

export interface CallOptions {
  /** Account the call acts as (default: alice, who sees everything). */
  as?: string;
  query?: Record<string, string | number | boolean | Array<string | number>>;
  body?: unknown;
  /** Raw body text (sent as is, with a JSON content type unless `headers` names another). */
  rawBody?: string;
  /** A multipart/form-data body (the boundary header is set by the Request). */
  form?: FormData;
  headers?: Record<string, string>;
  scopes?: string[];
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, otherwise undefined. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  bytes: Uint8Array;
  text: string;
}

export interface Harness {
  sim: JiraSimulator;
  fx: Fixture;
  clock: FakeClock;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  get(path: string, options?: CallOptions): Promise<CallResult>;
  post(path: string, options?: CallOptions): Promise<CallResult>;
  /** A URL on the simulator's listener (media host, …) fetched through sim.fetch. */
  fetchUrl(url: string, init?: RequestInit): Promise<CallResult>;
}

async function toResult(res: Response): Promise<CallResult> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const type = res.headers.get('content-type') ?? '';
  let body: unknown;
  if (type.includes('json') && text !== '') body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body, bytes, text };
}

export function harness(
  options: {
    routes?: Array<(table: RouteTable) => void>;
    media?: SimulatorParts['media'];
    clock?: FakeClock;
    fixture?: Fixture;
    baseUrl?: string;
  } = {},
): Harness {
  const fx = options.fixture ?? buildFixture();
  const clock = options.clock ?? new FakeClock();
  const sim = new JiraSimulator({
    world: fx.world,
    clock,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    parts: { routes: options.routes ?? [], ...(options.media ? { media: options.media } : {}) },
  });
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const url = new URL(`${sim.urls.siteApi(fx.cloudId)}${path}`);
    for (const [k, v] of Object.entries(o.query ?? {})) {
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    let body: string | FormData | undefined;
    if (o.form !== undefined) body = o.form;
    else if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (typeof body === 'string') headers['content-type'] ??= 'application/json';
    const req = new Request(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const principal = principalFor(o.as ?? USERS.alice, [fx.cloudId], o.scopes);
    let res: Response;
    try {
      res = await sim.dispatchJira(req, url, fx.cloudId, path, principal);
    } catch (e) {
      if (!(e instanceof SimHttpError)) throw e;
      res = new Response(JSON.stringify(e.body), {
        status: e.status,
        headers: { 'content-type': 'application/json', ...e.headers },
      });
    }
    return toResult(res);
  };
  return {
    sim,
    fx,
    clock,
    call,
    get: (path, o) => call('GET', path, o),
    post: (path, o) => call('POST', path, o),
    fetchUrl: async (url, init) => toResult(await sim.fetch(new Request(url, init))),
  };
}

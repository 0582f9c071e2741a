/**
 * JiraSimulator: a stand-in for Jira Cloud — auth.atlassian.com, api.atlassian.com and the sites
 * behind it — as one `fetch(Request) → Response` handler. Tests call it in process
 * (`sim.inProcessFetch`); `tidemark sim` serves it over HTTP. Base URLs are configurable: one
 * listener serves the auth host under /auth, the API host under /api, attachment media under
 * /media, site browse URLs under /site/{name}, and the control API under /__sim.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../core/index.js';
import { SimHttpError, gatewayError, jiraError } from './http/errors.js';
import { FAULT_HEADER, JSON_TYPE, jsonResponse } from './http/respond.js';
import { RouteTable, scopesAllow, type RegisteredRoute } from './http/route-table.js';
import type { RouteMatch } from './http/router.js';
import type {
  AuthService,
  CallInfo,
  FaultAction,
  FaultsService,
  LimitsService,
  MeterRecord,
  MeterService,
  Principal,
  RouteContext,
  RouteResult,
  SimServices,
  SimSettings,
  SimUrls,
} from './services.js';
import type { World } from './world/types.js';

export interface SimulatorParts {
  auth?: (services: SimServices) => AuthService;
  limits?: (services: SimServices) => LimitsService;
  faults?: (services: SimServices) => FaultsService;
  meter?: (services: SimServices) => MeterService;
  /** Registers the Jira REST routes. */
  routes?: Array<(table: RouteTable) => void>;
  /** Extra /__sim control routes: (method, path, body) → JSON or undefined when not handled. */
  control?: Array<(sim: JiraSimulator) => ControlHandler>;
  /** The media host ({base}/media/...) that attachment downloads redirect to. */
  media?: (sim: JiraSimulator) => (req: Request, path: string) => Promise<Response>;
}

export type ControlHandler = (method: string, path: string, req: Request) => Promise<Response | undefined>;

export interface JiraSimulatorOptions {
  clock?: Clock;
  /** Public base URL of the listener (default http://sim.invalid for in-process use). */
  baseUrl?: string;
  /** Enables the /__sim control API (off unless asked for). */
  control?: boolean;
  world?: World;
  parts?: SimulatorParts;
}

export function emptyWorld(seed = 0): World {
  return { seed, accounts: new Map(), apps: new Map(), serviceAccounts: new Map(), sites: new Map() };
}

export function simUrls(base: string): SimUrls {
  const b = base.replace(/\/+$/, '');
  return {
    base: b,
    auth: `${b}/auth`,
    api: `${b}/api`,
    media: `${b}/media`,
    siteApi: (cloudId) => `${b}/api/ex/jira/${cloudId}`,
    siteBrowse: (name) => `${b}/site/${name}`,
  };
}

export class JiraSimulator implements SimServices {
  readonly world: World;
  readonly clock: Clock;
  urls: SimUrls;
  readonly routes = new RouteTable();
  readonly auth: AuthService;
  readonly limits: LimitsService;
  readonly faults: FaultsService;
  readonly meter: MeterService;
  private readonly controlHandlers: ControlHandler[];
  private readonly mediaHandler: ((req: Request, path: string) => Promise<Response>) | undefined;
  readonly settings: SimSettings = { indexLagMs: 0 };
  controlEnabled: boolean;

  constructor(options: JiraSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.world = options.world ?? emptyWorld();
    this.urls = simUrls(options.baseUrl ?? 'http://sim.invalid');
    this.controlEnabled = options.control ?? false;
    const parts = options.parts ?? {};
    this.auth = parts.auth?.(this) ?? rejectingAuth;
    this.limits = parts.limits?.(this) ?? unlimited;
    this.faults = parts.faults?.(this) ?? noFaults;
    this.meter = parts.meter?.(this) ?? new MemoryMeter();
    for (const register of parts.routes ?? []) register(this.routes);
    this.controlHandlers = (parts.control ?? []).map((make) => make(this));
    this.mediaHandler = parts.media?.(this);
  }

  /** Re-points every generated URL at a new base (after the listener picked its port). */
  setBaseUrl(base: string): void {
    this.urls = simUrls(base);
  }

  /** The HTTP-level handler. Network faults come back as marker responses (see FAULT_HEADER). */
  fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    try {
      if (path === '/auth' || path.startsWith('/auth/'))
        return await this.auth.handleAuthHost(req, path.slice(5) || '/');
      if (path.startsWith('/api/ex/jira/')) return await this.handleJira(req, url, path.slice('/api/ex/jira/'.length));
      if (path === '/api' || path.startsWith('/api/')) return await this.auth.handleApiHost(req, path.slice(4) || '/');
      if (path.startsWith('/media/') && this.mediaHandler) return await this.mediaHandler(req, path.slice(6));
      if (path.startsWith('/__sim/') && this.controlEnabled) return await this.handleControl(req, path.slice(6));
      return jsonResponse(404, { code: 404, message: 'Not Found' });
    } catch (e) {
      if (e instanceof SimHttpError) return jsonResponse(e.status, e.body, e.headers);
      return jsonResponse(500, { errorMessages: ['Internal server error'], errors: {} });
    }
  };

  /**
   * A fetch function for in-process use: network faults become thrown errors or broken body
   * streams, as they would over a real connection.
   */
  inProcessFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request && init === undefined ? input : new Request(input, init);
    const res = await this.fetch(req);
    const fault = res.headers.get(FAULT_HEADER);
    if (fault === 'reset') {
      const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      throw new TypeError('fetch failed', { cause });
    }
    if (fault === 'truncate') {
      const bytes = new Uint8Array(await res.arrayBuffer());
      const half = bytes.subarray(0, Math.floor(bytes.length / 2));
      const headers = new Headers(res.headers);
      headers.delete(FAULT_HEADER);
      // As over a socket: the full length is announced, half the bytes arrive, then the stream fails.
      headers.set('content-length', String(bytes.length));
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!sent) {
            sent = true;
            controller.enqueue(half);
            return;
          }
          controller.error(
            Object.assign(new TypeError('terminated'), {
              cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
            }),
          );
        },
      });
      return new Response(body, { status: res.status, headers });
    }
    return res;
  };

  /** Jira REST through the gateway: /ex/jira/{cloudId}/rest/... */
  private async handleJira(req: Request, url: URL, rest: string): Promise<Response> {
    const slash = rest.indexOf('/');
    const cloudId = slash < 0 ? rest : rest.slice(0, slash);
    const subPath = slash < 0 ? '/' : rest.slice(slash);
    const principal = this.auth.authenticate(req.headers.get('authorization'));
    return this.dispatchJira(req, url, cloudId, subPath, principal);
  }

  /**
   * Runs one Jira REST call for an already-authenticated principal. Public so that route tests
   * can exercise handlers without the OAuth dance; the gateway path above always authenticates.
   */
  async dispatchJira(
    req: Request,
    url: URL,
    cloudId: string,
    subPath: string,
    principal: Principal,
  ): Promise<Response> {
    const requestId = randomUUID();
    const baseHeaders: Record<string, string> = { 'x-arequestid': requestId, 'x-aaccountid': principal.accountId };
    const site = this.world.sites.get(cloudId);
    if (!site) throw gatewayError(404, 'Not Found');
    if (!principal.cloudIds.has(cloudId)) throw gatewayError(401, 'Unauthorized');

    const match = this.routes.router.match(req.method, subPath);
    if (!match) return jsonResponse(404, { errorMessages: ['null for uri: ' + url.pathname], errors: {} }, baseHeaders);
    if ('allowed' in match) {
      return jsonResponse(
        405,
        { errorMessages: ['Method Not Allowed'], errors: {} },
        { ...baseHeaders, allow: match.allowed.join(', ') },
      );
    }
    const m = match as RouteMatch<RegisteredRoute>;
    if (!scopesAllow(m.value.operation, principal.scopes))
      throw gatewayError(401, 'Unauthorized; scope does not match');

    let bodyText: string | undefined;
    const ctx: RouteContext = {
      sim: this,
      site,
      principal,
      req,
      url,
      params: m.params,
      query: url.searchParams,
      now: this.clock.now(),
      json: async <T>() => {
        bodyText ??= await req.text();
        if (bodyText.trim() === '') throw jiraError(400, ['No content to map due to end-of-input'], {});
        try {
          return JSON.parse(bodyText) as T;
        } catch {
          throw jiraError(400, ['Unexpected character in request body: the body is not valid JSON.'], {});
        }
      },
    };
    const isWrite = m.value.write ?? false;
    const call: CallInfo = {
      at: ctx.now,
      cloudId,
      clientId: principal.clientId,
      accountId: principal.accountId,
      method: m.method,
      route: m.route,
      isWrite,
    };
    if (isWrite && m.value.issueOf) {
      const issueId = m.value.issueOf(ctx);
      if (issueId) call.issueId = issueId;
    }

    const rejection = this.limits.admit(call);
    if (rejection) {
      this.record(call, 429, 0, rejection.reason);
      return jsonResponse(429, rejection.body, { ...baseHeaders, ...rejection.headers });
    }

    const fault = this.faults.pick(call);
    if (fault && fault.kind !== 'delay' && fault.kind !== 'truncate')
      return this.faultResponse(call, fault, baseHeaders);
    if (fault?.kind === 'delay') await this.clock.sleep(fault.ms);

    let result: RouteResult;
    let status: number;
    try {
      result = await m.value.handler(ctx);
      status = result.status ?? (result.body === undefined && result.raw === undefined ? 204 : 200);
    } catch (e) {
      if (!(e instanceof SimHttpError)) throw e;
      result = { status: e.status, body: e.body, headers: e.headers };
      status = e.status;
    }
    const ok = status < 400;
    const outcome = { status, objects: result.objects ?? 0, identityObjects: result.identityObjects ?? 0 };
    const points = this.limits.cost
      ? this.limits.cost(call, outcome)
      : isWrite || !ok
        ? 1
        : 1 + outcome.objects + 2 * outcome.identityObjects;
    const limitHeaders = this.limits.settle(call, points);
    this.record(call, status, points, fault ? `fault:${fault.kind}` : undefined);
    const headers: Record<string, string> = { ...baseHeaders, ...limitHeaders, ...(result.headers ?? {}) };
    if (fault?.kind === 'truncate') headers[FAULT_HEADER] = 'truncate';
    if (result.raw !== undefined) {
      headers['content-type'] ??= result.contentType ?? 'application/octet-stream';
      return new Response(status === 204 ? null : result.raw, { status, headers });
    }
    return jsonResponse(status, result.body, headers);
  }

  private faultResponse(call: CallInfo, fault: FaultAction, headers: Record<string, string>): Response {
    if (fault.kind === 'reset') {
      this.record(call, 0, 0, 'fault:reset');
      return new Response(null, { status: 502, headers: { ...headers, [FAULT_HEADER]: 'reset' } });
    }
    if (fault.kind !== 'status') throw new Error('unreachable');
    this.record(call, fault.status, 0, `fault:${fault.status}`);
    const extra: Record<string, string> = fault.retryAfterSeconds
      ? { 'retry-after': String(fault.retryAfterSeconds) }
      : {};
    if (fault.status === 502 || fault.status === 504) {
      return new Response('<html><body><h1>Bad Gateway</h1></body></html>', {
        status: fault.status,
        headers: { ...headers, ...extra, 'content-type': 'text/html' },
      });
    }
    return new Response(JSON.stringify({ errorMessages: ['Internal server error'], errors: {} }), {
      status: fault.status,
      headers: { ...headers, ...extra, 'content-type': JSON_TYPE },
    });
  }

  private record(call: CallInfo, status: number, points: number, note?: string): void {
    const entry: MeterRecord = {
      at: call.at,
      cloudId: call.cloudId,
      clientId: call.clientId,
      accountId: call.accountId,
      method: call.method,
      route: call.route,
      status,
      points,
    };
    if (note) entry.note = note;
    this.meter.record(entry);
  }

  private async handleControl(req: Request, path: string): Promise<Response> {
    for (const handler of this.controlHandlers) {
      const res = await handler(req.method, path, req);
      if (res) return res;
    }
    if (req.method === 'GET' && path === '/health') return jsonResponse(200, { ok: true, now: this.clock.now() });
    return jsonResponse(404, { error: `no control route ${req.method} /__sim${path}` });
  }
}

const rejectingAuth: AuthService = {
  handleAuthHost: async () => jsonResponse(404, { code: 404, message: 'Not Found' }),
  handleApiHost: async () => jsonResponse(404, { code: 404, message: 'Not Found' }),
  authenticate: () => {
    throw gatewayError(401, 'Unauthorized');
  },
};

const unlimited: LimitsService = { admit: () => undefined, settle: () => ({}) };
const noFaults: FaultsService = { pick: () => undefined };

/** Keeps every call record in memory, with totals by route and by site. */
export class MemoryMeter implements MeterService {
  readonly records: MeterRecord[] = [];
  record(entry: MeterRecord): void {
    this.records.push(entry);
  }
}

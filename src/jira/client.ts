/**
 * JiraClient: typed access to one Jira Cloud site through the OAuth 2.0 gateway
 * ({apiBaseUrl}/ex/jira/{cloudId}). Requests are keyed by the spec's route strings, pass one
 * pipeline (auth → governor → retry → transport), and fail with one JiraError whose `kind` says
 * what happened. Every request names Tidemark, its version and deployment mode in User-Agent.
 */
import { systemClock, silentLogger, type Clock, type Logger } from '../core/index.js';
import { JiraError, kindForStatus, parseErrorBody } from './errors.js';
import { RateGovernor, retryAfterMs } from './governor/governor.js';
import { authHook, fetchTransport, governorHook, retryHook, type RetryOptions, type TokenProvider } from './hooks.js';
import { compose, type Handler, type PreparedRequest, type RequestHook } from './pipeline.js';
import { estimatePoints, isReadOnly, isWriteMethod, pointsOf } from './cost.js';
import {
  fillRoute,
  queryString,
  splitRouteKey,
  type PathParams,
  type QueryParams,
  type RequestBody,
  type ResponseBody,
  type RouteKey,
} from './routes.js';

export type DeploymentMode = 'saas' | 'on-prem' | 'embedded' | 'broker';

export const DEFAULT_API_BASE_URL = 'https://api.atlassian.com';
export const DEFAULT_AUTH_BASE_URL = 'https://auth.atlassian.com';

export interface JiraClientOptions {
  cloudId: string;
  tokens: TokenProvider;
  mode: DeploymentMode;
  /** Tidemark's version, for User-Agent. */
  version: string;
  apiBaseUrl?: string;
  fetch?: typeof fetch;
  clock?: Clock;
  governor?: RateGovernor;
  logger?: Logger;
  retry?: Omit<RetryOptions, 'clock' | 'logger'>;
  /** Extra hooks, run between the governor and retry hooks (e.g. metering). */
  hooks?: RequestHook[];
}

export interface RequestOptions<K extends RouteKey> {
  path?: PathParams<K>;
  query?: QueryParams<K>;
  body?: RequestBody<K> | FormData;
  headers?: Record<string, string>;
  /** The issue a write applies to, for per-issue pacing. */
  issue?: string;
  /** Objects the response is expected to hold, for the points estimate (default 1 for reads, 0 for metadata). */
  expectObjects?: number;
  /** Writes only: resend after a 429 (Jira rejected the request without processing it). */
  retryRejected?: boolean;
  /** Overrides whether a transient failure may be retried. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface JiraResult<T> {
  status: number;
  headers: Headers;
  body: T;
  /** Points this request cost (docs/design.md §5.3). */
  points: number;
}

export function userAgent(version: string, mode: DeploymentMode): string {
  // Atlassian's client-identification format: {atlassian product}-{source product}-int/{version} ({optional})
  return `jira-tidemark-int/${version} (tidemark; mode=${mode})`;
}

/** Requests and points per route key, as this client counted them. */
export class ClientUsage {
  readonly byRoute = new Map<string, { requests: number; points: number }>();
  add(key: string, points: number): void {
    const u = this.byRoute.get(key) ?? { requests: 0, points: 0 };
    u.requests += 1;
    u.points += points;
    this.byRoute.set(key, u);
  }
  get points(): number {
    let n = 0;
    for (const u of this.byRoute.values()) n += u.points;
    return n;
  }
  get requests(): number {
    let n = 0;
    for (const u of this.byRoute.values()) n += u.requests;
    return n;
  }
  toJSON(): Record<string, { requests: number; points: number }> {
    return Object.fromEntries([...this.byRoute].sort(([a], [b]) => a.localeCompare(b)));
  }
}

export class JiraClient {
  readonly cloudId: string;
  /** Requests and points of this client's answered requests (errors included, 429s excluded). */
  readonly usage = new ClientUsage();
  readonly apiBaseUrl: string;
  readonly governor: RateGovernor;
  private readonly handler: Handler;
  private readonly ua: string;
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(options: JiraClientOptions) {
    this.cloudId = options.cloudId;
    this.apiBaseUrl = (options.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.governor = options.governor ?? new RateGovernor({ clock: this.clock });
    this.ua = userAgent(options.version, options.mode);
    this.handler = compose(
      [
        authHook(options.tokens),
        governorHook(this.governor),
        ...(options.hooks ?? []),
        retryHook({ clock: this.clock, logger: this.logger, ...(options.retry ?? {}) }),
      ],
      fetchTransport(options.fetch ?? fetch),
    );
  }

  /** The REST root of the site: {apiBaseUrl}/ex/jira/{cloudId}. */
  get siteBase(): string {
    return `${this.apiBaseUrl}/ex/jira/${encodeURIComponent(this.cloudId)}`;
  }

  /** Sends a request and parses its JSON answer; throws JiraError for any error status. */
  async request<K extends RouteKey>(key: K, options: RequestOptions<K> = {}): Promise<JiraResult<ResponseBody<K>>> {
    const req = this.prepare(key, options, 'json');
    const res = await this.handler(req);
    const text = res.status === 204 ? '' : await res.text();
    if (res.status >= 400) {
      if (res.status !== 429) this.usage.add(key, 1);
      throw this.errorFor(req, res, text);
    }
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw new JiraError(
          'server',
          `${req.method} ${req.route}: Jira answered ${res.status} with a body that is not JSON`,
          {
            status: res.status,
            method: req.method,
            route: req.route,
            cause: e,
          },
        );
      }
    }
    // The governor hook has already settled this cost with the governor.
    const points = pointsOf(key, res.status, body);
    this.usage.add(key, points);
    return { status: res.status, headers: res.headers, body: body as ResponseBody<K>, points };
  }

  /**
   * Sends a request and returns the raw Response without reading it (attachment downloads).
   * Redirects are not followed; error statuses throw. The caller reads (or cancels) the body.
   */
  async stream<K extends RouteKey>(key: K, options: RequestOptions<K> = {}): Promise<Response> {
    const req = this.prepare(key, options, 'stream');
    const res = await this.handler(req);
    if (res.status !== 429) this.usage.add(key, pointsOf(key, res.status, res.status >= 400 ? undefined : {}));
    if (res.status >= 400) throw this.errorFor(req, res, await res.text());
    return res;
  }

  private prepare<K extends RouteKey>(
    key: K,
    options: RequestOptions<K>,
    responseType: 'json' | 'stream',
  ): PreparedRequest {
    const { method, route } = splitRouteKey(key);
    const url = `${this.siteBase}${fillRoute(route, options.path as Record<string, string | number> | undefined)}${queryString(
      options.query as Record<string, unknown> | undefined,
    )}`;
    const headers = new Headers({ accept: 'application/json', 'user-agent': this.ua, ...(options.headers ?? {}) });
    let body: PreparedRequest['body'];
    if (options.body instanceof FormData) {
      body = options.body;
      headers.set('x-atlassian-token', 'no-check');
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers.set('content-type', 'application/json');
    }
    const readOnly = isReadOnly(key);
    const isWrite = isWriteMethod(method) && !readOnly;
    const points = estimatePoints(key, options.expectObjects);
    return {
      key,
      method,
      route,
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      idempotent: options.idempotent ?? readOnly,
      retryRejected: readOnly || (options.retryRejected ?? false),
      ticket: {
        key,
        isWrite,
        points,
        bounded: options.expectObjects !== undefined,
        ...(options.issue ? { issueKey: `${this.cloudId}/${options.issue}` } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      responseType,
      ...(options.signal ? { signal: options.signal } : {}),
    };
  }

  private errorFor(req: PreparedRequest, res: Response, text: string): JiraError {
    const { errorMessages, errors } = parseErrorBody(text);
    const kind = kindForStatus(res.status);
    const detail = [...errorMessages, ...Object.entries(errors).map(([k, v]) => `${k}: ${v}`)].join('; ');
    const init = {
      status: res.status,
      method: req.method,
      route: req.route,
      errorMessages,
      errors,
      ...(res.status === 429 || res.status === 503
        ? { retryAfterMs: retryAfterMs(res.headers, this.clock.now()) }
        : {}),
      ...(res.headers.get('ratelimit-reason') ? { rateLimitReason: res.headers.get('ratelimit-reason')! } : {}),
    };
    const message = `${req.method} ${req.route} answered ${res.status}${detail ? `: ${detail}` : ''}`;
    if (res.status === 401 && /scope does not match/i.test(text)) {
      return new JiraError('auth', message, {
        ...init,
        hint: 'The connection was consented without a scope this operation needs; reconnect the site so the new consent covers it.',
      });
    }
    if (res.status === 401) {
      return new JiraError('auth', message, {
        ...init,
        hint: 'The access token was refused; reconnect the site if this persists.',
      });
    }
    if (res.status === 429) {
      return new JiraError('rate-limited', message, {
        ...init,
        hint: 'Jira rate-limited the request; Tidemark paced and retried where it was safe. Try again after the reset.',
      });
    }
    return new JiraError(kind, message, init);
  }
}

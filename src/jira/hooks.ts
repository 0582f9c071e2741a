/**
 * The standard hooks of the request pipeline.
 */
import { isTidemarkError, type Clock, type Logger } from '../core/index.js';
import { JiraError } from './errors.js';
import { retryAfterMs, type RateGovernor } from './governor/governor.js';
import { pointsOf } from './cost.js';
import type { Handler, PreparedRequest, RequestHook } from './pipeline.js';

/** Supplies access tokens. The TokenVault, the broker client and the service-account flow implement it. */
export interface TokenProvider {
  /** A valid access token for the connection (refreshing it first when needed). */
  accessToken(signal?: AbortSignal): Promise<string>;
  /** Tells the provider a token was refused (401): the next accessToken() must not return it. */
  invalidate(token: string): Promise<void>;
}

/**
 * Adds the bearer token when each attempt is sent (see PreparedRequest.authorize); on a 401 for an
 * expired or revoked token, invalidates it and resends once with a fresh one.
 */
export function authHook(tokens: TokenProvider): RequestHook {
  return (next) => async (req) => {
    let used: string | undefined;
    req.authorize = async () => {
      used = await tokens.accessToken(req.signal);
      req.headers.set('authorization', `Bearer ${used}`);
    };
    const res = await next(req);
    if (res.status !== 401) return res;
    const text = await res.clone().text();
    // A missing scope is not a token problem: refreshing would not help.
    if (/scope does not match/i.test(text)) return res;
    if (used) await tokens.invalidate(used);
    return next(req);
  };
}

/**
 * Acquires the governor's permission before each attempt, reports each answer to it and settles
 * the attempt's real cost (docs/design.md §5.3) once the answer is known. A 429 is resent (after
 * the wait the governor decides) only when the request may be resent: the request was rejected
 * unprocessed, so reads always may, and writes may when the caller said so.
 */
export function governorHook(governor: RateGovernor, options: { maxRejections?: number } = {}): RequestHook {
  const maxRejections = options.maxRejections ?? 8;
  return (next) => async (req) => {
    for (let rejections = 0; ; rejections++) {
      const permit = await governor.acquire(req.ticket);
      try {
        // A request that failed without an answer keeps its estimate: Jira may have charged it.
        const res = await next(req);
        const wait = await governor.observe(req.ticket, res);
        if (wait === undefined) {
          await governor.settle(req.ticket, await answerPoints(req, res));
          return res;
        }
        if (!req.retryRejected || rejections >= maxRejections) return res;
      } finally {
        permit.release();
      }
      // The governor has already paused the quota, the endpoint or the issue as the reason asks;
      // acquire() waits for it on the next turn.
    }
  };
}

/**
 * What an answer cost. JSON answers arrive buffered (retry hook). A streamed answer (attachment
 * bytes, or the redirect to them) reads one object.
 */
async function answerPoints(req: PreparedRequest, res: Response): Promise<number> {
  if (req.responseType === 'stream' && res.status < 400) return pointsOf(req.key, res.status, {});
  let body: unknown;
  try {
    const text = await res.clone().text();
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return pointsOf(req.key, res.status, body);
}

export interface RetryOptions {
  clock: Clock;
  /** Atlassian's recipe: at most 4 retries, starting at 2 s, doubling, jitter 0.7–1.3, capped at 30 s. */
  maxRetries?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Random source for jitter (injectable for tests). */
  random?: () => number;
  logger?: Logger;
}

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/**
 * Retries transient failures — 5xx answers, connection resets, truncated bodies — of idempotent
 * requests only, with Atlassian's backoff recipe, honouring Retry-After when it asks for longer.
 * Non-idempotent requests are never resent here: their failure surfaces as a JiraError.
 */
export function retryHook(options: RetryOptions): RequestHook {
  const maxRetries = options.maxRetries ?? 4;
  const initial = options.initialDelayMs ?? 2_000;
  const cap = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  return (next) => async (req) => {
    let delay = initial;
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      let failure: unknown;
      // Credentials are taken now, after any wait; failing to get them is not a transport failure.
      await req.authorize?.();
      try {
        res = await next(req);
        if (req.responseType === 'json' && res.body) res = await buffered(res);
      } catch (e) {
        // Our own errors (a token that cannot be renewed, a cancelled wait) are not transport
        // failures: they go straight to the caller.
        if (isAbort(e, req) || isTidemarkError(e)) throw e;
        failure = e;
      }
      const transient = failure !== undefined || (res !== undefined && TRANSIENT_STATUSES.has(res.status));
      if (!transient || !req.idempotent || attempt >= maxRetries) {
        if (res) return res;
        throw networkError(req, failure);
      }
      const asked = res ? retryAfterMs(res.headers, options.clock.now()) : undefined;
      // Jitter spreads retries out, but never below what Retry-After asked for.
      const wait = Math.max(asked ?? 0, Math.min(cap, Math.max(asked ?? 0, delay) * (0.7 + 0.6 * random())));
      options.logger?.debug('retrying after a transient failure', {
        route: req.key,
        attempt: attempt + 1,
        status: res?.status,
        waitMs: Math.round(wait),
      });
      await options.clock.sleep(wait, req.signal);
      delay = Math.min(cap, delay * 2);
    }
  };
}

async function buffered(res: Response): Promise<Response> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  return new Response(res.status === 204 || res.status === 304 ? null : bytes, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

function isAbort(e: unknown, req: PreparedRequest): boolean {
  return req.signal?.aborted === true || (e instanceof Error && e.name === 'AbortError');
}

export function networkError(req: PreparedRequest, cause: unknown): JiraError {
  const detail =
    cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
  return new JiraError('network', `${req.method} ${req.route}: network failure (${detail})`, {
    method: req.method,
    route: req.route,
    cause,
    hint: 'Check connectivity to Atlassian; the request is safe to try again if it only read data.',
  });
}

/** The bottom of the pipeline: one HTTP exchange through fetch. Redirects are not followed. */
export function fetchTransport(fetchFn: typeof fetch): Handler {
  return async (req) => {
    return fetchFn(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      redirect: 'manual',
      ...(req.signal ? { signal: req.signal } : {}),
    });
  };
}

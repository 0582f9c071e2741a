/**
 * RateGovernor: keeps a client inside Jira Cloud's three limit systems *before* Jira has to say
 * no, and reacts correctly when it does.
 *
 * 1. Hourly points quota (per app, shared by all tenants): each request reserves its estimated
 *    points in the current UTC hour; the governor never lets this process (or, through a shared
 *    GovernorStore, the fleet) spend more than `maxPointsPerHour`, optionally spread evenly over
 *    the hour. Quota headers (Beta-RateLimit-Policy q=, Beta-RateLimit r=/t=) teach it the pool's
 *    size and warn it before exhaustion; a quota 429 pauses every request until the reset.
 * 2. Burst limits (per tenant, endpoint and method): a token bucket per endpoint at a share of the
 *    documented steady rate; a burst 429 halves that endpoint's rate and pauses only it
 *    (additive increase afterwards).
 * 3. Per-issue writes: writes to one issue run one at a time and stay under 20 per 2 s and 100 per
 *    30 s (with a safety margin); a per-issue 429 delays only that issue.
 */
import { utcHourStart, type Clock } from '../../core/index.js';
import { InProcessGovernorStore, type GovernorStore } from './store.js';
import { GOVERNOR_DEFAULTS, PER_ISSUE_LIMITS, documentedRate } from './rates.js';
import { timeToSpendPoints } from './spend.js';

const HOUR = 3_600_000;
/** How far the server's announced reset may be from the end of our UTC hour and still name it. */
const WINDOW_SKEW_MS = 5_000;

export interface GovernorTicket {
  /** Route key, "METHOD route". */
  key: string;
  isWrite: boolean;
  /** The issue a write applies to (per-issue pacing); any stable id or key. */
  issueKey?: string;
  /** Estimated points of the request (docs/design.md §5.3). */
  points: number;
  signal?: AbortSignal;
  /** True when `points` is a bound the caller knows (e.g. from counts it holds); else learned maxima apply. */
  bounded?: boolean;
  /** Set by acquire: the UTC hour the points were charged to. */
  window?: number;
}

export interface Permit {
  /** Call exactly once when the request is finished (answered or failed). */
  release(): void;
}

export type GovernorEvent =
  | { type: 'paused'; reason: string; untilMs: number }
  | { type: 'resumed' }
  | { type: 'endpoint-throttled'; key: string; rate: number; untilMs: number }
  | { type: 'issue-delayed'; issueKey: string; untilMs: number };

export interface RateGovernorOptions {
  clock: Clock;
  store?: GovernorStore;
  /** The pool's hourly quota; learned from Beta-RateLimit-Policy when not given. Default 65,000. */
  quotaPerHour?: number;
  /** Most points this governor may spend in one UTC hour. Default: the whole quota. */
  maxPointsPerHour?: number;
  /**
   * Spread spending over the hour: at any moment of an hour at most
   * cap × (elapsed share of the hour + `initialShare`) may have been spent. Default true.
   */
  spreadOverHour?: boolean;
  /** Share of the hourly cap available at the top of the hour when spreading. Default 0.2. */
  initialShare?: number;
  /** Share of the documented burst rates to aim for. Default 0.95. */
  burstUtilisation?: number;
  /** Share of the per-issue write limits to aim for. Default 0.9. */
  perIssueUtilisation?: number;
  /** Most requests in flight at once. Default 32. */
  maxConcurrency?: number;
  onEvent?: (event: GovernorEvent) => void;
}

interface EndpointState {
  ceiling: number;
  rate: number;
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
}

interface IssueState {
  busy: boolean;
  writes: number[];
  pausedUntil: number;
}

export interface QuotaObservation {
  status: number;
  headers: Headers;
}

export class RateGovernor {
  private readonly clock: Clock;
  readonly store: GovernorStore;
  private quota: number;
  private readonly explicitCap: number | undefined;
  private readonly spread: boolean;
  private readonly initialShare: number;
  private readonly burstUtilisation: number;
  private readonly perIssueUtilisation: number;
  private readonly maxConcurrency: number;
  private readonly onEvent: (event: GovernorEvent) => void;
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly issues = new Map<string, IssueState>();
  private inFlight = 0;
  /** Estimated points of the requests acquired and not yet released. */
  private inFlightPoints = 0;
  private waiters: Array<() => void> = [];
  private pausedAnnounced = 0;
  /** The largest cost each route key has had, for reservations. */
  private readonly largest = new Map<string, number>();
  /** 429s by RateLimit-Reason, for reports and tests. */
  readonly rejections = new Map<string, number>();

  constructor(options: RateGovernorOptions) {
    this.clock = options.clock;
    this.store = options.store ?? new InProcessGovernorStore();
    this.quota = options.quotaPerHour ?? 65_000;
    this.explicitCap = options.maxPointsPerHour;
    this.spread = options.spreadOverHour ?? GOVERNOR_DEFAULTS.spreadOverHour;
    this.initialShare = options.initialShare ?? GOVERNOR_DEFAULTS.initialShare;
    this.burstUtilisation = options.burstUtilisation ?? GOVERNOR_DEFAULTS.burstUtilisation;
    this.perIssueUtilisation = options.perIssueUtilisation ?? GOVERNOR_DEFAULTS.perIssueUtilisation;
    this.maxConcurrency = options.maxConcurrency ?? GOVERNOR_DEFAULTS.maxConcurrency;
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  /** The most points this governor spends in one UTC hour. */
  get hourlyCap(): number {
    return Math.min(this.explicitCap ?? this.quota, this.quota);
  }

  /** Waits until the request may be sent, then reserves its points and a concurrency slot. */
  async acquire(ticket: GovernorTicket): Promise<Permit> {
    for (;;) {
      let now = this.clock.now();
      const paused = await this.store.pausedUntil();
      now = this.clock.now();
      if (paused > now) {
        await this.clock.sleep(paused - now, ticket.signal);
        continue;
      }
      if (this.pausedAnnounced > 0) {
        this.pausedAnnounced = 0;
        this.onEvent({ type: 'resumed' });
      }
      // Local conditions are checked and reserved with no await in between, so concurrent
      // acquirers cannot all pass the same check.
      const wait = this.localWait(ticket, now);
      if (wait < 0) {
        await this.nextRelease(ticket.signal);
        continue;
      }
      if (wait > 0) {
        await this.clock.sleep(wait, ticket.signal);
        continue;
      }
      // Reserve an upper bound. Without one from the caller: the largest this route has cost so far
      // once known, the generous default before that.
      const learned = this.largest.get(ticket.key);
      if (!ticket.bounded && learned !== undefined) ticket.points = learned;
      const permit = this.reserveLocal(ticket, now);
      const window = utcHourStart(now);
      if (await this.store.tryCharge(window, ticket.points, this.allowance(now))) {
        ticket.window = window;
        return permit;
      }
      permit.undo();
      await this.clock.sleep(await this.allowanceWait(ticket.points, now), ticket.signal);
    }
  }

  /**
   * Learns from a response's rate-limit headers and reacts to 429s. Returns how long the request
   * must wait before it may be resent (ms), or undefined when the response was not a 429.
   */
  async observe(ticket: GovernorTicket, res: QuotaObservation): Promise<number | undefined> {
    const now = this.clock.now();
    await this.learnQuota(res.headers, now, ticket);
    const ep = this.endpoint(ticket.key, now);
    if (res.status !== 429) {
      if (res.status < 400 && ep.rate < ep.ceiling) ep.rate = Math.min(ep.ceiling, ep.rate + ep.ceiling / 20);
      return undefined;
    }
    const reason = res.headers.get('ratelimit-reason') ?? 'unknown';
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
    const waitMs = retryAfterMs(res.headers, now) ?? 2_000;
    // A rejected request was not processed and cost nothing: give its points back.
    await this.store.adjust(ticket.window ?? utcHourStart(now), -ticket.points);
    if (reason.startsWith('jira-quota')) {
      await this.pause(now + waitMs, reason);
    } else if (reason === 'jira-per-issue-on-write' && ticket.issueKey) {
      const st = this.issue(ticket.issueKey);
      st.pausedUntil = Math.max(st.pausedUntil, now + waitMs);
      this.onEvent({ type: 'issue-delayed', issueKey: ticket.issueKey, untilMs: st.pausedUntil });
    } else {
      ep.rate = Math.max(1, ep.rate / 2);
      ep.tokens = Math.min(ep.tokens, 0);
      ep.pausedUntil = Math.max(ep.pausedUntil, now + waitMs);
      this.onEvent({ type: 'endpoint-throttled', key: ticket.key, rate: ep.rate, untilMs: ep.pausedUntil });
    }
    return waitMs;
  }

  /** Corrects a request's charge once its real cost is known (e.g. fewer objects than estimated). */
  async settle(ticket: GovernorTicket, actualPoints: number): Promise<void> {
    this.largest.set(ticket.key, Math.max(this.largest.get(ticket.key) ?? 0, actualPoints));
    const delta = actualPoints - ticket.points;
    if (delta !== 0) await this.store.adjust(ticket.window ?? utcHourStart(this.clock.now()), delta);
  }

  /**
   * How long spending `points` more will take from `now` under this governor's rules (hourly cap,
   * spreading, what this hour has already spent), ignoring burst limits. Used for ETAs.
   */
  async timeToSpend(points: number, now = this.clock.now()): Promise<number> {
    const rule = { cap: this.hourlyCap, spread: this.spread, initialShare: this.initialShare };
    return timeToSpendPoints(rule, points, now, await this.store.spent(utcHourStart(now)));
  }

  /** Points spent in the current UTC hour (as far as this governor's store knows). */
  async spentThisHour(): Promise<number> {
    return this.store.spent(utcHourStart(this.clock.now()));
  }

  private async pause(untilMs: number, reason: string): Promise<void> {
    await this.store.pauseUntil(untilMs, reason);
    if (untilMs > this.pausedAnnounced) {
      this.pausedAnnounced = untilMs;
      this.onEvent({ type: 'paused', reason, untilMs });
    }
  }

  /** 0 = may go now; > 0 = sleep that long; < 0 = wait for a release (concurrency, busy issue). */
  private localWait(ticket: GovernorTicket, now: number): number {
    const ep = this.endpoint(ticket.key, now);
    if (ep.pausedUntil > now) return ep.pausedUntil - now;
    if (ep.tokens < 1) return Math.ceil(((1 - ep.tokens) / ep.rate) * 1000);
    if (ticket.isWrite && ticket.issueKey) {
      const st = this.issue(ticket.issueKey);
      if (st.pausedUntil > now) return st.pausedUntil - now;
      if (st.busy) return -1;
      const wait = this.issueWindowWait(st, now);
      if (wait > 0) return wait;
    }
    if (this.inFlight >= this.maxConcurrency) return -1;
    return 0;
  }

  private reserveLocal(ticket: GovernorTicket, now: number): Permit & { undo(): void } {
    const ep = this.endpoint(ticket.key, now);
    ep.tokens -= 1;
    let issue: IssueState | undefined;
    if (ticket.isWrite && ticket.issueKey) {
      issue = this.issue(ticket.issueKey);
      issue.busy = true;
      issue.writes.push(now);
    }
    this.inFlight++;
    this.inFlightPoints += ticket.points;
    let released = false;
    const free = (): void => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.inFlightPoints -= ticket.points;
      if (issue) issue.busy = false;
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    };
    return {
      release: free,
      undo: () => {
        ep.tokens += 1;
        issue?.writes.pop();
        free();
      },
    };
  }

  private nextRelease(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  private endpoint(key: string, now: number): EndpointState {
    let ep = this.endpoints.get(key);
    if (!ep) {
      const ceiling = Math.max(1, documentedRate(key) * this.burstUtilisation);
      ep = { ceiling, rate: ceiling, tokens: ceiling, refilledAt: now, pausedUntil: 0 };
      this.endpoints.set(key, ep);
    }
    if (now > ep.refilledAt) {
      ep.tokens = Math.min(ep.rate, ep.tokens + ((now - ep.refilledAt) / 1000) * ep.rate);
      ep.refilledAt = now;
    }
    return ep;
  }

  private issue(key: string): IssueState {
    let st = this.issues.get(key);
    if (!st) {
      st = { busy: false, writes: [], pausedUntil: 0 };
      this.issues.set(key, st);
    }
    return st;
  }

  private issueWindowWait(st: IssueState, now: number): number {
    const longest = PER_ISSUE_LIMITS[PER_ISSUE_LIMITS.length - 1]!.windowMs;
    st.writes = st.writes.filter((t) => t > now - longest);
    let wait = 0;
    for (const { windowMs, max } of PER_ISSUE_LIMITS) {
      const allowed = Math.max(1, Math.floor(max * this.perIssueUtilisation));
      const recent = st.writes.filter((t) => t > now - windowMs);
      if (recent.length >= allowed) wait = Math.max(wait, recent[recent.length - allowed]! + windowMs - now + 1);
    }
    return wait;
  }

  /** Points that may have been spent by `now` in the current hour. */
  private allowance(now: number): number {
    const cap = this.hourlyCap;
    if (!this.spread) return cap;
    const elapsed = (now - utcHourStart(now)) / HOUR;
    return Math.min(cap, Math.floor(cap * (elapsed + this.initialShare)));
  }

  private async allowanceWait(points: number, now: number): Promise<number> {
    const hourStart = utcHourStart(now);
    const nextHour = hourStart + HOUR;
    const cap = this.hourlyCap;
    const spent = await this.store.spent(hourStart);
    // Only the next window has room (or nothing is spread): wait for it, not in 1 ms steps.
    if (!this.spread || spent + points > cap) return nextHour - now;
    // Solve cap × (elapsed + initialShare) ≥ spent + points for the elapsed share.
    const needShare = (spent + points) / cap - this.initialShare;
    const at = hourStart + Math.ceil(needShare * HOUR);
    return Math.max(1, Math.min(nextHour, at) - now);
  }

  /**
   * Reads the quota headers: `q` of the policy is the pool's size; `r` (sent only near the limit)
   * is what the *pool* has left — other tenants, workers and processes of the app included — so
   * the window's spending is raised to at least what that implies, plus what this governor still
   * has in flight; `r=0` pauses everything until the reset `t` announces.
   */
  private async learnQuota(headers: Headers, now: number, ticket: GovernorTicket): Promise<void> {
    const policy = headers.get('beta-ratelimit-policy') ?? headers.get('ratelimit-policy');
    const q = policy ? /;\s*q=(\d+)/.exec(policy) : null;
    if (q) this.quota = Number(q[1]);
    const status = headers.get('beta-ratelimit') ?? headers.get('ratelimit');
    if (!status) return;
    const r = /;\s*r=(\d+)/.exec(status);
    const t = /;\s*t=(\d+)/.exec(status);
    if (!r || !t) return;
    const remaining = Number(r[1]);
    const resetAt = now + Number(t[1]) * 1000;
    // The shared pool is about to run dry: stop before Jira has to say no.
    if (remaining <= 0) await this.pause(resetAt, 'quota-exhausted-soon');
    // Apply `r` to this governor's current window only when the server's reset is this window's
    // end (give or take rounding and clock skew); near a boundary it may describe the other one.
    const window = utcHourStart(now);
    if (Math.abs(resetAt - (window + HOUR)) > WINDOW_SKEW_MS) return;
    const othersInFlight = Math.max(0, this.inFlightPoints - ticket.points);
    await this.store.atLeast(window, this.quota - remaining + othersInFlight);
  }
}

/** Retry-After (seconds) or X-RateLimit-Reset (ISO) as a wait in ms. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ra = headers.get('retry-after');
  if (ra !== null && ra.trim() !== '') {
    const seconds = Number(ra);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset) {
    const at = Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return undefined;
}

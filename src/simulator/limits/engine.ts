/**
 * LimitsEngine: Jira Cloud's three independent rate-limit systems for the simulator's gateway —
 * the hourly points quota (global or per-tenant pool), burst token buckets per endpoint and
 * method, and per-issue write windows — with Atlassian's 429 responses and headers. The gateway
 * calls admit() before the handler (a refusal costs nothing), cost() and settle() after it.
 * docs/design.md §5 "Rate limits" documents the behaviour and which header appears when.
 */
import type { CallInfo, CallOutcome, LimitsService, Rejection, SimServices } from '../services.js';
import { BurstBuckets } from './burst.js';
import {
  policyHeader,
  rateLimitBody,
  rateLimitResetHeader,
  retryAfterSeconds,
  secondsUntil,
  statusHeader,
} from './headers.js';
import { PerIssueWindows } from './per-issue.js';
import { QuotaPools, type PoolRef, type PoolSnapshot, type PoolUsage } from './quota.js';
import {
  deepMerge,
  limitSettings,
  validateLimitSettings,
  type LimitPreset,
  type LimitsPatch,
  type LimitsSettings,
} from './settings.js';

export interface QuotaStatus extends PoolUsage {
  kind: 'global' | 'tenant';
  policy: PoolRef['policy'];
  limit: number;
}

export interface LimitsState {
  settings: LimitsSettings;
  /** Pools charged so far, with their usage now. */
  pools: Array<Omit<PoolSnapshot, 'windowStart' | 'resetAt'> & { windowStart: string; resetAt: string }>;
}

export class LimitsEngine implements LimitsService {
  private current: LimitsSettings;
  private readonly quota: QuotaPools;
  private readonly burst = new BurstBuckets();
  private readonly perIssue = new PerIssueWindows();

  /**
   * @param sim the simulator's services (its clock and world: a per-tenant pool without a user
   *   count sizes itself from the site's members)
   * @param settings a patch applied to `preset` (default: realistic), or complete settings
   */
  constructor(
    private readonly sim: Pick<SimServices, 'clock' | 'world'>,
    settings: LimitsPatch = {},
    preset: LimitPreset = 'realistic',
  ) {
    this.current = limitSettings(settings, preset);
    this.quota = new QuotaPools((cloudId) => this.sim.world.sites.get(cloudId)?.members.size ?? 0);
  }

  /** A copy of the settings in force. */
  get settings(): LimitsSettings {
    return structuredClone(this.current);
  }

  /** Merges a patch into the settings in force (objects member by member; `null` removes an entry). */
  configure(patch: LimitsPatch): LimitsSettings {
    this.current = validateLimitSettings(deepMerge(this.current, patch));
    return this.settings;
  }

  /** Replaces the settings: `preset` (default realistic) with `patch` applied. Usage is kept. */
  replace(patch: LimitsPatch = {}, preset: LimitPreset = 'realistic'): LimitsSettings {
    this.current = limitSettings(patch, preset);
    return this.settings;
  }

  /** Forgets every pool's usage, every burst bucket and every per-issue window. */
  resetUsage(): void {
    this.quota.reset();
    this.burst.reset();
    this.perIssue.reset();
  }

  /** The quota pool an app spends on a site, and its usage at `now` (default: the clock's now). */
  quotaStatus(clientId: string, cloudId: string, now = this.sim.clock.now()): QuotaStatus {
    const ref = this.quota.resolve(this.current.quota, clientId, cloudId);
    return {
      kind: ref.kind,
      policy: ref.policy,
      limit: ref.limit,
      ...this.quota.usage(this.current.quota, ref, now),
    };
  }

  /** Settings and pool usage, JSON-ready (GET /__sim/limits). */
  state(now = this.sim.clock.now()): LimitsState {
    return {
      settings: this.settings,
      pools: this.quota.snapshot(this.current.quota, now).map((p) => ({
        ...p,
        windowStart: new Date(p.windowStart).toISOString(),
        resetAt: new Date(p.resetAt).toISOString(),
      })),
    };
  }

  admit(call: CallInfo): Rejection | undefined {
    const s = this.current;
    const now = call.at;
    let quotaHeaders: Record<string, string> = {};
    if (s.quota.enabled) {
      const ref = this.quota.resolve(s.quota, call.clientId, call.cloudId);
      const usage = this.quota.usage(s.quota, ref, now);
      if (usage.remaining <= 0) return this.quotaRejection(ref, usage, now);
      quotaHeaders = this.quotaHeaders(ref, usage, now);
    }

    const bucket = s.burst.enabled ? this.burst.check(s.burst, call.cloudId, call.method, call.route, now) : undefined;
    if (bucket?.waitMs !== undefined) {
      const retryAfter = retryAfterSeconds(now, now + bucket.waitMs);
      return {
        status: 429,
        reason: 'jira-burst-based',
        headers: {
          ...quotaHeaders,
          ...this.refusalHeaders(now, retryAfter, bucket.rate, 'jira-burst-based'),
        },
        body: rateLimitBody(
          `Too many ${call.method} requests to ${call.route} on this site: the burst rate limit of ${bucket.rate} requests per second was exceeded. Retry after ${retryAfter} seconds.`,
        ),
      };
    }

    const writes =
      s.perIssue.enabled && call.isWrite && call.issueId !== undefined
        ? this.perIssue.check(s.perIssue, call.cloudId, call.issueId, now)
        : undefined;
    if (writes?.refused) {
      const { window, waitMs } = writes.refused;
      const retryAfter = retryAfterSeconds(now, now + waitMs);
      return {
        status: 429,
        reason: 'jira-per-issue-on-write',
        headers: {
          ...quotaHeaders,
          ...this.refusalHeaders(now, retryAfter, window.writes, 'jira-per-issue-on-write'),
        },
        body: rateLimitBody(
          `Too many writes to issue ${call.issueId}: at most ${window.writes} writes in ${window.seconds} seconds are allowed. Retry after ${retryAfter} seconds.`,
        ),
      };
    }

    bucket?.take();
    writes?.record();
    return undefined;
  }

  cost(call: CallInfo, outcome: CallOutcome): number {
    const c = this.current.costs;
    if (outcome.status >= 400) return c.error;
    if (call.isWrite) return c.write;
    return c.base + c.perObject * outcome.objects + c.perIdentityObject * outcome.identityObjects;
  }

  settle(call: CallInfo, points: number): Record<string, string> {
    const s = this.current;
    if (!s.quota.enabled) return {};
    const ref = this.quota.resolve(s.quota, call.clientId, call.cloudId);
    const usage = this.quota.charge(s.quota, ref, call.at, points);
    return this.quotaHeaders(ref, usage, call.at);
  }

  /** Structured quota status sent with every response while the quota is on. */
  private quotaHeaders(ref: PoolRef, usage: PoolUsage, now: number): Record<string, string> {
    const q = this.current.quota;
    const near = usage.remaining < ref.limit * q.nearLimitShare;
    const headers: Record<string, string> = {
      [`${q.headerPrefix}RateLimit-Policy`]: policyHeader(ref.policy, ref.limit, q.windowSeconds),
      [`${q.headerPrefix}RateLimit`]: statusHeader(
        ref.policy,
        near ? usage.remaining : undefined,
        secondsUntil(now, usage.resetAt),
      ),
    };
    if (near) headers['X-RateLimit-NearLimit'] = 'true';
    return headers;
  }

  private quotaRejection(ref: PoolRef, usage: PoolUsage, now: number): Rejection {
    const retryAfter = retryAfterSeconds(now, usage.resetAt);
    return {
      status: 429,
      reason: ref.reason,
      headers: {
        ...this.quotaHeaders(ref, usage, now),
        ...this.refusalHeaders(now, retryAfter, ref.limit, ref.reason),
      },
      body: rateLimitBody(
        `The app's ${ref.kind === 'global' ? 'global' : 'per-tenant'} points quota of ${ref.limit} points per ${this.current.quota.windowSeconds} seconds is exhausted. Retry after ${retryAfter} seconds.`,
      ),
    };
  }

  private refusalHeaders(now: number, retryAfter: number, limit: number, reason: string): Record<string, string> {
    return {
      'Retry-After': String(retryAfter),
      'X-RateLimit-Reset': rateLimitResetHeader(now + retryAfter * 1000),
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': '0',
      'RateLimit-Reason': reason,
    };
  }
}

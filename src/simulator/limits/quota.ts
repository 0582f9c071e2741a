/**
 * The hourly points quota: one Global Pool per app (clientId) shared by every site it calls, or a
 * Per-Tenant Pool per (app, site) for sites configured with one. Windows are fixed (not sliding)
 * and start at multiples of the window length since the epoch — with 3600 s, at the top of each
 * UTC hour. There is no gradual throttling: a pool with no points left refuses everything until
 * its window ends, and a call admitted while points remain is answered and charged in full even
 * when that takes the pool below zero.
 */
import type { QuotaSettings } from './settings.js';
import { tenantPoolPoints } from './settings.js';

export type QuotaPolicy = 'global-app-quota' | 'tenant-app-quota';
export type QuotaReason = 'jira-quota-global-based' | 'jira-quota-tenant-based';

/** The pool a call spends, with its size under the current settings. */
export interface PoolRef {
  key: string;
  kind: 'global' | 'tenant';
  policy: QuotaPolicy;
  reason: QuotaReason;
  clientId: string;
  /** Set for a Per-Tenant Pool. */
  cloudId?: string;
  limit: number;
}

export interface PoolUsage {
  /** Start of the current window (ms since the epoch). */
  windowStart: number;
  /** End of the current window: when the pool is refilled. */
  resetAt: number;
  /** Points charged in the current window (may exceed the limit by the last admitted call). */
  used: number;
  /** Points left, never below 0. */
  remaining: number;
}

export interface PoolSnapshot extends PoolUsage {
  kind: 'global' | 'tenant';
  policy: QuotaPolicy;
  clientId: string;
  cloudId?: string;
  limit: number;
}

interface PoolState {
  windowStart: number;
  used: number;
  ref: PoolRef;
}

export class QuotaPools {
  private readonly pools = new Map<string, PoolState>();

  constructor(private readonly siteUsers: (cloudId: string) => number) {}

  /** Which pool a call by `clientId` on `cloudId` spends. */
  resolve(settings: QuotaSettings, clientId: string, cloudId: string): PoolRef {
    const tenant = settings.tenantPools[cloudId];
    if (tenant && (tenant.apps === undefined || tenant.apps.includes(clientId))) {
      const limit = tenant.points ?? tenantPoolPoints(tenant.tier, tenant.users ?? this.siteUsers(cloudId));
      return {
        key: `tenant|${clientId}|${cloudId}`,
        kind: 'tenant',
        policy: 'tenant-app-quota',
        reason: 'jira-quota-tenant-based',
        clientId,
        cloudId,
        limit,
      };
    }
    return {
      key: `global|${clientId}`,
      kind: 'global',
      policy: 'global-app-quota',
      reason: 'jira-quota-global-based',
      clientId,
      limit: settings.globalPoints,
    };
  }

  /** Usage of a pool at time `now` (a window that has ended reads as empty). */
  usage(settings: QuotaSettings, ref: PoolRef, now: number): PoolUsage {
    const windowMs = settings.windowSeconds * 1000;
    const windowStart = now - (now % windowMs);
    const state = this.pools.get(ref.key);
    const used = state && state.windowStart === windowStart ? state.used : 0;
    return { windowStart, resetAt: windowStart + windowMs, used, remaining: Math.max(0, ref.limit - used) };
  }

  /**
   * Charges `points` to the window containing `at` (the time the call was admitted). A charge for
   * a window that another call has already closed is dropped: that window's points were reset.
   */
  charge(settings: QuotaSettings, ref: PoolRef, at: number, points: number): PoolUsage {
    const windowMs = settings.windowSeconds * 1000;
    const windowStart = at - (at % windowMs);
    let state = this.pools.get(ref.key);
    if (!state || state.windowStart < windowStart) {
      state = { windowStart, used: 0, ref };
      this.pools.set(ref.key, state);
    }
    state.ref = ref;
    if (state.windowStart === windowStart) state.used += points;
    return this.usage(settings, ref, at);
  }

  /** Every pool that has been charged, with its usage at `now`. */
  snapshot(settings: QuotaSettings, now: number): PoolSnapshot[] {
    return [...this.pools.values()].map(({ ref }) => {
      const current = this.resolve(settings, ref.clientId, ref.cloudId ?? '');
      const live = current.key === ref.key ? current : ref;
      const snap: PoolSnapshot = {
        kind: live.kind,
        policy: live.policy,
        clientId: live.clientId,
        limit: live.limit,
        ...this.usage(settings, live, now),
      };
      if (live.cloudId !== undefined) snap.cloudId = live.cloudId;
      return snap;
    });
  }

  reset(): void {
    this.pools.clear();
  }
}

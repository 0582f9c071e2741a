/**
 * Burst limits: a token bucket per (site, method, spec route template). A bucket refills
 * continuously at the endpoint's steady-state rate and holds at most rate × capacitySeconds tokens
 * (the burst buffer); each admitted call takes one token. A call that finds less than one token is
 * refused with jira-burst-based; only that endpoint and method of that site is slowed.
 */
import type { BurstSettings } from './settings.js';

interface Bucket {
  tokens: number;
  last: number;
  rate: number;
  capacity: number;
}

export interface BurstCheck {
  /** The steady-state rate (requests per second) of the endpoint. */
  rate: number;
  /** Tokens left before this call. */
  tokens: number;
  /** When refused: ms until one token is available. */
  waitMs?: number;
  /** Takes the call's token; call only when the call is admitted. */
  take(): void;
}

export function burstRate(settings: BurstSettings, method: string, route: string): number {
  const m = method.toUpperCase();
  return settings.overrides[`${m} ${route}`] ?? settings.rates[m] ?? settings.defaultRate;
}

export class BurstBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private calls = 0;

  check(settings: BurstSettings, cloudId: string, method: string, route: string, now: number): BurstCheck {
    if (++this.calls % 4096 === 0) this.sweep(now);
    const rate = burstRate(settings, method, route);
    const capacity = Math.max(1, rate * settings.capacitySeconds);
    const key = `${cloudId}|${method.toUpperCase()} ${route}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, last: now, rate, capacity };
      this.buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, now - bucket.last);
    bucket.tokens = Math.min(capacity, bucket.tokens + (elapsed * rate) / 1000);
    bucket.last = Math.max(bucket.last, now);
    bucket.rate = rate;
    bucket.capacity = capacity;
    const b = bucket;
    const result: BurstCheck = {
      rate,
      tokens: b.tokens,
      take: () => {
        b.tokens -= 1;
      },
    };
    if (b.tokens < 1) result.waitMs = ((1 - b.tokens) * 1000) / rate;
    return result;
  }

  /** Forgets buckets that have refilled completely (they would start full anyway). */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.last) * b.rate) / 1000 >= b.capacity) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }

  reset(): void {
    this.buckets.clear();
    this.calls = 0;
  }
}

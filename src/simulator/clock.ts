/**
 * OffsetClock: any Clock plus a forward-only offset. The simulator runs on it so that the control
 * API (POST /__sim/clock/advance) can move a simulator's time forward even when it runs on the
 * system clock or an AcceleratedClock — for example to reach the next UTC hour's quota window.
 */
import { TidemarkError, type Clock } from '../core/index.js';

export class OffsetClock implements Clock {
  private offset: number;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly inner: Clock,
    initialOffsetMs = 0,
  ) {
    if (!Number.isFinite(initialOffsetMs) || initialOffsetMs < 0)
      throw new TidemarkError('usage', 'a clock offset must be a non-negative number of milliseconds');
    this.offset = initialOffsetMs;
  }

  /** How far this clock is ahead of the clock it wraps. */
  get offsetMs(): number {
    return this.offset;
  }

  now(): number {
    return this.inner.now() + this.offset;
  }

  /** Moves time forward by `ms` (never backwards), waking every sleeper whose time has come. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new TidemarkError('usage', 'the clock can only move forward');
    if (ms === 0) return;
    this.offset += ms;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }

  /** Moves time forward to `ms` since the epoch; a time in the past is refused. */
  advanceTo(ms: number): void {
    const delta = ms - this.now();
    if (delta < 0) throw new TidemarkError('usage', 'the clock can only move forward');
    this.advance(delta);
  }

  /**
   * Resolves once this clock's time reaches now + ms: either the inner clock gets there, or an
   * advance() jumps past it.
   */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new TidemarkError('cancelled', 'wait cancelled', { cause: signal.reason });
    const target = this.now() + ms;
    for (;;) {
      const remaining = target - this.now();
      if (remaining <= 0) return;
      const inner = new AbortController();
      const onAbort = (): void => inner.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      let wake: () => void = () => undefined;
      const advanced = new Promise<void>((resolve) => {
        wake = resolve;
      });
      this.waiters.add(wake);
      const innerSleep = this.inner.sleep(remaining, inner.signal);
      innerSleep.catch(() => undefined);
      try {
        await Promise.race([innerSleep, advanced]);
      } finally {
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        // Cancels the inner wait when an advance() won the race (harmless when it already ended).
        if (!signal?.aborted) inner.abort();
      }
    }
  }
}

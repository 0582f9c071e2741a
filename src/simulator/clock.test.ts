import { describe, expect, it } from 'vitest';
import { FakeClock, TidemarkError } from '../core/index.js';
import { OffsetClock } from './clock.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OffsetClock', () => {
  it('adds a forward-only offset to the clock it wraps', () => {
    const inner = new FakeClock(T0);
    const clock = new OffsetClock(inner);
    expect(clock.now()).toBe(T0);
    clock.advance(1500);
    inner.advance(500);
    expect(clock.now()).toBe(T0 + 2000);
    expect(clock.offsetMs).toBe(1500);
    clock.advanceTo(T0 + 10_000);
    expect(clock.now()).toBe(T0 + 10_000);
    expect(() => clock.advance(-1)).toThrow(TidemarkError);
    expect(() => clock.advanceTo(T0)).toThrow(/forward/);
    expect(() => new OffsetClock(inner, -5)).toThrow(TidemarkError);
  });

  it('wakes a sleeper when the inner clock gets there', async () => {
    const inner = new FakeClock(T0);
    const clock = new OffsetClock(inner);
    let woke = false;
    const sleeping = clock.sleep(1000).then(() => (woke = true));
    inner.advance(999);
    await tick();
    expect(woke).toBe(false);
    inner.advance(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('wakes a sleeper when an advance jumps past its time, and cancels the inner wait', async () => {
    const inner = new FakeClock(T0);
    const clock = new OffsetClock(inner);
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => (woke = true));
    clock.advance(30_000);
    await tick();
    expect(woke).toBe(false);
    expect(inner.pending).toBe(1); // waiting again, for the 30 s still to go
    inner.advance(29_999);
    await tick();
    expect(woke).toBe(false);
    clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
    expect(inner.pending).toBe(0);
  });

  it('rejects with a cancelled error when the signal aborts', async () => {
    const inner = new FakeClock(T0);
    const clock = new OffsetClock(inner);
    const ac = new AbortController();
    const sleeping = clock.sleep(1000, ac.signal);
    ac.abort();
    await expect(sleeping).rejects.toMatchObject({ kind: 'cancelled' });
    expect(inner.pending).toBe(0);
    await expect(clock.sleep(10, ac.signal)).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

/**
 * Time as a dependency. Everything that waits or stamps time takes a Clock, so tests and
 * benchmarks can run an hour of rate-limit windows in a second (AcceleratedClock) or step time by
 * hand (FakeClock) without timed assertions.
 */
import { TidemarkError } from './errors.js';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with a `cancelled` error if the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortError(signal: AbortSignal): TidemarkError {
  return new TidemarkError('cancelled', 'wait cancelled', { cause: signal.reason });
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: realSleep,
};

/**
 * Time that runs `factor` times faster than real time from `startMs`. Two processes built with
 * the same (startMs, realStartMs, factor) agree on the time, so a simulator and a client in
 * different processes can share an accelerated hour.
 */
export class AcceleratedClock implements Clock {
  readonly startMs: number;
  readonly realStartMs: number;
  readonly factor: number;

  constructor(options: { factor: number; startMs?: number; realStartMs?: number }) {
    if (!(options.factor > 0)) throw new TidemarkError('usage', 'clock factor must be positive');
    this.factor = options.factor;
    this.realStartMs = options.realStartMs ?? Date.now();
    this.startMs = options.startMs ?? this.realStartMs;
  }

  now(): number {
    return Math.floor(this.startMs + (Date.now() - this.realStartMs) * this.factor);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return realSleep(ms / this.factor, signal);
  }
}

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Time that moves only when told to (`advance`, `set`), or — with `autoAdvance` — jumps to the
 * earliest pending wake-up whenever every task in the process is waiting on this clock.
 */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private readonly autoAdvance: boolean;
  private readonly idle: (() => boolean) | undefined;
  private scheduled = false;

  /**
   * `autoAdvance.idle`, when given, must also answer true before time jumps: tests that talk over
   * real sockets pass "no request in flight", so time never moves while an answer is on its way
   * (work that waits on I/O is not waiting on the clock).
   */
  constructor(
    startMs = Date.UTC(2026, 10, 24, 9, 0, 0),
    options: { autoAdvance?: boolean; idle?: () => boolean } = {},
  ) {
    this.current = startMs;
    this.autoAdvance = options.autoAdvance ?? false;
    this.idle = options.idle;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { wakeAt: this.current + Math.ceil(ms), resolve, reject, signal, onAbort: undefined };
      if (signal) {
        sleeper.onAbort = () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', sleeper.onAbort, { once: true });
      }
      this.sleepers.push(sleeper);
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      this.scheduleAuto();
    });
  }

  /** Moves time forward by `ms`, waking every sleeper whose time has come. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(ms: number): void {
    if (ms < this.current) throw new TidemarkError('usage', 'a FakeClock cannot go backwards');
    this.current = ms;
    const due = this.sleepers.filter((s) => s.wakeAt <= ms);
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > ms);
    for (const s of due) {
      if (s.signal && s.onAbort) s.signal.removeEventListener('abort', s.onAbort);
      s.resolve();
    }
  }

  /** Number of tasks waiting on this clock. */
  get pending(): number {
    return this.sleepers.length;
  }

  private scheduleAuto(): void {
    if (!this.autoAdvance || this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after pending promise jobs and I/O callbacks: if nobody else woke up
    // by then, everyone is waiting on us, so jump to the earliest wake-up.
    const tick = (): void => {
      if (this.idle && !this.idle()) {
        // Something is on its way over I/O: look again once the event loop has polled.
        setImmediate(tick);
        return;
      }
      this.scheduled = false;
      const next = this.sleepers[0];
      if (next) this.set(Math.max(this.current, next.wakeAt));
      if (this.sleepers.length > 0) this.scheduleAuto();
    };
    setImmediate(tick);
  }
}

/** Start of the UTC hour containing `ms`. */
export function utcHourStart(ms: number): number {
  return ms - (ms % 3_600_000);
}

/** ISO-8601 timestamp in Jira's format with a numeric offset, e.g. 2026-11-24T09:00:00.000+0000. */
export function jiraTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

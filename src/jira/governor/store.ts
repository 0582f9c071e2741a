/**
 * The governor's shared state: the hourly points window and the global pause. In embedded mode it
 * lives in process (InProcessGovernorStore); a scale-out fleet fills the same interface from the
 * control database so every worker of the app draws on one budget. Burst and per-issue state stay
 * per worker: bursts are per endpoint and short, and one issue's writes run on one worker.
 */
export interface GovernorStore {
  /** Points charged in the UTC hour starting at `windowStart` (epoch ms). */
  spent(windowStart: number): Promise<number>;
  /** Charges `points` to the window if that keeps it within `cap`; answers whether it did. */
  tryCharge(windowStart: number, points: number, cap: number): Promise<boolean>;
  /** Adds (or, with a negative number, refunds) points without a cap check. */
  adjust(windowStart: number, points: number): Promise<void>;
  /** Raises the window's spending to at least `points` (what Jira's quota headers imply). */
  atLeast(windowStart: number, points: number): Promise<void>;
  /** Until when every request of the app must wait (quota exhausted), epoch ms; 0 = not paused. */
  pausedUntil(): Promise<number>;
  pauseUntil(ms: number, reason: string): Promise<void>;
}

export class InProcessGovernorStore implements GovernorStore {
  private readonly windows = new Map<number, number>();
  private paused = 0;

  async spent(windowStart: number): Promise<number> {
    return this.windows.get(windowStart) ?? 0;
  }

  async tryCharge(windowStart: number, points: number, cap: number): Promise<boolean> {
    const spent = this.windows.get(windowStart) ?? 0;
    // A single request larger than the whole cap may go when the window is empty; otherwise it
    // could never run.
    if (spent + points > cap && spent > 0) return false;
    this.windows.set(windowStart, spent + points);
    this.prune(windowStart);
    return true;
  }

  async adjust(windowStart: number, points: number): Promise<void> {
    this.windows.set(windowStart, Math.max(0, (this.windows.get(windowStart) ?? 0) + points));
  }

  async atLeast(windowStart: number, points: number): Promise<void> {
    if ((this.windows.get(windowStart) ?? 0) < points) this.windows.set(windowStart, points);
  }

  async pausedUntil(): Promise<number> {
    return this.paused;
  }

  async pauseUntil(ms: number): Promise<void> {
    this.paused = Math.max(this.paused, ms);
  }

  private prune(current: number): void {
    for (const w of this.windows.keys()) if (w < current - 24 * 3_600_000) this.windows.delete(w);
  }
}

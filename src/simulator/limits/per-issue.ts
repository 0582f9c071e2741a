/**
 * Per-issue write limits: sliding windows of admitted writes per (site, issue id). A write is
 * refused with jira-per-issue-on-write when any window already holds its maximum number of writes
 * to that issue; writes to other issues are unaffected.
 */
import type { PerIssueSettings, PerIssueWindow } from './settings.js';

export interface PerIssueCheck {
  /** When refused: the window that is full and ms until it has room. */
  refused?: { window: PerIssueWindow; waitMs: number };
  /** Records the write; call only when the call is admitted. */
  record(): void;
}

export class PerIssueWindows {
  /** Admission times of recent writes, oldest first, per "cloudId|issueId". */
  private readonly writes = new Map<string, number[]>();
  private calls = 0;

  check(settings: PerIssueSettings, cloudId: string, issueId: string, now: number): PerIssueCheck {
    const longest = Math.max(0, ...settings.windows.map((w) => w.seconds * 1000));
    if (++this.calls % 4096 === 0) this.sweep(now, longest);
    const key = `${cloudId}|${issueId}`;
    const times = (this.writes.get(key) ?? []).filter((t) => t > now - longest);
    let refused: PerIssueCheck['refused'];
    for (const window of settings.windows) {
      const ms = window.seconds * 1000;
      const inWindow = times.filter((t) => t > now - ms);
      if (inWindow.length < window.writes) continue;
      // The window has room again once enough of its oldest writes have aged out.
      const freeAt = inWindow[inWindow.length - window.writes]! + ms;
      const waitMs = freeAt - now;
      if (!refused || waitMs > refused.waitMs) refused = { window, waitMs };
    }
    if (times.length > 0) this.writes.set(key, times);
    else this.writes.delete(key);
    const result: PerIssueCheck = {
      record: () => {
        times.push(now);
        // Calls stamped by a real clock can finish admission slightly out of order.
        if (times.length > 1 && times[times.length - 2]! > now) times.sort((a, b) => a - b);
        const keep = Math.max(0, ...settings.windows.map((w) => w.writes));
        if (times.length > keep) times.splice(0, times.length - keep);
        this.writes.set(key, times);
      },
    };
    if (refused) result.refused = refused;
    return result;
  }

  private sweep(now: number, longest: number): void {
    for (const [key, times] of this.writes) {
      if (times.length === 0 || times[times.length - 1]! <= now - longest) this.writes.delete(key);
    }
  }

  get size(): number {
    return this.writes.size;
  }

  reset(): void {
    this.writes.clear();
    this.calls = 0;
  }
}

/**
 * The hourly points rule of the RateGovernor as a pure function: how long spending `points` more
 * takes from `now` when at most `cap` points may be spent per UTC hour, optionally spread over the
 * hour (at any moment at most cap × (elapsed share + initialShare) spent). Shared by the governor's
 * ETAs and the restore planner's, so both follow the rule the governor enforces.
 */
import { utcHourStart } from '../../core/index.js';

const HOUR = 3_600_000;

export interface SpendRule {
  /** Most points per UTC hour. */
  cap: number;
  /** Spread spending over the hour (the governor's default). */
  spread: boolean;
  /** Share of the cap available at the top of the hour when spreading. */
  initialShare: number;
}

/** Milliseconds from `now` until `points` more may have been spent, `spent` being this hour's spending so far. */
export function timeToSpendPoints(rule: SpendRule, points: number, now: number, spent: number): number {
  const { cap } = rule;
  if (!(cap > 0)) return Infinity;
  let hour = utcHourStart(now);
  let left = points;
  let t = now;
  for (let guard = 0; left > 0 && guard < 100_000; guard++) {
    const end = hour + HOUR;
    // What this hour still allows by its end.
    const capacity = Math.max(0, cap - spent);
    if (capacity >= left) {
      if (!rule.spread) return t - now;
      // allowance(x) = cap × (elapsed share + initialShare), capped at cap.
      const needShare = (spent + left) / cap - rule.initialShare;
      const at = Math.max(t, hour + Math.ceil(needShare * HOUR));
      return Math.min(at, end) - now;
    }
    left -= capacity;
    hour = end;
    t = end;
    spent = 0;
  }
  return t - now;
}

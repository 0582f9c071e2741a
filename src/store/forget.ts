/**
 * Retention (docs/design.md §6.13): which snapshots a policy keeps, per group of labels. The rules
 * follow restic's `forget` semantics, evaluated in UTC.
 */
import { TidemarkError } from '../core/index.js';
import type { Repository } from './repository.js';
import { type Snapshot, newestFirst } from './snapshot.js';

/** A calendar duration: years, months, days, hours (like restic's `1y5m7d2h`). */
export interface CalendarDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

/** Counts: a number of periods, or -1 for unlimited. */
export interface RetentionPolicy {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  within?: CalendarDuration;
  withinHourly?: CalendarDuration;
  withinDaily?: CalendarDuration;
  withinWeekly?: CalendarDuration;
  withinMonthly?: CalendarDuration;
  withinYearly?: CalendarDuration;
}

export interface PolicyDecision {
  snapshot: Snapshot;
  keep: boolean;
  /** Why it is kept: `last`, `daily`, `oldest daily`, `within 7d`, … */
  reasons: string[];
}

export function parseDuration(text: string): CalendarDuration {
  const m = /^(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)d)?(?:(\d+)h)?$/.exec(text.trim());
  if (!m || text.trim() === '') {
    throw new TidemarkError('usage', `not a duration: ${JSON.stringify(text)}`, {
      hint: 'Use years, months, days and hours, e.g. 1y6m, 30d or 2d12h.',
    });
  }
  return { years: Number(m[1] ?? 0), months: Number(m[2] ?? 0), days: Number(m[3] ?? 0), hours: Number(m[4] ?? 0) };
}

export function formatDuration(d: CalendarDuration): string {
  return (
    `${d.years ? `${d.years}y` : ''}${d.months ? `${d.months}m` : ''}${d.days ? `${d.days}d` : ''}${d.hours ? `${d.hours}h` : ''}` ||
    '0h'
  );
}

const isZero = (d: CalendarDuration | undefined) =>
  !d || (d.years === 0 && d.months === 0 && d.days === 0 && d.hours === 0);

/** `from` minus a calendar duration, in UTC (months and days overflow as in Go's AddDate). */
export function subtractDuration(from: number, d: CalendarDuration): number {
  const t = new Date(from);
  return (
    Date.UTC(
      t.getUTCFullYear() - d.years,
      t.getUTCMonth() - d.months,
      t.getUTCDate() - d.days,
      t.getUTCHours(),
      t.getUTCMinutes(),
      t.getUTCSeconds(),
      t.getUTCMilliseconds(),
    ) -
    d.hours * 3_600_000
  );
}

export function policyIsEmpty(p: RetentionPolicy): boolean {
  return (
    !p.last &&
    !p.hourly &&
    !p.daily &&
    !p.weekly &&
    !p.monthly &&
    !p.yearly &&
    [p.within, p.withinHourly, p.withinDaily, p.withinWeekly, p.withinMonthly, p.withinYearly].every(isZero)
  );
}

/** ISO 8601 week-numbering year and week, as YYYYWW. */
export function isoYearWeek(ms: number): number {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  // the Thursday of this week decides the year
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return year * 100 + week;
}

type Bucketer = (ms: number, nr: number) => number;
const byHour: Bucketer = (ms) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 1_000_000 + (d.getUTCMonth() + 1) * 10_000 + d.getUTCDate() * 100 + d.getUTCHours();
};
const byDay: Bucketer = (ms) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
};
const byWeek: Bucketer = (ms) => isoYearWeek(ms);
const byMonth: Bucketer = (ms) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
};
const byYear: Bucketer = (ms) => new Date(ms).getUTCFullYear();
const always: Bucketer = (_ms, nr) => nr;

/**
 * Applies a policy to one group of snapshots. Newest first, each snapshot is kept when:
 * it is younger than `within` relative to the newest snapshot that is not in the future; or, for a
 * counted rule with periods left, it is the first (newest) of its period — or the oldest snapshot
 * of the group while periods are left; or, for a `within-<period>` rule, it is the newest of its
 * period and younger than the duration.
 */
export function applyPolicy(snapshots: readonly Snapshot[], policy: RetentionPolicy, now: number): PolicyDecision[] {
  const list = [...snapshots].sort(newestFirst);
  if (list.length === 0) return [];
  if (policyIsEmpty(policy)) return list.map((snapshot) => ({ snapshot, keep: true, reasons: ['policy is empty'] }));
  const counted: Array<{ count: number; bucket: Bucketer; last: number | undefined; reason: string }> = [
    { count: policy.last ?? 0, bucket: always, last: undefined, reason: 'last' },
    { count: policy.hourly ?? 0, bucket: byHour, last: undefined, reason: 'hourly' },
    { count: policy.daily ?? 0, bucket: byDay, last: undefined, reason: 'daily' },
    { count: policy.weekly ?? 0, bucket: byWeek, last: undefined, reason: 'weekly' },
    { count: policy.monthly ?? 0, bucket: byMonth, last: undefined, reason: 'monthly' },
    { count: policy.yearly ?? 0, bucket: byYear, last: undefined, reason: 'yearly' },
  ];
  const withins: Array<{
    within: CalendarDuration | undefined;
    bucket: Bucketer;
    last: number | undefined;
    reason: string;
  }> = [
    { within: policy.withinHourly, bucket: byHour, last: undefined, reason: 'hourly within' },
    { within: policy.withinDaily, bucket: byDay, last: undefined, reason: 'daily within' },
    { within: policy.withinWeekly, bucket: byWeek, last: undefined, reason: 'weekly within' },
    { within: policy.withinMonthly, bucket: byMonth, last: undefined, reason: 'monthly within' },
    { within: policy.withinYearly, bucket: byYear, last: undefined, reason: 'yearly within' },
  ];
  const times = list.map((s) => Date.parse(s.time));
  const latest = Math.max(0, ...times.filter((t) => t < now));

  return list.map((snapshot, nr) => {
    const t = times[nr]!;
    const reasons: string[] = [];
    if (!isZero(policy.within) && t > subtractDuration(latest, policy.within!)) {
      reasons.push(`within ${formatDuration(policy.within!)}`);
    }
    const oldest = nr === list.length - 1;
    for (const b of counted) {
      if (b.count === 0) continue;
      const val = b.bucket(t, nr);
      if (val !== b.last || oldest) {
        reasons.push(val === b.last ? `oldest ${b.reason}` : b.reason);
        b.last = val;
        if (b.count > 0) b.count--;
      }
    }
    for (const b of withins) {
      if (isZero(b.within) || !(t > subtractDuration(latest, b.within!))) continue;
      const val = b.bucket(t, nr);
      if (val !== b.last) {
        reasons.push(`${b.reason} ${formatDuration(b.within!)}`);
        b.last = val;
      }
    }
    return { snapshot, keep: reasons.length > 0, reasons };
  });
}

/** The key of a snapshot's group: the values of the `groupBy` labels (all labels when undefined). */
export function groupKey(s: Snapshot, groupBy: readonly string[] | undefined): string {
  const keys = groupBy ?? Object.keys(s.labels).sort();
  return JSON.stringify(keys.map((k) => [k, s.labels[k] ?? null]));
}

export interface ForgetGroup {
  key: string;
  labels: Record<string, string | null>;
  decisions: PolicyDecision[];
  /** Checkpoints removed because the group has a newer complete snapshot. */
  obsoleteCheckpoints: Snapshot[];
}

export interface ForgetResult {
  groups: ForgetGroup[];
  removed: string[];
  dryRun: boolean;
}

/**
 * Applies a policy to every group and deletes the snapshots it does not keep (under an exclusive
 * lock). Checkpoints never count toward a rule; they are removed once their group has a newer
 * complete snapshot.
 */
export async function forget(
  repo: Repository,
  policy: RetentionPolicy,
  options: { groupBy?: readonly string[]; dryRun?: boolean; filter?: Record<string, string> } = {},
): Promise<ForgetResult> {
  if (policyIsEmpty(policy)) {
    throw new TidemarkError('usage', 'no retention rule given; forget would keep everything', {
      hint: 'Give at least one --keep-* option, e.g. --keep-daily 7.',
    });
  }
  const run = async (): Promise<ForgetResult> => {
    const snapshots = await repo.listSnapshots(options.filter ?? {});
    const groups = new Map<string, Snapshot[]>();
    for (const s of snapshots) {
      const k = groupKey(s, options.groupBy);
      groups.set(k, [...(groups.get(k) ?? []), s]);
    }
    const result: ForgetResult = { groups: [], removed: [], dryRun: options.dryRun ?? false };
    for (const [key, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const complete = members.filter((s) => s.incomplete === undefined);
      const newestComplete = Math.max(-Infinity, ...complete.map((s) => Date.parse(s.time)));
      const obsoleteCheckpoints = members.filter(
        (s) => s.incomplete !== undefined && Date.parse(s.time) < newestComplete,
      );
      const decisions = applyPolicy(complete, policy, repo.clock.now());
      const labels = Object.fromEntries(JSON.parse(key) as Array<[string, string | null]>);
      result.groups.push({ key, labels, decisions, obsoleteCheckpoints });
      for (const d of decisions) if (!d.keep) result.removed.push(d.snapshot.id);
      for (const c of obsoleteCheckpoints) result.removed.push(c.id);
    }
    if (!result.dryRun) for (const id of result.removed) await repo.backend.delete(`snapshots/${id}`);
    return result;
  };
  return options.dryRun ? run() : repo.withLock(true, run);
}

/** Deletes the given snapshots (ids or unique prefixes) under an exclusive lock. */
export async function forgetSnapshots(repo: Repository, ids: readonly string[], dryRun = false): Promise<string[]> {
  const run = async () => {
    const full: string[] = [];
    for (const id of ids) full.push((await repo.loadSnapshot(id)).id);
    if (!dryRun) for (const id of full) await repo.backend.delete(`snapshots/${id}`);
    return full;
  };
  return dryRun ? run() : repo.withLock(true, run);
}

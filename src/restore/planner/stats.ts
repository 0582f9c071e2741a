/**
 * A plan's statistics (PlanStats): entities by kind, writes, reads, points by the cost model
 * (src/jira/cost.ts: writes 1 point, reads 1 + objects), and the ETA. Issue creates are counted as
 * the executor sends them: the creates that become ready together (same depth of the parent chain)
 * go 50 to a bulk request.
 *
 * The ETA is the largest of four bounds, each derived from a limit the RateGovernor enforces
 * (src/jira/governor, with its defaults) or from the executor's scheduling:
 * - the busiest issue: its steps run one at a time, each request takes `requestMs`, and its writes
 *   follow the per-issue windows exactly as the governor paces them (20 / 2 s, 100 / 30 s at 90%);
 * - slots: the executor runs `concurrency` steps at once, and a step holds its slot while it waits
 *   for its issue's window, so the sum of the issues' paced times is shared by that many slots;
 * - burst: each endpoint's requests at 95% of its documented steady rate (endpoints in parallel);
 * - quota: the time until the governor's hourly rule (cap, spread over the hour from 20% at its top,
 *   what this hour has spent) allows the plan's points, starting at `startAt`.
 */
import { estimatePoints } from '../../jira/cost.js';
import { GOVERNOR_DEFAULTS, PER_ISSUE_LIMITS, documentedRate } from '../../jira/governor/rates.js';
import { timeToSpendPoints } from '../../jira/governor/spend.js';
import { BULK_CREATE_MAX, type PlanStats, type Step, type StepKind } from '../plan.js';

export interface QuotaSpec {
  /** Points the app may spend per hour on this site. */
  pointsPerHour: number;
  /** Points left in the current hour (default: a full hour). */
  pointsRemaining?: number;
  /** Steps in flight at once (default 32, as the executor: the governor's request concurrency). */
  concurrency?: number;
  /** Time one request takes (default 100 ms). */
  requestMs?: number;
  /** When the run starts (the hour's position decides what the spread quota allows); default: the plan's time. */
  startAt?: number;
  /** Spend the hour's points evenly (the governor's default). */
  spreadOverHour?: boolean;
}

export const DEFAULT_QUOTA: Required<Pick<QuotaSpec, 'pointsPerHour' | 'concurrency' | 'requestMs'>> = {
  pointsPerHour: 65_000,
  concurrency: GOVERNOR_DEFAULTS.maxConcurrency,
  requestMs: 100,
};

/** Routes of each step kind's requests (their burst rates); kinds not named write with a POST. */
const WRITE_ROUTE: Partial<Record<StepKind, string>> = {
  'issue.create': 'POST /rest/api/3/issue/bulk',
  'issue.edit': 'PUT /rest/api/3/issue/{issueIdOrKey}',
  'issue.transition': 'POST /rest/api/3/issue/{issueIdOrKey}/transitions',
  'attachment.upload': 'POST /rest/api/3/issue/{issueIdOrKey}/attachments',
  'comment.add': 'POST /rest/api/3/issue/{issueIdOrKey}/comment',
  'worklog.add': 'POST /rest/api/3/issue/{issueIdOrKey}/worklog',
  'watcher.add': 'POST /rest/api/3/issue/{issueIdOrKey}/watchers',
  'property.set': 'PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
  'version.update': 'PUT /rest/api/3/version/{id}',
  'rank.order': 'PUT /rest/agile/1.0/issue/rank',
};
const BURST_READ_ROUTE: Partial<Record<StepKind, string>> = {
  'issue.transition': 'GET /rest/api/3/issue/{issueIdOrKey}/transitions',
  'attachment.upload': 'GET /rest/api/3/attachment/content/{id}',
};

/** The read a step makes, by kind, for its points (one object each). */
const READ_ROUTE: Partial<Record<StepKind, string>> = {
  'issue.transition': 'GET /rest/api/3/issue/{issueIdOrKey}/transitions',
  'attachment.upload': 'GET /rest/api/3/attachment/{id}',
};

/** Issues per bulk create request. */
export { BULK_CREATE_MAX };

/** Write requests of the plan's issue creates, sent in bulk by depth of the parent chain. */
export function createRequests(steps: readonly Step[]): number {
  const depth = new Map<string, number>();
  const perDepth = new Map<number, number>();
  for (const s of steps) {
    if (s.kind !== 'issue.create') continue;
    const d = Math.max(-1, ...s.deps.map((x) => depth.get(x) ?? -1)) + 1;
    depth.set(s.id, d);
    perDepth.set(d, (perDepth.get(d) ?? 0) + 1);
  }
  let n = 0;
  for (const count of perDepth.values()) n += Math.ceil(count / BULK_CREATE_MAX);
  return n;
}

/** Steps whose writes are not paced per issue (the path names no single issue). */
const NOT_PER_ISSUE = new Set<StepKind>([
  'issue.create',
  'link.create',
  'sprint.add-issues',
  'rank.order',
  'sprint.create',
  'sprint.update',
]);

/** Writes each per-issue window allows, as the governor aims (floor of 90%). */
const WINDOWS = PER_ISSUE_LIMITS.map((w) => ({
  windowMs: w.windowMs,
  allowed: Math.max(1, Math.floor(w.max * GOVERNOR_DEFAULTS.perIssueUtilisation)),
}));

/**
 * Serial time of one issue's steps (each: writes, reads), one request at a time, each write
 * starting only when every per-issue window has room, as the governor's issueWindowWait decides.
 */
export function pacedIssueMs(steps: ReadonlyArray<{ writes: number; reads: number }>, requestMs: number): number {
  const starts: number[] = [];
  let t = 0;
  for (const s of steps) {
    t += s.reads * requestMs;
    for (let k = 0; k < s.writes; k++) {
      let at = t;
      for (const w of WINDOWS) {
        const before = starts[starts.length - w.allowed];
        if (before !== undefined) at = Math.max(at, before + w.windowMs + 1);
      }
      starts.push(at);
      t = at + requestMs;
    }
  }
  return t;
}

/** Serial time of `writes` writes (and `reads` reads) to one issue under the per-issue windows. */
export function perIssueMs(writes: number, requestMs: number, reads = 0): number {
  return pacedIssueMs([{ writes, reads }], requestMs);
}

/** The bounds the ETA is the largest of (ms), and the counts behind them. */
export interface EtaBounds {
  /** The busiest issue's paced steps, after its create. */
  busiestIssueMs: number;
  /** Every issue's paced time plus the shared steps' requests, over the executor's slots. */
  slotsMs: number;
  /** The busiest endpoint at its burst rate. */
  burstMs: number;
  burstRoute: string;
  /** Until the hourly quota rule allows the plan's points. */
  quotaMs: number;
  writes: number;
  reads: number;
  points: number;
}

export function planStats(
  steps: readonly Step[],
  entities: Record<string, number>,
  fidelity: PlanStats['fidelity'],
  quota: QuotaSpec = DEFAULT_QUOTA,
): PlanStats {
  const b = etaBounds(steps, quota);
  const etaMs = Math.round(Math.max(b.busiestIssueMs, b.slotsMs, b.burstMs, b.quotaMs));
  return {
    entities,
    writes: b.writes,
    reads: b.reads,
    points: b.points,
    etaMs,
    busiestIssueMs: b.busiestIssueMs,
    fidelity,
  };
}

export function etaBounds(steps: readonly Step[], quota: QuotaSpec = DEFAULT_QUOTA): EtaBounds {
  let writes = 0;
  let reads = 0;
  let points = 0;
  const perIssue = new Map<string, Array<{ writes: number; reads: number }>>();
  const perRoute = new Map<string, number>();
  const count = (route: string, n: number): void => {
    if (n > 0) perRoute.set(route, (perRoute.get(route) ?? 0) + n);
  };
  let shared = 0;
  for (const s of steps) {
    const r = s.reads ?? 0;
    if (s.kind !== 'issue.create') {
      writes += s.writes;
      count(WRITE_ROUTE[s.kind] ?? `POST ${s.kind}`, s.writes);
    }
    reads += r;
    count(BURST_READ_ROUTE[s.kind] ?? 'GET /rest/api/3/issue/{issueIdOrKey}', r);
    points += r * estimatePoints(READ_ROUTE[s.kind] ?? 'GET /rest/api/3/issue/{issueIdOrKey}', 1);
    if (s.issue !== undefined && !NOT_PER_ISSUE.has(s.kind)) {
      const list = perIssue.get(s.issue) ?? [];
      list.push({ writes: s.writes, reads: r });
      perIssue.set(s.issue, list);
    } else if (s.kind !== 'issue.create') shared += s.writes + r;
  }
  const creates = createRequests(steps);
  writes += creates;
  shared += creates;
  count(WRITE_ROUTE['issue.create']!, creates);
  points += writes;
  const requestMs = quota.requestMs ?? DEFAULT_QUOTA.requestMs;
  const concurrency = Math.max(1, quota.concurrency ?? DEFAULT_QUOTA.concurrency);
  // Every issue waits for its (bulk) create; the deepest subtasks for their parents' too.
  const createMs = requestMs;
  let busiestIssueMs = 0;
  let totalIssueMs = 0;
  for (const list of perIssue.values()) {
    const ms = pacedIssueMs(list, requestMs);
    busiestIssueMs = Math.max(busiestIssueMs, ms);
    totalIssueMs += ms;
  }
  const slotsMs = (totalIssueMs + shared * requestMs) / concurrency;
  let burstMs = 0;
  let burstRoute = '';
  for (const [route, n] of perRoute) {
    const ms = (n / (documentedRate(route) * GOVERNOR_DEFAULTS.burstUtilisation)) * 1000;
    if (ms > burstMs) [burstMs, burstRoute] = [ms, route];
  }
  const startAt = quota.startAt ?? 0;
  const spent = Math.max(0, quota.pointsPerHour - (quota.pointsRemaining ?? quota.pointsPerHour));
  const rule = {
    cap: quota.pointsPerHour,
    spread: quota.spreadOverHour ?? GOVERNOR_DEFAULTS.spreadOverHour,
    initialShare: GOVERNOR_DEFAULTS.initialShare,
  };
  const quotaMs = timeToSpendPoints(rule, points, startAt, spent);
  busiestIssueMs += createMs;
  return { busiestIssueMs, slotsMs, burstMs, burstRoute, quotaMs, writes, reads, points };
}

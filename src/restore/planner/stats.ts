/**
 * A plan's statistics (PlanStats): entities by kind, writes, reads, points by the cost model
 * (src/jira/cost.ts: writes 1 point, reads 1 + objects), and the ETA under the points quota, the
 * burst rate and the per-issue write limits (src/jira/governor/rates.ts, aimed at 90%) with many
 * issues in flight. Issue creates are counted as the executor sends them: the creates that become
 * ready together (same depth of the parent chain) go 50 to a bulk request.
 */
import { estimatePoints } from '../../jira/cost.js';
import { DEFAULT_METHOD_RATES, PER_ISSUE_LIMITS } from '../../jira/governor/rates.js';
import type { PlanStats, Step, StepKind } from '../plan.js';

export interface QuotaSpec {
  /** Points the app may spend per hour on this site. */
  pointsPerHour: number;
  /** Points left in the current hour (default: a full hour). */
  pointsRemaining?: number;
  /** Issues written in parallel (default 16, as the executor). */
  concurrency?: number;
  /** Time one write request takes (default 100 ms). */
  requestMs?: number;
}

export const DEFAULT_QUOTA: Required<Omit<QuotaSpec, 'pointsRemaining'>> = {
  pointsPerHour: 65_000,
  concurrency: 16,
  requestMs: 100,
};

/** The share of each documented limit the governor aims at. */
const AIM = 0.9;

/** The read a step makes, by kind, for its points (one object each). */
const READ_ROUTE: Partial<Record<StepKind, string>> = {
  'issue.transition': 'GET /rest/api/3/issue/{issueIdOrKey}/transitions',
  'attachment.upload': 'GET /rest/api/3/attachment/{id}',
};

/** Issues per bulk create request. */
export const BULK_CREATE_MAX = 50;

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

/** Serial time of `writes` writes (and `reads` reads) to one issue under the per-issue windows (at 90%). */
export function perIssueMs(writes: number, requestMs: number, reads = 0): number {
  if (writes <= 0) return reads * requestMs;
  let paced = 0;
  for (const w of PER_ISSUE_LIMITS) {
    const perWindow = Math.max(1, Math.floor(w.max * AIM));
    paced = Math.max(paced, Math.floor((writes - 1) / perWindow) * w.windowMs);
  }
  return Math.max(paced, (writes + reads) * requestMs);
}

export function planStats(
  steps: readonly Step[],
  entities: Record<string, number>,
  fidelity: PlanStats['fidelity'],
  quota: QuotaSpec = DEFAULT_QUOTA,
): PlanStats {
  let writes = 0;
  let reads = 0;
  let points = 0;
  const perIssue = new Map<string, { writes: number; reads: number }>();
  let shared = 0;
  for (const s of steps) {
    if (s.kind !== 'issue.create') writes += s.writes;
    reads += s.reads ?? 0;
    const route = READ_ROUTE[s.kind] ?? 'GET /rest/api/3/issue/{issueIdOrKey}';
    points += (s.reads ?? 0) * estimatePoints(route, 1);
    if (s.issue !== undefined && !NOT_PER_ISSUE.has(s.kind)) {
      const p = perIssue.get(s.issue) ?? { writes: 0, reads: 0 };
      p.writes += s.writes;
      p.reads += s.reads ?? 0;
      perIssue.set(s.issue, p);
    } else if (s.kind !== 'issue.create') shared += s.writes;
  }
  const creates = createRequests(steps);
  writes += creates;
  shared += creates;
  points += writes;
  const requestMs = quota.requestMs ?? DEFAULT_QUOTA.requestMs;
  const concurrency = Math.max(1, quota.concurrency ?? DEFAULT_QUOTA.concurrency);
  let busiestIssueMs = 0;
  let totalIssueMs = 0;
  for (const p of perIssue.values()) {
    const ms = perIssueMs(p.writes, requestMs, p.reads);
    busiestIssueMs = Math.max(busiestIssueMs, ms);
    totalIssueMs += ms;
  }
  const parallelMs = Math.max(busiestIssueMs, (totalIssueMs + shared * requestMs) / concurrency);
  // The burst limit: POST 100/s per site, aimed at 90%.
  const burstMs = ((writes + reads) / ((DEFAULT_METHOD_RATES.POST ?? 100) * AIM)) * 1000;
  const budget = quota.pointsRemaining ?? quota.pointsPerHour;
  const quotaMs = points > budget ? ((points - budget) / (quota.pointsPerHour * AIM)) * 3_600_000 : 0;
  const etaMs = Math.round(Math.max(parallelMs, burstMs) + quotaMs);
  return { entities, writes, reads, points, etaMs, busiestIssueMs, fidelity };
}

/**
 * Restore end to end for the acceptance tests: plan from a snapshot against the live simulated site
 * (the planner's own live reads), apply through the Jira target with a journal, verify, and read
 * the simulator's meter (writes, points, per-issue 429s) and the issues in flight at once.
 */
import type { RateGovernorOptions } from '../../src/jira/index.js';
import { applyPlan, type ApplyReport } from '../../src/restore/executor/executor.js';
import { MemoryJournal } from '../../src/restore/executor/journal.js';
import { JiraLiveState } from '../../src/restore/live.js';
import type { Gap, Mappings, RestoreModeSpec, RestorePlan } from '../../src/restore/plan.js';
import { planRestore, type QuotaSpec } from '../../src/restore/planner/index.js';
import type { Journal, ResolvedStep, RestoreTarget } from '../../src/restore/ports.js';
import { RestoreSource } from '../../src/restore/source.js';
import { JiraTarget } from '../../src/restore/targets/jira.js';
import { verifyRestore, type FidelityReport } from '../../src/restore/verifier/index.js';
import { meterOf } from '../../src/simulator/limits/parts.js';
import type { BackupBench } from './backup-harness.js';
import type { RestoreMaps } from './restore-compare.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Wraps a target to record how many distinct issues had a step in flight at once. */
export class InFlightProbe implements RestoreTarget {
  readonly kind;
  private readonly now = new Set<string>();
  maxIssues = 0;
  applied = 0;
  constructor(private readonly inner: RestoreTarget) {
    this.kind = inner.kind;
  }
  private async track<T>(issues: string[], run: () => Promise<T>): Promise<T> {
    for (const i of issues) this.now.add(i);
    this.maxIssues = Math.max(this.maxIssues, this.now.size);
    try {
      return await run();
    } finally {
      for (const i of issues) this.now.delete(i);
    }
  }
  apply(step: ResolvedStep, read: Parameters<RestoreTarget['apply']>[1]) {
    this.applied += 1;
    return this.track(step.issue ? [step.issue] : [], () => this.inner.apply(step, read));
  }
  applyBatch(steps: ResolvedStep[], read: Parameters<RestoreTarget['apply']>[1]) {
    this.applied += steps.length;
    return this.track(
      steps.flatMap((s) => (s.issue ? [s.issue] : [])),
      () => this.inner.applyBatch!(steps, read),
    );
  }
  reconcile(step: ResolvedStep, ctx?: Parameters<RestoreTarget['reconcile']>[1]) {
    return this.inner.reconcile(step, ctx);
  }
}

export interface RestoreRun {
  plan: RestorePlan;
  report: ApplyReport;
  journal: Journal;
  probe: InFlightProbe;
  /** Meter figures of the apply alone. */
  applied: { writes: number; requests: number; points: number; perIssue429s: number; durationMs: number };
}

export interface PlanOptions {
  /** Restore into this site of the world (default: the bench's own). */
  targetSite?: string;
  mappings?: Partial<Mappings>;
  decisions?: Gap[];
  quota?: QuotaSpec;
  fallbackUser?: string;
}

export async function openSource(bench: BackupBench, snapshot: string): Promise<RestoreSource> {
  return RestoreSource.open(await bench.repo.openSnapshotReader(snapshot));
}

export async function plan(
  bench: BackupBench,
  source: RestoreSource,
  mode: RestoreModeSpec,
  options: PlanOptions = {},
): Promise<RestorePlan> {
  const client = options.targetSite ? bench.clientFor(options.targetSite) : bench.client();
  return planRestore({
    source,
    live: new JiraLiveState(client),
    mode,
    now: bench.clock.now(),
    ...(options.mappings ? { mappings: options.mappings } : {}),
    ...(options.decisions ? { decisions: options.decisions } : {}),
    ...(options.quota ? { quota: options.quota } : {}),
    ...(options.fallbackUser ? { options: { fallbackUser: options.fallbackUser } } : {}),
  });
}

/** Reads that Jira serves on POST (bulk fetches, lists, searches, workflow reads). */
const POST_READS = /bulkfetch|\/list$|\/search|\/jql|\/workflows$|\/workflows\/search/;

/** Whether a metered "METHOD route" is a write (one point, per-issue limits). */
export function isWriteRoute(key: string): boolean {
  return !key.startsWith('GET ') && !POST_READS.test(key);
}

function meterTotals(bench: BackupBench) {
  const c = meterOf(bench.sim).counters();
  let writes = 0;
  let requests = 0;
  for (const [key, v] of Object.entries(c.byEndpoint)) {
    requests += v.requests;
    if (isWriteRoute(key)) writes += v.requests - v.rateLimited;
  }
  return { writes, requests, points: c.totals.points, perIssue429s: c.rateLimited['jira-per-issue-on-write'] ?? 0 };
}

export async function apply(
  bench: BackupBench,
  source: RestoreSource,
  thePlan: RestorePlan,
  options: {
    targetSite?: string;
    journal?: Journal;
    governor?: Partial<RateGovernorOptions>;
    concurrency?: number;
  } = {},
): Promise<RestoreRun> {
  const client = options.targetSite
    ? bench.clientFor(options.targetSite, options.governor)
    : bench.client(options.governor);
  const journal = options.journal ?? new MemoryJournal();
  const probe = new InFlightProbe(new JiraTarget({ client }));
  const before = meterTotals(bench);
  const start = bench.clock.now();
  const report = await applyPlan({
    plan: thePlan,
    target: probe,
    journal,
    readSource: (p) => source.readFile(p),
    clock: bench.clock,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  const after = meterTotals(bench);
  return {
    plan: thePlan,
    report,
    journal,
    probe,
    applied: {
      writes: after.writes - before.writes,
      requests: after.requests - before.requests,
      points: after.points - before.points,
      perIssue429s: after.perIssue429s - before.perIssue429s,
      durationMs: bench.clock.now() - start,
    },
  };
}

export async function verify(
  bench: BackupBench,
  source: RestoreSource,
  run: RestoreRun,
  targetSite?: string,
): Promise<FidelityReport> {
  return verifyRestore({
    plan: run.plan,
    journal: await run.journal.entries(),
    source,
    client: targetSite ? bench.clientFor(targetSite) : bench.client(),
    contentHash: { fetch: bench.sim.inProcessFetch },
  });
}

/** Old → new issue ids, keys and media ids from an apply's outputs and the originals' dumps. */
export function restoreMaps(report: ApplyReport, dumps: Iterable<Obj>): RestoreMaps {
  const maps: RestoreMaps = {
    issues: new Map(),
    keys: new Map(),
    media: new Map(),
    components: new Map(),
    versions: new Map(),
  };
  for (const [step, out] of Object.entries(report.outputs)) {
    const [kind, id] = step.split(':');
    if (kind === 'component' && id && out.id) maps.components!.set(id, out.id);
    if (kind === 'version' && id && out.id) maps.versions!.set(id, out.id);
  }
  for (const d of dumps) {
    const out = report.outputs[`issue:${d.id}`];
    if (!out) continue;
    maps.issues.set(String(d.id), out.id!);
    if (out.key) maps.keys.set(String(d.key), out.key);
    for (const a of (d.attachments ?? []) as Obj[]) {
      const media = report.outputs[`attachment:${d.id}:${a.id}`]?.mediaId;
      if (media && a.mediaId) maps.media.set(String(a.mediaId), media);
    }
  }
  return maps;
}

/** The non-exact items of a fidelity report, as lines (for assertion messages). */
export function problems(report: FidelityReport, outcome: 'mismatch' | 'notRestorable' = 'mismatch'): string[] {
  return report.items
    .filter((i) => i.outcome === outcome)
    .map((i) =>
      `${i.kind} ${i.issueKey ?? ''} ${i.id}: ${i.reason ?? ''} ${JSON.stringify(i.diffs ?? [])}`.slice(0, 400),
    );
}

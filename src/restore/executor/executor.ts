/**
 * The restore executor (docs/design.md §9.4): applies a plan's steps to a RestoreTarget in
 * dependency order, many issues at once but the steps of one issue one at a time, journaling each
 * step (`started`, then `done` / `failed`) before and after its writes.
 *
 * Resumption: `done` steps are skipped and their outputs feed Refs; a step `started` without an
 * outcome (or failed in a way that may have reached Jira: network, server) is reconciled first —
 * the target looks for what it wrote — and only applied when nothing is found; other failed steps
 * are retried. A failed step fails only the steps that depend on it (journaled `skipped`).
 * Consecutive ready `issue.create` steps go to the target's `applyBatch` (≤ 50) when it has one.
 */
import {
  nullSink,
  systemClock,
  TidemarkError,
  toTidemarkError,
  type Clock,
  type ProgressSink,
} from '../../core/index.js';
import { GOVERNOR_DEFAULTS } from '../../jira/governor/rates.js';
import {
  assertDecided,
  BULK_CREATE_MAX,
  checkOrder,
  PLAN_FORMAT,
  type RestorePlan,
  type Step,
  type StepKind,
} from '../plan.js';
import type { Journal, JournalEntry, ReadSource, ResolvedStep, RestoreTarget, StepOutputs } from '../ports.js';
import { refsOf, resolveStep } from './refs.js';

export interface ApplyOptions {
  plan: RestorePlan;
  target: RestoreTarget;
  journal: Journal;
  readSource: ReadSource;
  progress?: ProgressSink;
  /**
   * Steps (or bulk-create batches) in flight at once. Default: as many requests as the governor lets
   * fly at once (32) — a step sends one request at a time, and a step whose issue waits for its
   * per-issue window holds its slot, so fewer slots would leave the governor's room unused.
   */
  concurrency?: number;
  signal?: AbortSignal;
  clock?: Clock;
  /** Job name on progress events (default "restore"). */
  job?: string;
}

export interface StepFailure {
  step: string;
  kind: StepKind;
  error: { code: string; message: string };
}

export interface ApplyReport {
  plan: string;
  target: RestoreTarget['kind'];
  /** Steps applied by this run. */
  done: string[];
  /** Steps the journal already had as done (not touched). */
  alreadyDone: string[];
  /** Started steps found on the target and recorded as done without writing again. */
  reconciled: string[];
  failed: StepFailure[];
  /** Steps not run because a dependency failed (or the run was cancelled first). */
  skipped: Array<{ step: string; reason: string }>;
  /** Outputs of every done step (old and new). */
  outputs: Record<string, StepOutputs>;
  /** Requests the target sent in this run (when it counts them). */
  writes: number;
  reads: number;
  cancelled: boolean;
  startedAt: string;
  finishedAt: string;
}

/** Failures that may have happened after Jira applied the write: reconcile before retrying. */
const AMBIGUOUS = new Set(['network', 'server', 'internal', 'cancelled']);
/** The executor's default concurrency (the plan's ETA assumes the same). */
export const DEFAULT_CONCURRENCY: number = GOVERNOR_DEFAULTS.maxConcurrency;

interface JournalState {
  done: Map<string, StepOutputs>;
  /** Steps to reconcile before applying, with what `started` recorded. */
  open: Map<string, { at: string; hint?: Record<string, string> }>;
}

function readJournal(entries: JournalEntry[]): JournalState {
  const done = new Map<string, StepOutputs>();
  const open = new Map<string, { at: string; hint?: Record<string, string> }>();
  for (const e of entries) {
    if (e.event === 'started') open.set(e.step, { at: e.at, ...(e.hint ? { hint: e.hint } : {}) });
    else if (e.event === 'done') {
      done.set(e.step, e.outputs);
      open.delete(e.step);
    } else if (e.event === 'failed' && !AMBIGUOUS.has(e.error.code)) open.delete(e.step);
  }
  for (const id of done.keys()) open.delete(id);
  return { done, open };
}

function checkPlan(plan: RestorePlan): void {
  if (plan.format !== PLAN_FORMAT)
    throw new TidemarkError('usage', `not a restore plan (format ${String(plan.format)}, expected ${PLAN_FORMAT})`);
  assertDecided(plan);
  const problems = checkOrder(plan.steps);
  if (problems.length > 0)
    throw new TidemarkError('usage', `the plan's steps are not in a valid order: ${problems.slice(0, 5).join('; ')}`);
}

export async function applyPlan(options: ApplyOptions): Promise<ApplyReport> {
  const { plan, target, journal, readSource } = options;
  checkPlan(plan);
  const clock = options.clock ?? systemClock;
  const sink = options.progress ?? nullSink;
  const job = options.job ?? 'restore';
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const iso = (): string => new Date(clock.now()).toISOString();
  const startedAt = iso();
  const before = { writes: target.requests?.writes ?? 0, reads: target.requests?.reads ?? 0 };

  const j = readJournal(await journal.entries());
  const outputs = new Map<string, StepOutputs>(j.done);
  const report: ApplyReport = {
    plan: plan.id,
    target: target.kind,
    done: [],
    alreadyDone: [],
    reconciled: [],
    failed: [],
    skipped: [],
    outputs: {},
    writes: 0,
    reads: 0,
    cancelled: false,
    startedAt,
    finishedAt: startedAt,
  };

  // Dependencies: declared ones plus every step a Ref names.
  const index = new Map(plan.steps.map((s, i) => [s.id, i]));
  const deps = plan.steps.map((s) => [...new Set([...s.deps, ...refsOf(s.payload)])]);
  for (const [i, ds] of deps.entries())
    for (const d of ds)
      if (!index.has(d)) throw new TidemarkError('usage', `step ${plan.steps[i]!.id} refers to unknown step ${d}`);
  const dependents = plan.steps.map(() => [] as number[]);
  const remaining = deps.map((ds) => ds.length);
  for (const [i, ds] of deps.entries()) for (const d of ds) dependents[index.get(d)!]!.push(i);
  const state: Array<'pending' | 'running' | 'done' | 'failed' | 'skipped'> = plan.steps.map(() => 'pending');

  // Progress: totals per step kind from the plan.
  const totals = new Map<StepKind, number>();
  const finished = new Map<StepKind, number>();
  for (const s of plan.steps) totals.set(s.kind, (totals.get(s.kind) ?? 0) + 1);
  sink.emit({
    type: 'start',
    job,
    at: clock.now(),
    estimate: { items: plan.steps.length, points: plan.stats.points, durationMs: plan.stats.etaMs },
  });
  const phased = new Set<StepKind>();
  const phaseStarted = (kind: StepKind): void => {
    if (phased.has(kind)) return;
    phased.add(kind);
    sink.emit({ type: 'phase', job, phase: kind, at: clock.now(), total: totals.get(kind)!, unit: 'steps' });
  };
  const advanced = (kind: StepKind): void => {
    phaseStarted(kind);
    const n = (finished.get(kind) ?? 0) + 1;
    finished.set(kind, n);
    sink.emit({
      type: 'progress',
      job,
      phase: kind,
      at: clock.now(),
      done: n,
      total: totals.get(kind)!,
      unit: 'steps',
    });
  };

  // Ready steps, kept in plan order.
  const ready: number[] = [];
  const makeReady = (i: number): void => {
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ready[mid]! < i) lo = mid + 1;
      else hi = mid;
    }
    ready.splice(lo, 0, i);
  };
  let floorIssueId = 0;
  const noteOutputs = (step: Step, out: StepOutputs): void => {
    outputs.set(step.id, out);
    if (step.kind === 'issue.create' && out.id && /^\d+$/.test(out.id))
      floorIssueId = Math.max(floorIssueId, Number(out.id));
  };
  const succeed = (i: number): void => {
    state[i] = 'done';
    for (const d of dependents[i]!) if (--remaining[d]! === 0 && state[d] === 'pending') makeReady(d);
  };
  const skipDependents = async (i: number, why: string): Promise<void> => {
    const stack = [...dependents[i]!];
    const entries: Promise<void>[] = [];
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (state[d] !== 'pending') continue;
      state[d] = 'skipped';
      const s = plan.steps[d]!;
      const reason = `dependency ${why} failed`;
      report.skipped.push({ step: s.id, reason });
      entries.push(journal.append({ step: s.id, event: 'skipped', at: iso(), reason }));
      advanced(s.kind);
      stack.push(...dependents[d]!);
    }
    await Promise.all(entries);
  };
  const fail = async (i: number, e: unknown): Promise<void> => {
    const s = plan.steps[i]!;
    const err = toTidemarkError(e);
    state[i] = 'failed';
    const error = { code: err.kind, message: err.message };
    report.failed.push({ step: s.id, kind: s.kind, error });
    await journal.append({ step: s.id, event: 'failed', at: iso(), error });
    sink.emit({
      type: 'warning',
      job,
      at: clock.now(),
      message: `step ${s.id} failed: ${err.message}`,
      details: { step: s.id, kind: s.kind, code: err.kind },
    });
    advanced(s.kind);
    await skipDependents(i, s.id);
  };
  const outputsOf = (id: string): StepOutputs | undefined => outputs.get(id);
  const startedEntry = (s: Step): JournalEntry => ({
    step: s.id,
    event: 'started',
    at: iso(),
    ...(s.kind === 'issue.create' && floorIssueId > 0 ? { hint: { floorIssueId: String(floorIssueId) } } : {}),
  });

  // Steps the journal has as done; the rest become ready once their dependencies are done.
  for (const [i, s] of plan.steps.entries()) {
    const out = j.done.get(s.id);
    if (!out) continue;
    state[i] = 'done';
    report.alreadyDone.push(s.id);
    noteOutputs(s, out);
    advanced(s.kind);
  }
  for (const [i, ds] of deps.entries()) {
    remaining[i] = ds.filter((d) => !j.done.has(d)).length;
    if (state[i] === 'pending' && remaining[i] === 0) makeReady(i);
  }

  /** Reconciles a started step; true when the target already holds its result. */
  const reconcile = async (i: number, resolved: ResolvedStep): Promise<boolean> => {
    const open = j.open.get(resolved.id);
    if (!open) return false;
    const found = await target.reconcile(resolved, { startedAt: open.at, ...(open.hint ? { hint: open.hint } : {}) });
    if (!found) return false;
    await journal.append({ step: resolved.id, event: 'done', at: iso(), outputs: found });
    noteOutputs(plan.steps[i]!, found);
    report.reconciled.push(resolved.id);
    advanced(resolved.kind);
    succeed(i);
    return true;
  };

  const runOne = async (i: number): Promise<void> => {
    const step = plan.steps[i]!;
    phaseStarted(step.kind);
    try {
      const resolved = resolveStep(step, outputsOf);
      if (await reconcile(i, resolved)) return;
      await journal.append(startedEntry(step));
      const out = await target.apply(resolved, readSource);
      await journal.append({ step: step.id, event: 'done', at: iso(), outputs: out });
      noteOutputs(step, out);
      report.done.push(step.id);
      advanced(step.kind);
      succeed(i);
    } catch (e) {
      await fail(i, e);
    }
  };

  const runBatch = async (batch: number[]): Promise<void> => {
    const resolved: Array<{ i: number; step: ResolvedStep }> = [];
    for (const i of batch) {
      try {
        resolved.push({ i, step: resolveStep(plan.steps[i]!, outputsOf) });
      } catch (e) {
        await fail(i, e);
      }
    }
    if (resolved.length === 0) return;
    phaseStarted('issue.create');
    await Promise.all(resolved.map((r) => journal.append(startedEntry(plan.steps[r.i]!))));
    let outcomes;
    try {
      outcomes = await target.applyBatch!(
        resolved.map((r) => r.step),
        readSource,
      );
    } catch (e) {
      for (const r of resolved) await fail(r.i, e);
      return;
    }
    for (const [n, r] of resolved.entries()) {
      const o = outcomes[n];
      if (o?.ok) {
        await journal.append({ step: r.step.id, event: 'done', at: iso(), outputs: o.outputs });
        noteOutputs(plan.steps[r.i]!, o.outputs);
        report.done.push(r.step.id);
        advanced('issue.create');
        succeed(r.i);
      } else
        await fail(r.i, o ? o.error : new TidemarkError('internal', 'the bulk create gave no answer for this step'));
    }
  };

  const running = new Set<Promise<void>>();
  const busy = new Set<string>();
  const launch = (work: () => Promise<void>, issues: string[]): void => {
    for (const k of issues) busy.add(k);
    const p: Promise<void> = work().finally(() => {
      for (const k of issues) busy.delete(k);
      running.delete(p);
    });
    running.add(p);
  };
  const fill = (): void => {
    const batch: number[] = [];
    const batchIssues: string[] = [];
    for (let r = 0; r < ready.length && running.size < concurrency;) {
      const i = ready[r]!;
      const s = plan.steps[i]!;
      if (s.issue !== undefined && busy.has(s.issue)) {
        r++;
        continue;
      }
      ready.splice(r, 1);
      state[i] = 'running';
      if (s.kind === 'issue.create' && target.applyBatch && !j.open.has(s.id) && batch.length < BULK_CREATE_MAX) {
        batch.push(i);
        if (s.issue !== undefined) {
          batchIssues.push(s.issue);
          busy.add(s.issue);
        }
        continue;
      }
      launch(() => runOne(i), s.issue !== undefined ? [s.issue] : []);
    }
    if (batch.length === 1) launch(() => runOne(batch[0]!), batchIssues);
    else if (batch.length > 1) launch(() => runBatch(batch), batchIssues);
  };

  while (true) {
    if (options.signal?.aborted) report.cancelled = true;
    if (!report.cancelled) fill();
    if (running.size === 0) break;
    await Promise.race(running);
  }
  for (const [i, s] of plan.steps.entries())
    if (state[i] === 'pending')
      report.skipped.push({ step: s.id, reason: report.cancelled ? 'cancelled' : 'dependency not done' });

  for (const s of plan.steps) {
    const out = outputs.get(s.id);
    if (out) report.outputs[s.id] = out;
  }
  report.writes = (target.requests?.writes ?? 0) - before.writes;
  report.reads = (target.requests?.reads ?? 0) - before.reads;
  report.finishedAt = iso();
  sink.emit({
    type: 'done',
    job,
    at: clock.now(),
    summary: {
      done: report.done.length,
      alreadyDone: report.alreadyDone.length,
      reconciled: report.reconciled.length,
      failed: report.failed.length,
      skipped: report.skipped.length,
      writes: report.writes,
      cancelled: report.cancelled,
    },
  });
  return report;
}

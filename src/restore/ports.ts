/**
 * The narrow ports of the restore engine (docs/design.md §9). The planner reads a snapshot
 * (`SnapshotReader`, from the store) and the live target (`LiveState`); the executor writes through
 * a `RestoreTarget` and records a `Journal`; the verifier reads the target back (`LiveState`).
 * Implementations: `live.ts` (LiveState through a JiraClient), `targets/jira.ts` and
 * `targets/dry-run.ts` (RestoreTarget), `executor/journal.ts` (Journal on a JSON-lines file).
 */
import type { Step } from './plan.js';

type Json = Record<string, unknown>;

/** A step whose Refs are all resolved: every value in `payload` is final. */
export interface ResolvedStep extends Omit<Step, 'payload'> {
  payload: Json;
}

/** The outputs a step produced (`id`, `key`, `mediaId`, …), all strings. */
export type StepOutputs = Record<string, string>;

/** Bytes of a snapshot file, for `attachment.upload` (from `step.source.path`). */
export type ReadSource = (path: string[]) => AsyncIterable<Uint8Array>;

/**
 * Where a plan is written. `apply` performs one step and answers its outputs. `reconcile` looks on
 * the target for what a step would have written (a step that was started but has no outcome in
 * the journal) and answers its outputs when found, undefined when the step left nothing.
 */
export interface RestoreTarget {
  readonly kind: 'jira' | 'dry-run';
  apply(step: ResolvedStep, readSource: ReadSource): Promise<StepOutputs>;
  reconcile(step: ResolvedStep, context?: ReconcileContext): Promise<StepOutputs | undefined>;
  /**
   * Optional: several `issue.create` steps in one request (`POST /issue/bulk`, ≤ 50). Answers one
   * outcome per step, in order; a request-level failure throws.
   */
  applyBatch?(steps: ResolvedStep[], readSource: ReadSource): Promise<BatchOutcome[]>;
  /** Requests sent so far (write and read), for the report. */
  readonly requests?: { writes: number; reads: number };
}

/** What the executor knows about a started step when it asks the target to reconcile it. */
export interface ReconcileContext {
  /** When the step was started (ISO), from the journal. */
  startedAt?: string;
  /** Hints recorded with `started` (e.g. `floorIssueId`: the highest target issue id known then). */
  hint?: Record<string, string>;
}

export type BatchOutcome = { ok: true; outputs: StepOutputs } | { ok: false; error: Error };

export type JournalEntry =
  | { step: string; event: 'started'; at: string; hint?: Record<string, string> }
  | { step: string; event: 'done'; at: string; outputs: StepOutputs }
  | { step: string; event: 'failed'; at: string; error: { code: string; message: string } }
  | { step: string; event: 'skipped'; at: string; reason: string };

/** Append-only record of a plan's application (§9.4). */
export interface Journal {
  /** Every entry so far, in order (after a crash: what reached the disk). */
  entries(): Promise<JournalEntry[]>;
  append(entry: JournalEntry): Promise<void>;
  close(): Promise<void>;
}

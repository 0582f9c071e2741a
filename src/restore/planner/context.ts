/**
 * The planner's working state: inputs, the mappings in force, which source issues the plan
 * recreates or updates, the steps so far, and the fidelity tally (what comes back exactly, with
 * provenance, or not at all and why).
 */
import type { Mappings, Provenance, Ref, RestoreModeSpec, Step, StepKind } from '../plan.js';
import type { LiveState, LiveUser, SiteIdentity } from '../live.js';
import type { IssueBundle, RestoreSource } from '../source.js';
import type { FieldDef, ValueMapper } from './fields.js';
import type { Workflows } from './workflows.js';

type Json = Record<string, unknown>;

export type Fidelity = 'exact' | 'provenance' | 'notRestorable';

export class FidelityTally {
  readonly byKind: Record<string, { exact: number; provenance: number; notRestorable: number; reasons: string[] }> = {};

  add(kind: string, how: Fidelity, reason?: string, n = 1): void {
    const k = (this.byKind[kind] ??= { exact: 0, provenance: 0, notRestorable: 0, reasons: [] });
    k[how] += n;
    if (reason && !k.reasons.includes(reason)) k.reasons.push(reason);
  }
}

export interface PlanContext {
  planId: string;
  source: RestoreSource;
  live: LiveState;
  mode: RestoreModeSpec;
  target: SiteIdentity;
  sameSite: boolean;
  caller: LiveUser;
  mappings: Mappings;
  defs: Map<string, FieldDef>;
  /** Source issues the plan creates (source id → bundle), in creation order. */
  created: Map<string, IssueBundle>;
  /** Source issues that exist on the target (source id → target id). */
  existing: Map<string, string>;
  /** Source key → source id, for every created issue (key mentions). */
  createdByKey: Map<string, string>;
  /** Source media id → attachment step id, for every attachment the plan uploads. */
  mediaSteps: Map<string, string>;
  /** Components and versions the plan creates (source id → step id). */
  createdConfig: { components: Map<string, string>; versions: Map<string, string> };
  /** Project step (source project id → step id) when the plan creates the project. */
  projectSteps: Map<string, string>;
  /** The snapshot's workflows: transition paths for estimates. */
  workflows: Workflows;
  steps: Step[];
  fidelity: FidelityTally;
  entities: Record<string, number>;
}

export function addStep(
  ctx: PlanContext,
  step: {
    id: string;
    kind: StepKind;
    deps?: string[];
    issue?: string;
    writes?: number;
    reads?: number;
    payload: Json;
    source?: { path: string[] };
  },
): Step {
  const s: Step = {
    id: step.id,
    kind: step.kind,
    deps: [...new Set(step.deps ?? [])],
    ...(step.issue !== undefined ? { issue: step.issue } : {}),
    writes: step.writes ?? 1,
    ...(step.reads ? { reads: step.reads } : {}),
    payload: step.payload,
    ...(step.source ? { source: step.source } : {}),
  };
  ctx.steps.push(s);
  return s;
}

export function countEntity(ctx: PlanContext, kind: string, n = 1): void {
  ctx.entities[kind] = (ctx.entities[kind] ?? 0) + n;
}

export function ref(step: string, out?: string): Ref {
  return out ? { $ref: step, out } : { $ref: step };
}

/** An issue reference for a payload: a Ref to its create step, or its live id. */
export function issueRef(ctx: PlanContext, sourceId: string): Ref | string | undefined {
  if (ctx.created.has(sourceId)) return ref(`issue:${sourceId}`);
  return ctx.existing.get(sourceId);
}

export function provenance(ctx: PlanContext, step: string, original: Provenance['original']): Provenance {
  return { plan: ctx.planId, step, snapshot: ctx.source.snapshotId, site: ctx.source.site.url, original };
}

export function valueMapper(ctx: PlanContext): ValueMapper {
  return {
    mappings: ctx.mappings,
    sameSite: ctx.sameSite,
    created: (kind, sourceId) => {
      const step = ctx.createdConfig[kind].get(sourceId);
      return step ? ref(step) : undefined;
    },
  };
}

export function userName(u: unknown): string {
  const o = (u ?? {}) as Json;
  return typeof o.displayName === 'string' ? o.displayName : typeof o.accountId === 'string' ? o.accountId : 'unknown';
}

export function accountOf(u: unknown): string | undefined {
  const o = (u ?? {}) as Json;
  return typeof o.accountId === 'string' ? o.accountId : undefined;
}

/**
 * Ref resolution (docs/design.md §9.2): a step's payload may hold `{ $ref, out, prefix?, suffix? }`
 * anywhere — a parent id, a link end, a key mention inside an ADF text node, an inline card URL, a
 * media id in a media node. `resolvePayload` replaces every Ref by its value once the referenced
 * steps are done; `refsOf` lists the steps a payload refers to (implicit dependencies).
 */
import { TidemarkError } from '../../core/index.js';
import { isRef, refValue, type Step } from '../plan.js';
import type { ResolvedStep, StepOutputs } from '../ports.js';

/** Step ids referenced anywhere in a value. */
export function refsOf(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (isRef(value)) into.add(value.$ref);
  else if (Array.isArray(value)) for (const v of value) refsOf(v, into);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) refsOf(v, into);
  return into;
}

/** A deep copy of `value` with every Ref replaced by its value; throws when an output is unknown. */
export function resolveRefs(
  value: unknown,
  outputsOf: (step: string) => StepOutputs | undefined,
  where: string,
): unknown {
  if (isRef(value)) {
    const outputs = outputsOf(value.$ref);
    const v = outputs ? refValue(value, outputs) : undefined;
    if (v === undefined)
      throw new TidemarkError(
        'internal',
        `step ${where} refers to output "${value.out ?? 'id'}" of step ${value.$ref}, which has not produced it`,
      );
    return v;
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, outputsOf, where));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveRefs(v, outputsOf, where);
    return out;
  }
  return value;
}

export function resolveStep(step: Step, outputsOf: (step: string) => StepOutputs | undefined): ResolvedStep {
  return { ...step, payload: resolveRefs(step.payload, outputsOf, step.id) as Record<string, unknown> };
}

/**
 * Steps for issues that still exist on the target: field rollback (only chosen fields whose live
 * value differs from the snapshot, via issue.edit; status via issue.transition) and, for chosen
 * issues, everything editable that differs plus the comments, worklogs, attachments and links the
 * live issue lacks.
 */
import { canonicalJson } from '../../core/index.js';
import type { LiveIssue, ScreenField } from '../live.js';
import type { IssueBundle } from '../source.js';
import { isAdf, rewriteAdf } from './adf.js';
import { addStep, countEntity, valueMapper, type PlanContext } from './context.js';
import { isEmpty, isWritable, toWriteValue, type FieldDef } from './fields.js';
import { adfContext, onlyAllowed, planAttachments, planComments, planTransition, planWorklogs } from './issue-steps.js';

type Json = Record<string, unknown>;

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** A value reduced to what identifies it, for comparing snapshot and live values. */
function comparable(v: unknown): unknown {
  if (isEmpty(v) || v === '') return null;
  if (Array.isArray(v)) return v.map(comparable).sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
  if (typeof v !== 'object' || v === null || isAdf(v)) return v;
  const o = v as Json;
  if (typeof o.accountId === 'string') return o.accountId;
  if (typeof o.groupId === 'string') return o.groupId;
  if (o.originalEstimateSeconds !== undefined || o.remainingEstimateSeconds !== undefined)
    return [o.originalEstimateSeconds ?? null, o.remainingEstimateSeconds ?? null];
  if (o.id !== undefined) return o.child ? [str(o.id), str((o.child as Json).id)] : str(o.id);
  return o;
}

export function differs(a: unknown, b: unknown): boolean {
  return canonicalJson(comparable(a)) !== canonicalJson(comparable(b));
}

/** Resolves chosen field names or ids to field ids. */
export function resolveFields(chosen: string[], defs: Map<string, FieldDef>): string[] {
  return chosen.map((c) => {
    if (defs.has(c) || c === 'status') return c;
    const byName = [...defs.values()].filter((d) => d.name.toLowerCase() === c.toLowerCase());
    return byName.length === 1 ? byName[0]!.id : c;
  });
}

/** issue.edit of `fieldIds` that differ (and a transition when status is among them). */
export function planFieldRestore(
  ctx: PlanContext,
  b: IssueBundle,
  live: LiveIssue,
  fieldIds: Iterable<string>,
  entityKind: 'field' | 'issue-update',
  screen?: Map<string, ScreenField>,
): string[] {
  const src = (b.issue.fields ?? {}) as Json;
  const mapper = valueMapper(ctx);
  const adf = adfContext(ctx);
  const fields: Json = {};
  const deps = new Set<string>();
  let changed = 0;
  let statusChanged = false;
  /** Values the edit screen does not allow (not sent; the verifier reads them from the step). */
  const notRestorable: Record<string, { value: unknown; reason: string }> = {};
  for (const id of fieldIds) {
    if (id === 'status') {
      if (str((src.status as Json | undefined)?.id) !== str((live.fields.status as Json | undefined)?.id))
        statusChanged = true;
      continue;
    }
    const def = ctx.defs.get(id);
    if (!isWritable(id, def) && id !== 'parent') continue;
    if (!differs(src[id], live.fields[id])) continue;
    const target = def?.custom ? (ctx.mappings.fields[id] ?? (ctx.sameSite ? id : undefined)) : id;
    if (!target) {
      ctx.fidelity.add('field', 'notRestorable', `field "${def?.name ?? id}" has no target field`);
      continue;
    }
    if (isEmpty(src[id])) fields[target] = id === 'labels' || id === 'components' || id.endsWith('ersions') ? [] : null;
    else {
      const wv = toWriteValue(id, src[id], def, mapper);
      if (!wv) {
        ctx.fidelity.add('field', 'notRestorable', `field "${def?.name ?? id}": its value has no target`);
        continue;
      }
      const allowed = screen?.get(target)?.allowedValues;
      const checked = allowed ? onlyAllowed(wv.value, new Set(allowed)) : undefined;
      if (checked && checked.refused.length > 0) {
        const name = def?.name ?? id;
        const why = "not allowed for the issue's project and type on the target (its edit screen does not offer it)";
        ctx.fidelity.add('field', 'notRestorable', `field "${name}": a value ${why}`);
        notRestorable[id] = { value: src[id], reason: `field "${name}": ${checked.refused.join(', ')} ${why}` };
        if (checked.value === undefined) continue;
        wv.value = checked.value;
      }
      wv.deps.forEach((d) => deps.add(d));
      if (isAdf(wv.value)) {
        const r = rewriteAdf(wv.value, adf);
        r.deps.forEach((d) => deps.add(d));
        fields[target] = r.doc;
      } else fields[target] = wv.value;
    }
    changed += 1;
    ctx.fidelity.add('field', 'exact');
  }
  const after: string[] = [];
  if (changed > 0) {
    const stepId = `edit:${b.id}`;
    addStep(ctx, {
      id: stepId,
      kind: 'issue.edit',
      deps: [...deps],
      issue: b.id,
      payload: { issue: live.id, fields, ...(Object.keys(notRestorable).length > 0 ? { notRestorable } : {}) },
    });
    countEntity(ctx, entityKind === 'field' ? 'field' : 'issue-update', entityKind === 'field' ? changed : 1);
    after.push(stepId);
  }
  if (statusChanged) {
    const t = planTransition(ctx, b.id, src, [...after], str((live.fields.status as Json | undefined)?.id));
    if (t) {
      countEntity(ctx, 'status');
      after.push(t);
    }
  }
  return after;
}

/** Chosen issue that still exists: differing editable fields, status, missing children. */
export async function planIssueUpdate(ctx: PlanContext, b: IssueBundle, live: LiveIssue): Promise<void> {
  const screen = new Map((await ctx.live.editMeta(live.id)).map((f) => [f.fieldId, f]));
  const editable = new Set(screen.keys());
  const src = (b.issue.fields ?? {}) as Json;
  const ids = [...new Set([...Object.keys(src), ...Object.keys(live.fields)])].filter(
    (id) => id === 'status' || editable.has(ctx.defs.get(id)?.custom ? (ctx.mappings.fields[id] ?? id) : id),
  );
  const after = planFieldRestore(ctx, b, live, ids, 'issue-update', screen);
  const have = (v: unknown, list: string): Set<string> => {
    const o = (v ?? {}) as Json;
    const items = (Array.isArray(v) ? v : (o[list] ?? [])) as Json[];
    return new Set(items.map((x) => str(x.id)));
  };
  const missing = (all: Json[], present: Set<string>): Set<string> =>
    new Set(all.map((x) => str(x.id)).filter((id) => !present.has(id)));
  const attachments = have(live.fields.attachment, '');
  const missingAtt = new Set(b.attachments.map((a) => a.id).filter((id) => !attachments.has(id)));
  if (missingAtt.size > 0) planAttachments(ctx, b, missingAtt);
  planComments(ctx, b, after, missing(b.comments, have(live.fields.comment, 'comments')));
  planWorklogs(ctx, b, after, missing(b.worklogs, have(live.fields.worklog, 'worklogs')));
}

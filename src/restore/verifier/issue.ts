/**
 * Verifies issues: every field value (ids mapped, ADF rewritten), status and resolution, and what
 * Jira cannot set on a re-created issue (key, created, creator) against its `tidemark.provenance`
 * property. Field rollback plans compare only the chosen fields and check that the fields the plan
 * left alone did not change while it ran.
 */
import {
  DERIVED_FIELDS,
  RANK_CUSTOM_TYPE,
  SPRINT_CUSTOM_TYPE,
  decodeFieldValue,
  type FieldInfo,
} from '../../jira/fields.js';
import { PROVENANCE_KEY, type Provenance } from '../plan.js';
import { accountOf, diff, mapFieldValue, normal, sameInstant } from './compare.js';
import { SKIPPED, type Json, type VerifyContext } from './context.js';
import type { FidelityItem, FieldDiff, ReportBuilder } from './report.js';
import type { TargetIssue } from './readback.js';

/** Fields never compared as values: computed, or verified as their own entities (sprints, rank). */
function ignored(info: FieldInfo | undefined, id: string): boolean {
  const custom = info?.schema?.custom;
  return DERIVED_FIELDS.has(id) || custom === SPRINT_CUSTOM_TYPE || custom === RANK_CUSTOM_TYPE || id === 'lastViewed';
}

/** Target field ids the plan writes for an issue (create, edit, transition). */
export function fieldsWritten(ctx: VerifyContext, sourceId: string): Set<string> {
  const out = new Set<string>();
  for (const s of ctx.stepsByIssue.get(sourceId) ?? []) {
    const fields = s.payload.fields;
    if ((s.kind === 'issue.create' || s.kind === 'issue.edit') && fields && typeof fields === 'object')
      for (const k of Object.keys(fields)) out.add(k);
    if (s.kind === 'issue.create') out.add('project').add('issuetype');
    if (s.kind === 'issue.transition') out.add('status').add('resolution');
  }
  return out;
}

interface FieldResult {
  diffs: FieldDiff[];
  /** Fields that differ and that the plan does not write (also in `diffs`). */
  unwritten: string[];
  /** Fields with a value the operator chose to drop. */
  skipped: string[];
}

/** Compares source fields `only` (all when undefined) with the target issue. */
export function compareFields(
  ctx: VerifyContext,
  source: Json,
  target: TargetIssue,
  only?: ReadonlySet<string>,
  written?: ReadonlySet<string>,
): FieldResult {
  const r: FieldResult = { diffs: [], unwritten: [], skipped: [] };
  const sFields = (source.fields ?? {}) as Json;
  const seen = new Set<string>();
  for (const [id, raw] of Object.entries(sFields)) {
    if (only && !only.has(id)) continue;
    const info = ctx.sourceFields.get(id) ?? { id };
    if (ignored(info, id)) continue;
    const tid = ctx.field(id);
    seen.add(tid);
    const expected = mapFieldValue(ctx, info, id, decodeFieldValue(info, raw));
    if (expected === SKIPPED) {
      r.skipped.push(id);
      continue;
    }
    const actual = decodeFieldValue(ctx.targetFields.get(tid) ?? { id: tid }, target.fields[tid]);
    const before = r.diffs.length;
    diff(r.diffs, id, expected, actual);
    if (r.diffs.length > before && written && !written.has(tid)) r.unwritten.push(id);
  }
  if (only) return r;
  // Values the target has that the snapshot had not (a default filled in, a stray edit).
  for (const [tid, raw] of Object.entries(target.fields)) {
    if (seen.has(tid)) continue;
    const info = ctx.targetFields.get(tid) ?? { id: tid };
    if (ignored(info, tid) || tid === 'comment' || tid === 'worklog') continue;
    const actual = decodeFieldValue(info, raw);
    if (normal(actual) === null) continue;
    if (written && !written.has(tid)) r.unwritten.push(tid);
    r.diffs.push({ field: tid, expected: null, actual: normal(actual) });
  }
  return r;
}

/** The provenance property of a target entity, when it names this source entity. */
export function provenanceOf(properties: Json, sourceId: string): Provenance | undefined {
  const p = properties[PROVENANCE_KEY] as Provenance | undefined;
  return p && typeof p === 'object' && p.original && String(p.original.id) === sourceId ? p : undefined;
}

/**
 * Server-set values (key, created, author/creator): equal, or kept in the provenance. Adds what the
 * provenance keeps to `kept`, and what is neither equal nor kept to `diffs`.
 */
export function checkServerSet(
  values: Array<{
    name: keyof Provenance['original'] & string;
    label: string;
    source: unknown;
    target: unknown;
    time?: boolean;
  }>,
  prov: Provenance | undefined,
  kept: string[],
  diffs: FieldDiff[],
  alsoAccept: (name: string, v: unknown) => boolean = () => false,
): void {
  for (const v of values) {
    const equal = v.time ? sameInstant(v.source, v.target) : v.source === v.target;
    if (equal || v.source === undefined || v.source === null) continue;
    const held = prov?.original[v.name];
    const ok = v.time ? sameInstant(held, v.source) : held === v.source || alsoAccept(v.name, held);
    if (ok) kept.push(v.label);
    else
      diffs.push({
        field: prov ? `provenance.${v.name}` : v.label,
        expected: v.source,
        actual: prov ? (held ?? null) : v.target,
      });
  }
}

/** Verifies one issue of a restore (not a field rollback). */
export function verifyIssue(
  ctx: VerifyContext,
  report: ReportBuilder,
  sourceId: string,
  source: Json,
  target: TargetIssue | undefined,
): void {
  const key = typeof source.key === 'string' ? source.key : undefined;
  const base: FidelityItem = { kind: 'issue', id: sourceId, outcome: 'exact', ...(key ? { issueKey: key } : {}) };
  if (!target) {
    const why = ctx.recreates(sourceId)
      ? ctx.whyNot(`issue:${sourceId}`)
      : { outcome: 'mismatch' as const, reason: 'not found on the target' };
    report.add({ ...base, outcome: why.outcome, reason: why.reason });
    return;
  }
  const recreated = String(target.bean.id) !== sourceId || !ctx.sameSite;
  const written = ctx.recreates(sourceId) ? fieldsWritten(ctx, sourceId) : undefined;
  const r = compareFields(ctx, source, target, undefined, written);
  const prov = provenanceOf(target.properties, sourceId);
  const kept: string[] = [];
  const sFields = (source.fields ?? {}) as Json;
  const creator = accountOf(sFields.creator);
  checkServerSet(
    [
      { name: 'key', label: 'key', source: key, target: target.bean.key },
      { name: 'created', label: 'created', source: sFields.created, target: target.fields.created, time: true },
      { name: 'authorAccountId', label: 'creator', source: creator, target: accountOf(target.fields.creator) },
    ],
    recreated ? prov : undefined,
    kept,
    r.diffs,
    (name, v) => name === 'authorAccountId' && typeof creator === 'string' && ctx.map('users', creator) === v,
  );
  // A reporter the target would not let the plan set is kept in the provenance.
  const reporter = r.diffs.findIndex((d) => d.field === 'reporter');
  const original = accountOf(sFields.reporter);
  if (reporter >= 0 && recreated && original && prov?.original.reporterAccountId !== undefined) {
    const held = prov.original.reporterAccountId;
    if (held === original || held === ctx.map('users', original)) {
      r.diffs.splice(reporter, 1);
      r.unwritten = r.unwritten.filter((f) => f !== 'reporter');
      kept.push('reporter');
    }
  }
  // Values the target would not accept on create (the planner knew): not restorable, kept in the provenance.
  // (An edit of an existing issue names them in its step.)
  const refused: Record<string, { reason: string }> = { ...(recreated ? (prov?.original.fields ?? {}) : {}) };
  for (const s of ctx.stepsByIssue.get(sourceId) ?? [])
    if (s.kind === 'issue.edit' && s.payload.notRestorable && typeof s.payload.notRestorable === 'object')
      Object.assign(refused, s.payload.notRestorable);
  for (const [f, why] of Object.entries(refused)) {
    const tid = ctx.field(f);
    r.diffs = r.diffs.filter((d) => d.field !== f && d.field !== tid);
    r.unwritten = r.unwritten.filter((u) => u !== f && u !== tid);
    report.add({
      kind: 'field',
      id: `${sourceId}:${f}`,
      ...(key ? { issueKey: key } : {}),
      target: String(target.bean.id),
      outcome: 'notRestorable',
      reason: why.reason,
    });
  }
  const dropped = r.skipped.map((f) => `${f} (skipped by decision, or not on the target)`);
  report.add({
    ...base,
    target: String(target.bean.id),
    outcome: r.diffs.length > 0 ? 'mismatch' : kept.length > 0 ? 'provenance' : 'exact',
    ...(r.unwritten.length > 0 ? { reason: `the plan does not write ${r.unwritten.join(', ')}` } : {}),
    ...(r.diffs.length > 0 ? { diffs: r.diffs } : {}),
    ...(kept.length > 0 ? { kept } : {}),
    ...(dropped.length > 0 ? { dropped } : {}),
  });
}

/** Field rollback: each chosen field of the issue equals its snapshot value; fields left alone did not change meanwhile. */
export function verifyRollback(
  ctx: VerifyContext,
  report: ReportBuilder,
  sourceId: string,
  source: Json,
  target: TargetIssue | undefined,
  chosen: ReadonlySet<string>,
  untouched: Set<string>,
): void {
  const key = typeof source.key === 'string' ? source.key : undefined;
  const at = key ? { issueKey: key } : {};
  const sFields = (source.fields ?? {}) as Json;
  for (const f of Object.keys(sFields)) if (!chosen.has(f) && !ignored(ctx.sourceFields.get(f), f)) untouched.add(f);
  if (!target) {
    for (const f of chosen)
      report.add({
        kind: 'field',
        id: `${sourceId}:${f}`,
        ...at,
        outcome: 'mismatch',
        reason: 'the issue is not on the target',
      });
    return;
  }
  const r = compareFields(ctx, source, target, chosen);
  for (const f of chosen) {
    const diffs = r.diffs.filter((d) => d.field === f);
    const skipped = r.skipped.includes(f);
    report.add({
      kind: 'field',
      id: `${sourceId}:${f}`,
      ...at,
      target: String(target.bean.id),
      outcome: diffs.length > 0 ? 'mismatch' : skipped ? 'notRestorable' : 'exact',
      ...(diffs.length > 0 ? { diffs } : {}),
      ...(skipped ? { reason: 'its value was skipped by decision, or is not on the target' } : {}),
    });
  }
  // Fields the plan left alone must not have changed since the restore began.
  if (!ctx.startedAt) return;
  const since = Date.parse(ctx.startedAt);
  const histories = (((target.bean.changelog ?? {}) as Json).histories ?? []) as Json[];
  const targetChosen = new Set([...chosen].map((f) => ctx.field(f)));
  for (const h of histories) {
    if (Date.parse(String(h.created)) < since) continue;
    for (const item of (h.items ?? []) as Json[]) {
      const f = String(item.fieldId ?? item.field);
      if (targetChosen.has(f) || chosen.has(f)) continue;
      report.add({
        kind: 'field',
        id: `${sourceId}:${f}`,
        ...at,
        target: String(target.bean.id),
        outcome: 'mismatch',
        reason: 'left alone by the plan, but changed while the restore ran',
        diffs: [{ field: f, expected: item.fromString ?? item.from ?? null, actual: item.toString ?? item.to ?? null }],
      });
    }
  }
}

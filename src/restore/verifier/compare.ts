/**
 * Value comparison for verification: one normalised form for snapshot and target values (times as
 * ISO UTC instants, empty values as null, unordered id lists sorted, volatile members dropped) and
 * the source → target mapping of decoded field values by the field's kind.
 */
import { canonicalJson } from '../../core/index.js';
import { SPRINT_CUSTOM_TYPE, type FieldInfo } from '../../jira/fields.js';
import type { MappingKind } from '../plan.js';
import { SKIPPED, type Json, type VerifyContext } from './context.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** Normal form: null for empty, ISO instants, volatile members (`self`, `localId`) dropped. */
export function normal(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string')
    return ISO.test(v) && !Number.isNaN(Date.parse(v)) ? new Date(Date.parse(v)).toISOString() : v;
  if (Array.isArray(v)) {
    if (v.length === 0) return null;
    const items = v.map(normal);
    return items.every((x) => typeof x === 'string') ? [...(items as string[])].sort() : items;
  }
  if (typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) {
      if (k === 'self' || k === 'localId') continue;
      const n = normal(x);
      if (n !== null) out[k] = n;
    }
    return Object.keys(out).length === 0 ? null : out;
  }
  return v;
}

export const same = (a: unknown, b: unknown): boolean => canonicalJson(normal(a)) === canonicalJson(normal(b));

/** The mapping kind of a field's ids (users, options…), from its id and schema. */
export function mappingKindOf(field: FieldInfo | undefined, id: string): MappingKind | 'issue' | 'sprint' | undefined {
  const s = field?.schema ?? {};
  if (s.custom === SPRINT_CUSTOM_TYPE) return 'sprint';
  switch (id) {
    case 'status':
      return 'statuses';
    case 'priority':
      return 'priorities';
    case 'resolution':
      return 'resolutions';
    case 'issuetype':
      return 'issueTypes';
    case 'project':
      return 'projects';
    case 'parent':
      return 'issue';
    case 'assignee':
    case 'reporter':
    case 'creator':
      return 'users';
    case 'components':
      return 'components';
    case 'fixVersions':
    case 'versions':
      return 'versions';
  }
  const t = s.type === 'array' ? s.items : s.type;
  switch (t) {
    case 'user':
      return 'users';
    case 'group':
      return 'groups';
    case 'option':
    case 'option-with-child':
      return 'options';
    case 'version':
      return 'versions';
    case 'component':
      return 'components';
    case 'project':
      return 'projects';
    case 'priority':
      return 'priorities';
  }
  return undefined;
}

/**
 * A decoded source field value as it should read on the target. Returns SKIPPED when part of it
 * was dropped by an operator's decision (so it cannot be expected).
 */
export function mapFieldValue(
  ctx: VerifyContext,
  field: FieldInfo | undefined,
  id: string,
  value: unknown,
): unknown | typeof SKIPPED {
  if (value === null || value === undefined) return value;
  if (typeof value === 'object' && !Array.isArray(value) && (value as Json).type === 'doc') return ctx.rewrite(value);
  const kind = mappingKindOf(field, id);
  if (!kind) return value;
  let skipped = false;
  const one = (x: unknown): unknown => {
    if (typeof x !== 'string') return x;
    const m = kind === 'issue' ? ctx.targetIssue(x) : kind === 'sprint' ? ctx.sprint(x) : ctx.map(kind, x);
    if (m === SKIPPED || m === undefined) {
      skipped = true;
      return x;
    }
    return m;
  };
  // Two source users may map to one target account (a fallback): a user list holds it once.
  const mapped = Array.isArray(value)
    ? kind === 'users'
      ? [...new Set(value.map(one))]
      : value.map(one)
    : kind === 'options' && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value as Json).map(([k, x]) => [k, one(x)]))
      : one(value);
  return skipped ? SKIPPED : mapped;
}

/** Adds a diff line when two values differ in normal form. */
export function diff(
  out: Array<{ field: string; expected: unknown; actual: unknown }>,
  field: string,
  e: unknown,
  a: unknown,
): void {
  if (!same(e, a)) out.push({ field, expected: normal(e), actual: normal(a) });
}

/** The same instant? (Jira's timestamp forms differ in offset and precision.) */
export function sameInstant(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return a === b;
  return Date.parse(a) === Date.parse(b);
}

/** Properties as an object, from Jira's [{key, value}] list or an object; `omit` left out. */
export function propsObject(list: unknown, omit?: string): Json {
  const out: Json = {};
  if (Array.isArray(list)) for (const p of list as Json[]) out[String(p.key)] = p.value;
  else if (list && typeof list === 'object') Object.assign(out, list);
  if (omit) delete out[omit];
  return out;
}

export const accountOf = (u: unknown): string | undefined =>
  u && typeof u === 'object' && typeof (u as Json).accountId === 'string' ? String((u as Json).accountId) : undefined;

export function visibilityOf(v: unknown): Json | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Json;
  return { type: o.type, value: o.value ?? o.identifier };
}

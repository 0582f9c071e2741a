/**
 * Issue field values, from the snapshot's REST representation to the write representation of the
 * target (docs/design.md §5.15 "Values take the REST shapes"), mapped through the plan's mappings;
 * and the usage walk that tells the mapping step which source items a plan needs.
 */
import type { Mappings, Ref } from '../plan.js';
import type { Usage } from '../mappings.js';
import { isAdf } from './adf.js';

type Json = Record<string, unknown>;

/** Fields the server sets, or that steps other than create/edit restore. */
const NOT_WRITTEN = new Set([
  'created',
  'updated',
  'creator',
  'status',
  'statusCategory',
  'statuscategorychangedate',
  'resolution',
  'resolutiondate',
  'votes',
  'watches',
  'worklog',
  'comment',
  'attachment',
  'issuelinks',
  'subtasks',
  'aggregateprogress',
  'aggregatetimeestimate',
  'aggregatetimeoriginalestimate',
  'aggregatetimespent',
  'progress',
  'workratio',
  'timespent',
  'timeestimate',
  'timeoriginalestimate',
  'lastViewed',
  'issuerestriction',
  'issuekey',
  'thumbnail',
  'project',
  'issuetype',
]);

/** Custom field types that are not written through fields (sprints and rank have their own steps). */
const NOT_WRITTEN_TYPES = [/:gh-sprint$/, /:gh-lexo-rank$/, /:sd-request-feedback/, /:sd-sla-field$/];

/** The JSM Customer Request Type field: written as the request type id (a string). */
export function isRequestTypeField(def: FieldDef | undefined): boolean {
  return /:vp-origin$/.test(def?.schema.custom ?? '');
}

export interface FieldDef {
  id: string;
  name: string;
  custom: boolean;
  schema: { type?: string; items?: string; custom?: string; system?: string };
}

export function fieldDefs(config: Json[]): Map<string, FieldDef> {
  return new Map(
    config.map((f) => [
      String(f.id),
      {
        id: String(f.id),
        name: String(f.name ?? f.id),
        custom: f.custom === true,
        schema: (f.schema ?? {}) as FieldDef['schema'],
      },
    ]),
  );
}

export function isSprintField(def: FieldDef | undefined): boolean {
  return /:gh-sprint$/.test(def?.schema.custom ?? '');
}

export function isRankField(def: FieldDef | undefined): boolean {
  return /:gh-lexo-rank$/.test(def?.schema.custom ?? '');
}

/** Whether a field is restored through issue.create / issue.edit at all. */
export function isWritable(id: string, def: FieldDef | undefined): boolean {
  if (NOT_WRITTEN.has(id)) return false;
  const custom = def?.schema.custom ?? '';
  return !NOT_WRITTEN_TYPES.some((re) => re.test(custom));
}

export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

/** The kind of value a field holds, for mapping. */
type ValueKind = 'user' | 'group' | 'option' | 'cascade' | 'component' | 'version' | 'priority' | 'security' | 'plain';

function kindOf(id: string, def: FieldDef | undefined): { kind: ValueKind; array: boolean } {
  if (id === 'assignee' || id === 'reporter') return { kind: 'user', array: false };
  if (id === 'components') return { kind: 'component', array: true };
  if (id === 'versions' || id === 'fixVersions') return { kind: 'version', array: true };
  if (id === 'priority') return { kind: 'priority', array: false };
  if (id === 'security') return { kind: 'security', array: false };
  const s = def?.schema ?? {};
  const array = s.type === 'array';
  const t = array ? s.items : s.type;
  if (t === 'user') return { kind: 'user', array };
  if (t === 'group') return { kind: 'group', array };
  if (t === 'option-with-child') return { kind: 'cascade', array };
  if (t === 'option') return { kind: 'option', array };
  if (t === 'version') return { kind: 'version', array };
  if (t === 'component') return { kind: 'component', array };
  return { kind: 'plain', array };
}

/** Records the source items one issue's fields use. */
export function collectFieldUsage(fields: Json, defs: Map<string, FieldDef>, usage: Usage, only?: Set<string>): void {
  for (const [id, value] of Object.entries(fields)) {
    if (isEmpty(value) || (only && !only.has(id))) continue;
    const def = defs.get(id);
    if (id === 'issuetype') usage.add('issueTypes', str((value as Json).id), str((value as Json).name));
    if (id === 'status') usage.add('statuses', str((value as Json).id), str((value as Json).name));
    if (id === 'resolution') usage.add('resolutions', str((value as Json).id), str((value as Json).name));
    if (!isWritable(id, def)) continue;
    if (def?.custom) usage.add('fields', id, def.name);
    const { kind, array } = kindOf(id, def);
    for (const v of (array ? value : [value]) as Json[]) {
      if (typeof v !== 'object' || v === null) continue;
      if (kind === 'user') usage.add('users', str(v.accountId), str(v.displayName));
      if (kind === 'group') usage.add('groups', str(v.groupId), str(v.name));
      if (kind === 'option' || kind === 'cascade')
        usage.add('options', str(v.id), `${def?.name ?? id}: ${str(v.value)}`);
      if (kind === 'cascade' && v.child) {
        const c = v.child as Json;
        usage.add('options', str(c.id), `${def?.name ?? id}: ${str(v.value)} / ${str(c.value)}`);
      }
      if (kind === 'component') usage.add('components', str(v.id), str(v.name));
      if (kind === 'version') usage.add('versions', str(v.id), str(v.name));
      if (kind === 'priority') usage.add('priorities', str(v.id), str(v.name));
    }
  }
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** How source ids turn into target values: a target id, a Ref to a creating step, or nothing. */
export interface ValueMapper {
  mappings: Mappings;
  /** Security levels and other unmapped ids are kept only on the same site. */
  sameSite: boolean;
  /** A Ref for a component or version the plan creates. */
  created(kind: 'components' | 'versions', sourceId: string): Ref | undefined;
}

export interface WriteValue {
  value: unknown;
  /** Step ids the value refers to. */
  deps: string[];
  /** Source items that could not be mapped (left out of the value). */
  dropped: string[];
}

/**
 * A field's value as a write takes it, mapped to the target. Answers undefined for a value that
 * cannot be written (every part unmapped). ADF values are returned as they are (the caller
 * rewrites them).
 */
export function toWriteValue(
  id: string,
  value: unknown,
  def: FieldDef | undefined,
  m: ValueMapper,
): WriteValue | undefined {
  const deps: string[] = [];
  const dropped: string[] = [];
  if (value === null || value === undefined) return { value: null, deps, dropped };
  if (id === 'timetracking') {
    const t = value as Json;
    const out: Json = {};
    if (t.originalEstimate) out.originalEstimate = t.originalEstimate;
    if (t.remainingEstimate) out.remainingEstimate = t.remainingEstimate;
    return { value: Object.keys(out).length > 0 ? out : null, deps, dropped };
  }
  if (isAdf(value)) return { value, deps, dropped };
  if (isRequestTypeField(def)) {
    // Request types are a service project's own: only its own site knows the id.
    // The snapshot holds the id, or the JSM object with its requestType.
    const v = value as Json;
    const id = typeof value === 'string' ? value : ((v.requestType ?? v) as Json).id;
    if (!m.sameSite || id === undefined) return undefined;
    return { value: str(id), deps, dropped };
  }
  const { kind, array } = kindOf(id, def);
  const one = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Json;
    const map = (k: keyof Mappings, sid: string): string | undefined => m.mappings[k][sid];
    switch (kind) {
      case 'user': {
        const t = map('users', str(o.accountId));
        if (!t) dropped.push(`user ${str(o.displayName) || str(o.accountId)}`);
        return t ? { accountId: t } : undefined;
      }
      case 'group': {
        const t = map('groups', str(o.groupId));
        if (!t) dropped.push(`group ${str(o.name)}`);
        return t ? { groupId: t } : undefined;
      }
      case 'option':
      case 'cascade': {
        const t = map('options', str(o.id));
        if (!t) {
          dropped.push(`option ${str(o.value)}`);
          return undefined;
        }
        if (kind === 'cascade' && o.child) {
          const c = map('options', str((o.child as Json).id));
          return c ? { id: t, child: { id: c } } : { id: t };
        }
        return { id: t };
      }
      case 'component':
      case 'version': {
        const k = kind === 'component' ? 'components' : 'versions';
        const ref = m.created(k, str(o.id));
        if (ref) {
          deps.push(ref.$ref);
          return { id: ref };
        }
        const t = map(k, str(o.id));
        if (!t) dropped.push(`${kind} ${str(o.name)}`);
        return t ? { id: t } : undefined;
      }
      case 'priority': {
        const t = map('priorities', str(o.id));
        if (!t) dropped.push(`priority ${str(o.name)}`);
        return t ? { id: t } : undefined;
      }
      case 'security':
        if (!m.sameSite) dropped.push(`security level ${str(o.name)}`);
        return m.sameSite && o.id !== undefined ? { id: str(o.id) } : undefined;
      default:
        return v;
    }
  };
  if (array && Array.isArray(value)) {
    const out = value.map(one).filter((x) => x !== undefined);
    if (out.length === 0 && value.length > 0) return undefined;
    return { value: out, deps, dropped };
  }
  const out = one(value);
  return out === undefined ? undefined : { value: out, deps, dropped };
}

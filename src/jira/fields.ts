/**
 * Jira field values, decoded from their REST representation to plain values by the field's schema
 * (as GET /rest/api/3/field describes it): a user becomes its accountId, an option its id, a
 * status/priority/version… its id, a sprint list its sprint ids. Restore writes values back from
 * this form; verification and tests compare in it. Derived fields (comment pages, votes, watches,
 * time aggregates, created/updated…) are not field values and decode to undefined.
 */

type Json = Record<string, unknown>;

export interface FieldSchemaInfo {
  type?: string;
  items?: string;
  system?: string;
  custom?: string;
}

export interface FieldInfo {
  id: string;
  custom?: boolean;
  schema?: FieldSchemaInfo;
}

/** Fields Jira computes: never restored, never compared as values. */
export const DERIVED_FIELDS = new Set([
  'comment',
  'worklog',
  'attachment',
  'issuelinks',
  'subtasks',
  'votes',
  'watches',
  'created',
  'updated',
  'creator',
  'lastViewed',
  'statuscategorychangedate',
  'resolutiondate',
  'statusCategory',
  'aggregateprogress',
  'progress',
  'aggregatetimespent',
  'aggregatetimeestimate',
  'aggregatetimeoriginalestimate',
  'timespent',
  'timeestimate',
  'timeoriginalestimate',
  'workratio',
  'thumbnail',
  'issuerestriction',
  'issuekey',
  'key',
]);

export const SPRINT_CUSTOM_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';
export const RANK_CUSTOM_TYPE = 'com.pyxis.greenhopper.jira:gh-lexo-rank';
export const REQUEST_TYPE_CUSTOM_TYPE = 'com.atlassian.servicedesk:vp-origin';

function idOf(v: unknown): unknown {
  if (v && typeof v === 'object') {
    const o = v as Json;
    if (typeof o.accountId === 'string') return o.accountId;
    if (typeof o.groupId === 'string') return o.groupId;
    if (o.id !== undefined && o.id !== null) return String(o.id);
    if (typeof o.value === 'string') return o.value;
    if (typeof o.name === 'string') return o.name;
  }
  return v;
}

function decodeItem(items: string | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return v;
  switch (items) {
    case 'string':
    case 'number':
    case 'date':
      return v;
    default:
      return idOf(v);
  }
}

/** The plain value of a field, or undefined for derived fields and absent values. */
export function decodeFieldValue(field: FieldInfo | undefined, value: unknown): unknown {
  if (value === undefined) return undefined;
  const id = field?.id ?? '';
  if (DERIVED_FIELDS.has(id)) return undefined;
  if (value === null) return null;
  const schema = field?.schema ?? {};
  if (schema.custom === SPRINT_CUSTOM_TYPE) {
    return Array.isArray(value) ? value.map((s) => String((s as Json).id)) : value;
  }
  if (schema.custom === REQUEST_TYPE_CUSTOM_TYPE) {
    const rt = (value as Json).requestType as Json | undefined;
    return rt?.id !== undefined ? String(rt.id) : idOf(value);
  }
  if (id === 'parent') return (value as Json).id !== undefined ? String((value as Json).id) : value;
  if (id === 'timetracking') {
    const t = value as Json;
    const out: Json = {};
    if (t.originalEstimateSeconds !== undefined) out.originalEstimateSeconds = t.originalEstimateSeconds;
    if (t.remainingEstimateSeconds !== undefined) out.remainingEstimateSeconds = t.remainingEstimateSeconds;
    return out;
  }
  switch (schema.type) {
    case 'string':
    case 'number':
    case 'date':
    case 'any':
      return value;
    case 'datetime':
      return typeof value === 'string' ? new Date(Date.parse(value)).toISOString() : value;
    case 'array':
      return Array.isArray(value) ? value.map((v) => decodeItem(schema.items, v)) : value;
    case 'option-with-child': {
      const o = value as Json;
      const child = o.child as Json | undefined;
      return child ? { id: String(o.id), childId: String(child.id) } : { id: String(o.id) };
    }
    case undefined:
      // Unknown schema: keep scalars and ADF documents, reduce references to their id.
      return value && typeof value === 'object' && !Array.isArray(value) && (value as Json).type === 'doc'
        ? value
        : Array.isArray(value)
          ? value.map(idOf)
          : idOf(value);
    default:
      return idOf(value);
  }
}

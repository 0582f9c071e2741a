/**
 * Field values in stored form (see world/site.ts): classification by field type, validation of
 * values given to create/edit, and the change-history items Jira writes when a value changes.
 *
 * Change items follow Jira Cloud's changelog format:
 *   - id-valued fields (priority, status, resolution, issue type, security level, select/radio
 *     options, user pickers) carry ids in from/to and names in fromString/toString;
 *   - text-valued fields (summary, text and URL fields, rich text as plain text, labels joined by
 *     spaces, numbers) carry only fromString/toString (from/to null);
 *   - multi-value fields with their own ids (components, fix versions, affects versions) write one
 *     item per added or removed value (field names 'Component', 'Fix Version', 'Version');
 *   - multi-select/checkbox options: from/to '[id, id]', strings joined by ','; multi-user
 *     pickers: ids and names joined by ', '; Sprint: sprint ids and names joined by ', ';
 *   - due date: from/to 'YYYY-MM-DD', strings 'YYYY-MM-DD 00:00:00.0'; date pickers: strings
 *     'd/MMM/yy'; date-time pickers: from/to ISO timestamps, strings 'dd/MMM/yy h:mm AM' (UTC);
 *   - cascading selects: from/to the parent option id, strings
 *     'Parent values: A(10000)Level 1 values: B(10001)';
 *   - parent: field 'IssueParentAssociation', from/to issue id, strings the issue key;
 *   - time tracking: 'timeoriginalestimate' / 'timeestimate' items in seconds.
 * An empty value is null in from/to and fromString/toString.
 */
import { jiraTimestamp } from '../../core/index.js';
import { adfPlainText } from '../world/adf.js';
import { CUSTOM_TYPES } from '../world/fields.js';
import type { AdfDoc, ChangeItem, FieldDef, Issue, Project } from '../world/site.js';
import { type MutationContext, displayName, validation } from './context.js';

export type FieldKind =
  | 'text'
  | 'adf'
  | 'number'
  | 'date'
  | 'datetime'
  | 'user'
  | 'users'
  | 'group'
  | 'groups'
  | 'option'
  | 'options'
  | 'cascade'
  | 'priority'
  | 'status'
  | 'resolution'
  | 'issuetype'
  | 'project'
  | 'security'
  | 'components'
  | 'versions'
  | 'labels'
  | 'timetracking'
  | 'sprint'
  | 'rank'
  | 'parent'
  | 'requesttype'
  | 'readonly';

const READONLY_SYSTEM = new Set([
  'created',
  'updated',
  'creator',
  'resolutiondate',
  'statuscategorychangedate',
  'lastViewed',
  'comment',
  'worklog',
  'attachment',
  'issuelinks',
  'subtasks',
  'votes',
  'watches',
  'timespent',
  'timeestimate',
  'timeoriginalestimate',
  'aggregatetimespent',
  'aggregatetimeestimate',
  'aggregatetimeoriginalestimate',
  'progress',
  'aggregateprogress',
  'workratio',
  'statusCategory',
  'issuekey',
  'thumbnail',
  'issuerestriction',
]);

const CUSTOM_KINDS: Record<string, FieldKind> = {
  [CUSTOM_TYPES.sprint]: 'sprint',
  [CUSTOM_TYPES.rank]: 'rank',
  [CUSTOM_TYPES.requestType]: 'requesttype',
  [CUSTOM_TYPES.requestParticipants]: 'users',
  [CUSTOM_TYPES.storyPoints]: 'number',
  [CUSTOM_TYPES.textfield]: 'text',
  [CUSTOM_TYPES.url]: 'text',
  [CUSTOM_TYPES.textarea]: 'adf',
  [CUSTOM_TYPES.float]: 'number',
  [CUSTOM_TYPES.datepicker]: 'date',
  [CUSTOM_TYPES.datetime]: 'datetime',
  [CUSTOM_TYPES.select]: 'option',
  [CUSTOM_TYPES.radiobuttons]: 'option',
  [CUSTOM_TYPES.multiselect]: 'options',
  [CUSTOM_TYPES.multicheckboxes]: 'options',
  [CUSTOM_TYPES.cascadingselect]: 'cascade',
  [CUSTOM_TYPES.userpicker]: 'user',
  [CUSTOM_TYPES.multiuserpicker]: 'users',
  [CUSTOM_TYPES.grouppicker]: 'group',
  [CUSTOM_TYPES.multigrouppicker]: 'groups',
  [CUSTOM_TYPES.labels]: 'labels',
};

export function fieldKind(def: FieldDef): FieldKind {
  if (def.adf) return 'adf';
  const system = def.schema.system ?? (def.custom ? undefined : def.id);
  if (system !== undefined) {
    if (READONLY_SYSTEM.has(system)) return 'readonly';
    switch (system) {
      case 'summary':
        return 'text';
      case 'description':
      case 'environment':
        return 'adf';
      case 'assignee':
      case 'reporter':
        return 'user';
      case 'labels':
        return 'labels';
      case 'components':
        return 'components';
      case 'fixVersions':
      case 'versions':
        return 'versions';
      case 'duedate':
        return 'date';
      case 'timetracking':
        return 'timetracking';
      case 'parent':
        return 'parent';
      case 'security':
        return 'security';
      case 'priority':
      case 'status':
      case 'resolution':
      case 'issuetype':
      case 'project':
        return system;
    }
  }
  const custom = def.schema.custom ? CUSTOM_KINDS[def.schema.custom] : undefined;
  if (custom) return custom;
  switch (def.schema.type) {
    case 'string':
      return 'text';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'user':
      return 'user';
    case 'group':
      return 'group';
    case 'option':
      return 'option';
    case 'option-with-child':
      return 'cascade';
    case 'array':
      if (def.schema.items === 'user') return 'users';
      if (def.schema.items === 'group') return 'groups';
      if (def.schema.items === 'option') return 'options';
      if (def.schema.items === 'string') return 'labels';
      return 'readonly';
    default:
      return 'readonly';
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface FieldScope {
  project: Project;
  issueTypeId: string;
  /** The issue being edited (absent on create). */
  issue?: Issue;
}

type OptionIndex = Map<string, Map<string, { parent?: string; value: string }>>;
const optionCache = new WeakMap<object, { signature: number; index: OptionIndex }>();

/** Options of every field (over all its contexts), rebuilt when contexts or options are added. */
function optionIndex(ctx: MutationContext): OptionIndex {
  const contexts = ctx.site.data.fieldContexts;
  let signature = contexts.size * 1_000_003;
  for (const c of contexts.values()) signature += c.options.length;
  const cached = optionCache.get(contexts);
  if (cached && cached.signature === signature) return cached.index;
  const index: OptionIndex = new Map();
  for (const c of contexts.values()) {
    let m = index.get(c.fieldId);
    if (!m) index.set(c.fieldId, (m = new Map()));
    for (const o of c.options) m.set(o.id, o.optionId ? { parent: o.optionId, value: o.value } : { value: o.value });
  }
  optionCache.set(contexts, { signature, index });
  return index;
}

function optionIds(ctx: MutationContext, fieldId: string): Map<string, { parent?: string; value: string }> {
  return optionIndex(ctx).get(fieldId) ?? new Map();
}

function invalid(def: FieldDef, message?: string): never {
  return validation(def.id, message ?? `Specify a valid value for ${def.name}`);
}

function requireAccount(ctx: MutationContext, def: FieldDef, v: unknown): string {
  if (typeof v !== 'string' || !ctx.world.accounts.has(v))
    return invalid(def, def.id === 'assignee' ? `User '${String(v)}' cannot be assigned issues.` : undefined);
  return v;
}

function requireArray(def: FieldDef, v: unknown): unknown[] {
  if (!Array.isArray(v)) return invalid(def);
  return v;
}

function dedupe<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/**
 * Checks a value given in stored form and returns it normalised (undefined for "no value": null,
 * undefined or an empty list). Throws 400 with `errors[fieldId]` when the value is not valid or
 * the field cannot be set.
 */
export function normaliseFieldValue(ctx: MutationContext, scope: FieldScope, def: FieldDef, value: unknown): unknown {
  const kind = fieldKind(def);
  if (kind === 'readonly' || kind === 'status' || kind === 'project' || kind === 'rank') {
    return validation(def.id, `Field '${def.id}' cannot be set. It is not on the appropriate screen, or unknown.`);
  }
  if (value === null || value === undefined) {
    if (def.id === 'summary') return validation('summary', 'You must specify a summary of the issue.');
    if (kind === 'issuetype') return validation('issuetype', 'Specify a valid issue type');
    return undefined;
  }
  const data = ctx.site.data;
  switch (kind) {
    case 'text': {
      if (typeof value !== 'string') return invalid(def);
      if (def.id === 'summary') {
        if (value.trim() === '') return validation('summary', 'You must specify a summary of the issue.');
        if (value.length > 255) return validation('summary', 'Summary must be less than 255 characters.');
        if (/[\r\n]/.test(value)) return validation('summary', 'Summary cannot contain newlines.');
      } else if (value.length > 255) return invalid(def, `${def.name} must be less than 255 characters.`);
      return value === '' ? undefined : value;
    }
    case 'adf': {
      const doc = value as AdfDoc;
      if (typeof doc !== 'object' || doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content))
        return invalid(def, 'Operation value must be an Atlassian Document (see the Atlassian Document Format)');
      return doc;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(def, `${def.name} must be a number.`);
      return value;
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value)))
        return invalid(def, `Error parsing date string: ${String(value)}`);
      return value;
    case 'datetime':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return invalid(def);
      return value;
    case 'user':
      return requireAccount(ctx, def, value);
    case 'users': {
      const ids = dedupe(requireArray(def, value).map((v) => requireAccount(ctx, def, v)));
      return ids.length === 0 ? undefined : ids;
    }
    case 'group':
      if (typeof value !== 'string' || !data.groups.has(value)) return invalid(def);
      return value;
    case 'groups': {
      const ids = dedupe(requireArray(def, value)).map((v) => {
        if (typeof v !== 'string' || !data.groups.has(v)) return invalid(def);
        return v;
      });
      return ids.length === 0 ? undefined : ids;
    }
    case 'option': {
      const opts = optionIds(ctx, def.id);
      if (typeof value !== 'string' || !opts.has(value) || opts.get(value)!.parent !== undefined)
        return invalid(def, `Option id '${String(value)}' is not valid`);
      return value;
    }
    case 'options': {
      const opts = optionIds(ctx, def.id);
      const ids = dedupe(requireArray(def, value)).map((v) => {
        if (typeof v !== 'string' || !opts.has(v)) return invalid(def, `Option id '${String(v)}' is not valid`);
        return v;
      });
      return ids.length === 0 ? undefined : ids;
    }
    case 'cascade': {
      const opts = optionIds(ctx, def.id);
      const v = value as { id?: unknown; childId?: unknown };
      if (typeof v !== 'object' || typeof v.id !== 'string' || !opts.has(v.id) || opts.get(v.id)!.parent)
        return invalid(def);
      if (v.childId === undefined || v.childId === null) return { id: v.id };
      if (typeof v.childId !== 'string' || opts.get(v.childId)?.parent !== v.id)
        return invalid(def, `Option id '${String(v.childId)}' is not a child of option '${v.id}'`);
      return { id: v.id, childId: v.childId };
    }
    case 'priority':
      if (typeof value !== 'string' || !data.priorities.has(value))
        return validation('priority', 'Specify the Priority (id or name) in the string format');
      return value;
    case 'resolution':
      if (typeof value !== 'string' || !data.resolutions.has(value)) return invalid(def, 'Specify a valid resolution');
      return value;
    case 'issuetype':
      if (typeof value !== 'string' || !data.issueTypes.has(value))
        return validation('issuetype', 'Specify a valid issue type');
      return value;
    case 'security': {
      const scheme = scope.project.issueSecuritySchemeId
        ? data.issueSecuritySchemes.get(scope.project.issueSecuritySchemeId)
        : undefined;
      if (typeof value !== 'string' || !scheme?.levels.some((l) => l.id === value))
        return validation('security', 'Security level is not valid for this project.');
      return value;
    }
    case 'components': {
      const ids = dedupe(requireArray(def, value)).map((v) => {
        if (typeof v !== 'string' || !scope.project.components.has(v))
          return invalid(def, `Component with id '${String(v)}' does not exist.`);
        return v;
      });
      return ids.length === 0 ? undefined : ids;
    }
    case 'versions': {
      const ids = dedupe(requireArray(def, value)).map((v) => {
        if (typeof v !== 'string' || !scope.project.versions.has(v))
          return invalid(def, `Version with id '${String(v)}' does not exist.`);
        return v;
      });
      return ids.length === 0 ? undefined : ids;
    }
    case 'labels': {
      const labels = dedupe(requireArray(def, value)).map((v) => {
        if (typeof v !== 'string' || v === '' || /\s/.test(v) || v.length > 255)
          return invalid(def, 'The label must not contain spaces and must be 1 to 255 characters long.');
        return v;
      });
      labels.sort();
      return labels.length === 0 ? undefined : labels;
    }
    case 'timetracking': {
      const v = value as { originalEstimateSeconds?: unknown; remainingEstimateSeconds?: unknown };
      const out: { originalEstimateSeconds?: number; remainingEstimateSeconds?: number } = {};
      for (const k of ['originalEstimateSeconds', 'remainingEstimateSeconds'] as const) {
        const n = v[k];
        if (n === undefined || n === null) continue;
        if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return invalid(def);
        out[k] = n;
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
    case 'sprint': {
      const ids = dedupe(requireArray(def, value)).map((v) => {
        if (typeof v !== 'number' || !data.sprints.has(v))
          return invalid(def, `Sprint with id '${String(v)}' does not exist.`);
        return v;
      });
      return ids.length === 0 ? undefined : ids;
    }
    case 'parent': {
      if (typeof value !== 'string') return validation('parent', 'Parent must be an issue id.');
      const parent = data.issues.get(value);
      if (!parent || parent.archived) return validation('parent', `Could not find issue by id or key.`);
      if (scope.issue && parent.id === scope.issue.id)
        return validation('parent', 'An issue cannot be its own parent.');
      return value;
    }
    case 'requesttype':
      if (typeof value !== 'string' || !data.requestTypes.has(value)) return invalid(def, 'Request type is not valid.');
      return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Change items

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 'YYYY-MM-DD' → 'd/MMM/yy' (Jira's default date format). */
export function jiraDateDisplay(date: string): string {
  const [y, m, d] = date.split('-');
  return `${Number(d)}/${MONTHS[Number(m) - 1]}/${y!.slice(2)}`;
}

/** epoch ms → 'dd/MMM/yy h:mm AM' in UTC (Jira's default date-time format). */
export function jiraDateTimeDisplay(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${String(d.getUTCFullYear()).slice(2)} ${h12}:${mm} ${h < 12 ? 'AM' : 'PM'}`;
}

const SYSTEM_ITEM_NAMES: Record<string, string> = {
  components: 'Component',
  fixVersions: 'Fix Version',
  versions: 'Version',
  parent: 'IssueParentAssociation',
};

function item(
  def: FieldDef,
  from: string | null,
  fromString: string | null,
  to: string | null,
  toString: string | null,
  field?: string,
): ChangeItem {
  return {
    field: field ?? (def.custom ? def.name : (SYSTEM_ITEM_NAMES[def.id] ?? def.id)),
    fieldtype: def.custom ? 'custom' : 'jira',
    fieldId: def.id,
    from,
    fromString,
    to,
    toString,
  };
}

function optionValue(ctx: MutationContext, fieldId: string, optionId: string): string {
  for (const c of ctx.site.data.fieldContexts.values()) {
    if (c.fieldId !== fieldId) continue;
    const o = c.options.find((x) => x.id === optionId);
    if (o) return o.value;
  }
  return optionId;
}

function nameOf(ctx: MutationContext, kind: FieldKind, id: string, scope: FieldScope): string {
  const data = ctx.site.data;
  switch (kind) {
    case 'priority':
      return data.priorities.get(id)?.name ?? id;
    case 'status':
      return data.statuses.get(id)?.name ?? id;
    case 'resolution':
      return data.resolutions.get(id)?.name ?? id;
    case 'issuetype':
      return data.issueTypes.get(id)?.name ?? id;
    case 'project':
      return data.projects.get(id)?.name ?? id;
    case 'security': {
      const scheme = scope.project.issueSecuritySchemeId
        ? data.issueSecuritySchemes.get(scope.project.issueSecuritySchemeId)
        : undefined;
      return scheme?.levels.find((l) => l.id === id)?.name ?? id;
    }
    case 'group':
    case 'groups':
      return data.groups.get(id)?.name ?? id;
    case 'user':
    case 'users':
      return displayName(ctx.world, id);
    case 'requesttype':
      return data.requestTypes.get(id)?.name ?? id;
    case 'parent':
      return data.issues.get(id)?.key ?? id;
    default:
      return id;
  }
}

function cascadeString(ctx: MutationContext, fieldId: string, v: { id: string; childId?: string }): string {
  let s = `Parent values: ${optionValue(ctx, fieldId, v.id)}(${v.id})`;
  if (v.childId) s += `Level 1 values: ${optionValue(ctx, fieldId, v.childId)}(${v.childId})`;
  return s;
}

function none(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

function idString(v: unknown): string | null {
  return none(v) ? null : String(v);
}

function dateShow(def: FieldDef, v: unknown): string | null {
  if (none(v)) return null;
  return def.id === 'duedate' ? `${String(v)} 00:00:00.0` : jiraDateDisplay(String(v));
}

function optionList(ctx: MutationContext, def: FieldDef, v: unknown): string | null {
  if (none(v)) return null;
  const out: string[] = [];
  for (const id of v as string[]) out.push(optionValue(ctx, def.id, id));
  return out.join(',');
}

function nameList(ctx: MutationContext, kind: FieldKind, v: unknown, scope: FieldScope): string | null {
  if (none(v)) return null;
  const out: string[] = [];
  for (const id of v as string[]) out.push(nameOf(ctx, kind, id, scope));
  return out.join(', ');
}

function sprintNames(ctx: MutationContext, v: unknown): string | null {
  if (none(v)) return null;
  const out: string[] = [];
  for (const id of v as number[]) out.push(ctx.site.data.sprints.get(id)?.name ?? String(id));
  return out.join(', ');
}

function joined(v: unknown, sep: string): string | null {
  return none(v) ? null : (v as Array<string | number>).join(sep);
}

function listItemName(kind: FieldKind, scope: FieldScope, id: string): string {
  return (kind === 'components' ? scope.project.components.get(id)?.name : scope.project.versions.get(id)?.name) ?? id;
}

function secondsString(v: number | undefined): string | null {
  return v === undefined ? null : String(v);
}

interface Tracking {
  originalEstimateSeconds?: number;
  remainingEstimateSeconds?: number;
}

/** The change items Jira writes when a field goes from `from` to `to` (both in stored form). */
export function changeItems(
  ctx: MutationContext,
  scope: FieldScope,
  def: FieldDef,
  from: unknown,
  to: unknown,
): ChangeItem[] {
  const kind = fieldKind(def);
  if (none(from) && none(to)) return [];
  switch (kind) {
    case 'text':
      return [item(def, null, (from as string) ?? null, null, (to as string) ?? null)];
    case 'adf':
      return [
        item(
          def,
          null,
          none(from) ? null : adfPlainText(from as AdfDoc),
          null,
          none(to) ? null : adfPlainText(to as AdfDoc),
        ),
      ];
    case 'number':
      return [item(def, null, idString(from), null, idString(to))];
    case 'date':
      return [item(def, idString(from), dateShow(def, from), idString(to), dateShow(def, to))];
    case 'datetime':
      return [
        item(
          def,
          none(from) ? null : jiraTimestamp(from as number),
          none(from) ? null : jiraDateTimeDisplay(from as number),
          none(to) ? null : jiraTimestamp(to as number),
          none(to) ? null : jiraDateTimeDisplay(to as number),
        ),
      ];
    case 'labels':
      return [item(def, null, joined(from, ' '), null, joined(to, ' '))];
    case 'option':
      return [
        item(
          def,
          idString(from),
          none(from) ? null : optionValue(ctx, def.id, String(from)),
          idString(to),
          none(to) ? null : optionValue(ctx, def.id, String(to)),
        ),
      ];
    case 'options':
      return [
        item(
          def,
          none(from) ? null : `[${joined(from, ', ')}]`,
          optionList(ctx, def, from),
          none(to) ? null : `[${joined(to, ', ')}]`,
          optionList(ctx, def, to),
        ),
      ];
    case 'cascade': {
      const f = from as { id: string; childId?: string } | undefined;
      const t = to as { id: string; childId?: string } | undefined;
      return [
        item(
          def,
          f ? f.id : null,
          f ? cascadeString(ctx, def.id, f) : null,
          t ? t.id : null,
          t ? cascadeString(ctx, def.id, t) : null,
        ),
      ];
    }
    case 'users':
      return [
        item(
          def,
          joined(from, ', '),
          nameList(ctx, kind, from, scope),
          joined(to, ', '),
          nameList(ctx, kind, to, scope),
        ),
      ];
    case 'groups':
      return [item(def, null, nameList(ctx, kind, from, scope), null, nameList(ctx, kind, to, scope))];
    case 'group':
      return [
        item(
          def,
          null,
          none(from) ? null : nameOf(ctx, kind, String(from), scope),
          null,
          none(to) ? null : nameOf(ctx, kind, String(to), scope),
        ),
      ];
    case 'sprint':
      return [item(def, joined(from, ', '), sprintNames(ctx, from), joined(to, ', '), sprintNames(ctx, to), 'Sprint')];
    case 'components':
    case 'versions': {
      const before = (from as string[] | undefined) ?? [];
      const after = (to as string[] | undefined) ?? [];
      const out: ChangeItem[] = [];
      for (const id of before)
        if (!after.includes(id)) out.push(item(def, id, listItemName(kind, scope, id), null, null));
      for (const id of after)
        if (!before.includes(id)) out.push(item(def, null, null, id, listItemName(kind, scope, id)));
      return out;
    }
    case 'timetracking': {
      const f = (from as Tracking | undefined) ?? {};
      const t = (to as Tracking | undefined) ?? {};
      const out: ChangeItem[] = [];
      if (f.originalEstimateSeconds !== t.originalEstimateSeconds) {
        const a = secondsString(f.originalEstimateSeconds);
        const b = secondsString(t.originalEstimateSeconds);
        out.push({
          field: 'timeoriginalestimate',
          fieldtype: 'jira',
          fieldId: 'timeoriginalestimate',
          from: a,
          fromString: a,
          to: b,
          toString: b,
        });
      }
      if (f.remainingEstimateSeconds !== t.remainingEstimateSeconds) {
        const a = secondsString(f.remainingEstimateSeconds);
        const b = secondsString(t.remainingEstimateSeconds);
        out.push({
          field: 'timeestimate',
          fieldtype: 'jira',
          fieldId: 'timeestimate',
          from: a,
          fromString: a,
          to: b,
          toString: b,
        });
      }
      return out;
    }
    case 'parent':
    case 'user':
    case 'priority':
    case 'status':
    case 'resolution':
    case 'issuetype':
    case 'project':
    case 'security':
    case 'requesttype':
      return [
        item(
          def,
          idString(from),
          none(from) ? null : nameOf(ctx, kind, String(from), scope),
          idString(to),
          none(to) ? null : nameOf(ctx, kind, String(to), scope),
        ),
      ];
    default:
      return [];
  }
}

/** A change item for a system field that has no FieldDef on the site (e.g. 'Key', 'Link'). */
export function plainItem(
  field: string,
  from: string | null,
  fromString: string | null,
  to: string | null,
  toString: string | null,
  fieldId?: string,
): ChangeItem {
  const out: ChangeItem = { field, fieldtype: 'jira', from, fromString, to, toString };
  if (fieldId !== undefined) out.fieldId = fieldId;
  return out;
}

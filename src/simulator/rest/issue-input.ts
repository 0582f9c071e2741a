/**
 * Issue input as the v3 REST API takes it (`fields` and `update` of IssueUpdateDetails) turned
 * into the stored forms the mutation primitives take (world/site.ts), with Jira's rules on
 * which fields a request may set:
 *
 *   - A field can be set only when it is on the screen of the operation — the create screen of
 *     the project and issue type (createmeta), the edit screen (editmeta) or the transition's
 *     screen — otherwise `errors[field]` = "Field 'x' cannot be set. It is not on the appropriate
 *     screen, or unknown." Read-only fields (created, updated, creator, resolutiondate, votes,
 *     watches, status, …) are never on a screen, so they answer the same.
 *   - reporter needs Modify reporter, assignee Assign issues (and the assignee must be
 *     assignable), security Set issue security; without them the field is not on the screen.
 *   - Values use the REST shapes: `{id}` or `{name}` for priorities, resolutions, issue types,
 *     components, versions and security levels; `{accountId}` for users; `{id}` or `{value}`
 *     (and `child`) for options; `{key}` or `{id}` for the parent; ISO timestamps for date-time
 *     fields; Jira durations ("3h 20m") for time tracking; a sprint id (number) for the Sprint
 *     field, which puts the issue in that open sprint and keeps its closed sprints.
 *   - `update` applies `set`, `add`, `remove` (arrays) and `edit` (time tracking) operations in
 *     order; `comment`, `worklog` and `issuelinks` take `add` (and are returned as separate
 *     actions). A field named both in `fields` and `update` is an error.
 *
 * Every problem is filed in a FieldErrors so that one 400 lists all of them, as Jira does.
 */
import { jiraError } from '../http/errors.js';
import { closedSprintsOf } from '../mutate/agile.js';
import { normaliseVisibility } from '../mutate/comments.js';
import { canViewRestricted } from '../render/issue.js';
import { type MutationContext, validation } from '../mutate/context.js';
import { type FieldScope, fieldKind, normaliseFieldValue } from '../mutate/fields.js';
import type { AdfDoc, FieldDef, Visibility } from '../world/site.js';
import { canBrowseIssue, findIssue, hasProjectPermission } from '../world/queries.js';
import type { RouteContext } from '../services.js';
import { type FieldErrors, isObject, notOnScreen, parseDuration, parseJiraDateTime } from './write-common.js';

export interface InputScope {
  ctx: RouteContext;
  m: MutationContext;
  scope: FieldScope;
}

/** Fields that only some callers may set (Jira leaves them off the screen for the others). */
const GATED: Record<string, string> = {
  reporter: 'MODIFY_REPORTER',
  assignee: 'ASSIGN_ISSUES',
  security: 'SET_ISSUE_SECURITY',
};

/** True when the caller may set the field on this screen. */
export function settable(s: InputScope, screen: ReadonlySet<string>, fieldId: string): boolean {
  if (!screen.has(fieldId) || !s.m.site.data.fields.has(fieldId)) return false;
  const gate = GATED[fieldId];
  return !gate || hasProjectPermission(s.m.site, s.m.actorId, s.scope.project, gate, s.scope.issue);
}

// ---------------------------------------------------------------------------------------------
// Value conversion

function bad(def: FieldDef, message?: string): never {
  return validation(def.id, message ?? `Specify a valid value for ${def.name}`);
}

function refOf(v: unknown): { id?: string; name?: string; key?: string; value?: string } {
  if (!isObject(v)) return {};
  const s = (x: unknown): string | undefined =>
    typeof x === 'string' ? x : typeof x === 'number' && Number.isFinite(x) ? String(x) : undefined;
  const out: { id?: string; name?: string; key?: string; value?: string } = {};
  const id = s(v.id);
  const name = s(v.name);
  const key = s(v.key);
  const value = s(v.value);
  if (id !== undefined) out.id = id;
  if (name !== undefined) out.name = name;
  if (key !== undefined) out.key = key;
  if (value !== undefined) out.value = value;
  return out;
}

function byIdOrName<T extends { id: string; name: string }>(v: unknown, items: Iterable<T>): T | undefined {
  const ref = refOf(v);
  if (ref.id === undefined && ref.name === undefined) return undefined;
  for (const item of items) {
    if (ref.id !== undefined ? item.id === ref.id : item.name.toLowerCase() === ref.name!.toLowerCase()) return item;
  }
  return undefined;
}

function accountOf(s: InputScope, def: FieldDef, v: unknown): string | null {
  if (v === null) return null;
  // `{accountId}`; the legacy `{id}` of the spec's own example is accepted too.
  if (!isObject(v) || !('accountId' in v || 'id' in v)) return bad(def);
  const id = 'accountId' in v ? v.accountId : v.id;
  if (id === null) return null;
  if (typeof id !== 'string' || !s.m.world.accounts.has(id)) {
    if (def.id === 'assignee') return validation('assignee', `User '${String(id)}' cannot be assigned issues.`);
    return bad(def, `Specify a valid value for ${def.name}: user '${String(id)}' does not exist.`);
  }
  return id;
}

function listOf(def: FieldDef, v: unknown): unknown[] {
  if (!Array.isArray(v)) return bad(def, `${def.name} must be given as an array.`);
  return v;
}

/** Options of a field in the contexts that apply to the scope's project and issue type. */
function optionsOf(s: InputScope, def: FieldDef): Array<{ id: string; value: string; optionId?: string }> {
  const out: Array<{ id: string; value: string; optionId?: string }> = [];
  for (const c of s.m.site.data.fieldContexts.values()) {
    if (c.fieldId !== def.id) continue;
    const projectOk = c.isGlobalContext || c.projectIds.length === 0 || c.projectIds.includes(s.scope.project.id);
    const typeOk = c.isAnyIssueType || c.issueTypeIds.length === 0 || c.issueTypeIds.includes(s.scope.issueTypeId);
    if (projectOk && typeOk) out.push(...c.options.filter((o) => !o.disabled));
  }
  return out;
}

function optionId(s: InputScope, def: FieldDef, v: unknown, parent?: string): string {
  // `{id}` or `{value}`; a bare string is taken as an option id.
  const ref = typeof v === 'string' ? { id: v } : refOf(v);
  const options = optionsOf(s, def).filter((o) => o.optionId === parent);
  const found =
    ref.id !== undefined ? options.find((o) => o.id === ref.id) : options.find((o) => o.value === ref.value);
  if (!found) {
    const shown = ref.id ?? ref.value ?? JSON.stringify(v);
    return bad(
      def,
      parent === undefined
        ? `Option value '${shown}' is not valid`
        : `Option id '${shown}' is not a child of option '${parent}'`,
    );
  }
  return found.id;
}

function groupId(s: InputScope, def: FieldDef, v: unknown): string {
  // `{name}` or `{groupId}`; a bare string is taken as a group name (the spec's example).
  const ref = typeof v === 'string' ? { name: v } : refOf(v);
  const groupIdRef = isObject(v) && typeof v.groupId === 'string' ? v.groupId : undefined;
  for (const g of s.m.site.data.groups.values()) {
    if (groupIdRef !== undefined ? g.groupId === groupIdRef : g.name === ref.name) return g.groupId;
  }
  return bad(def, `Group '${groupIdRef ?? ref.name ?? ''}' does not exist.`);
}

function durationOf(def: FieldDef, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = parseDuration(v);
  if (n === undefined) return bad(def, 'Invalid time duration entered.');
  return n;
}

interface Tracking {
  originalEstimateSeconds?: number;
  remainingEstimateSeconds?: number;
}

function trackingOf(def: FieldDef, v: unknown, current: unknown): Tracking | null {
  if (v === null) return null;
  if (!isObject(v)) return bad(def);
  const out: Tracking = { ...((current as Tracking | undefined) ?? {}) };
  const pick = (text: string, seconds: string): number | undefined | 'absent' => {
    if (v[seconds] !== undefined) {
      const n = v[seconds];
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return bad(def, 'Invalid time duration entered.');
      return n;
    }
    if (v[text] === undefined) return 'absent';
    return durationOf(def, v[text]);
  };
  const original = pick('originalEstimate', 'originalEstimateSeconds');
  const remaining = pick('remainingEstimate', 'remainingEstimateSeconds');
  if (original !== 'absent') {
    if (original === undefined) delete out.originalEstimateSeconds;
    else out.originalEstimateSeconds = original;
  }
  if (remaining !== 'absent') {
    if (remaining === undefined) delete out.remainingEstimateSeconds;
    else out.remainingEstimateSeconds = remaining;
  }
  return out;
}

function parentId(s: InputScope, def: FieldDef, v: unknown): string | null {
  if (v === null) return null;
  const ref = refOf(v);
  const idOrKey = ref.key ?? ref.id ?? (typeof v === 'string' ? v : undefined);
  const parent = idOrKey === undefined ? undefined : findIssue(s.m.site, idOrKey);
  if (!parent || parent.archived || !canBrowseIssue(s.m.site, s.m.actorId, parent))
    return validation(def.id, 'Could not find issue by id or key.');
  return parent.id;
}

function sprintValue(s: InputScope, def: FieldDef, v: unknown): number[] | null {
  const closed = s.scope.issue ? closedSprintsOf(s.m.site, s.scope.issue).map((x) => x.id) : [];
  if (v === null) return closed.length > 0 ? closed : null;
  const id = typeof v === 'number' ? v : isObject(v) && typeof v.id === 'number' ? v.id : undefined;
  if (id === undefined || !Number.isSafeInteger(id)) return bad(def, 'Number value expected as the Sprint id.');
  const sprint = s.m.site.data.sprints.get(id);
  if (!sprint) return bad(def, `Sprint with id ${id} does not exist.`);
  if (sprint.state === 'closed') return bad(def, 'Issue can be assigned only active or future sprints.');
  return [...closed.filter((c) => c !== id), id];
}

function projectItemId(def: FieldDef, v: unknown, items: Map<string, { id: string; name: string }>): string {
  const found = byIdOrName(v, items.values());
  if (!found) {
    const ref = refOf(v);
    const what = def.id === 'components' ? 'Component' : 'Version';
    return bad(
      def,
      ref.id !== undefined
        ? `${what} with id '${ref.id}' does not exist.`
        : `${what} name '${ref.name ?? ''}' is not valid`,
    );
  }
  return found.id;
}

/**
 * The stored form of a REST value for one field (null clears). `current` is the field's stored
 * value before the change (for the Sprint field, which keeps closed sprints, and time tracking,
 * which merges). Throws 400 with `errors[fieldId]` when the value is not valid.
 */
export function storedFromRest(s: InputScope, def: FieldDef, value: unknown, current?: unknown): unknown {
  const data = s.m.site.data;
  const kind = fieldKind(def);
  if (value === null && kind !== 'sprint') return null;
  switch (kind) {
    case 'text':
    case 'number':
    case 'date':
    case 'adf':
    case 'requesttype':
      return value;
    case 'datetime': {
      const ms = parseJiraDateTime(value);
      if (ms === undefined) return bad(def, `Invalid date-time format for ${def.name}: ${JSON.stringify(value)}`);
      return ms;
    }
    case 'user': {
      if (def.id === 'assignee' && isObject(value) && value.accountId === '-1') {
        const p = s.scope.project;
        return p.assigneeType === 'PROJECT_LEAD' ? p.leadAccountId : null;
      }
      const id = accountOf(s, def, value);
      if (
        id !== null &&
        def.id === 'assignee' &&
        !hasProjectPermission(s.m.site, id, s.scope.project, 'ASSIGNABLE_USER')
      )
        return validation('assignee', `User '${id}' cannot be assigned issues.`);
      return id;
    }
    case 'users':
      return listOf(def, value).map((v) => accountOf(s, def, v) ?? bad(def));
    case 'group':
      return groupId(s, def, value);
    case 'groups':
      return listOf(def, value).map((v) => groupId(s, def, v));
    case 'option':
      return optionId(s, def, value);
    case 'options':
      return listOf(def, value).map((v) => optionId(s, def, v));
    case 'cascade': {
      const id = optionId(s, def, value);
      const child = isObject(value) ? value.child : undefined;
      if (child === undefined || child === null) return { id };
      return { id, childId: optionId(s, def, child, id) };
    }
    case 'priority': {
      const p = byIdOrName(value, data.priorities.values());
      if (!p) return validation('priority', 'Specify the Priority (id or name) in the string format');
      return p.id;
    }
    case 'resolution': {
      const r = byIdOrName(value, data.resolutions.values());
      if (!r) return bad(def, 'Specify a valid resolution');
      return r.id;
    }
    case 'issuetype': {
      const t = byIdOrName(value, data.issueTypes.values());
      if (!t) return validation('issuetype', 'Specify a valid issue type');
      return t.id;
    }
    case 'security': {
      const scheme = s.scope.project.issueSecuritySchemeId
        ? data.issueSecuritySchemes.get(s.scope.project.issueSecuritySchemeId)
        : undefined;
      const level = byIdOrName(value, scheme?.levels ?? []);
      if (!level) return validation('security', 'Security level is not valid for this project.');
      return level.id;
    }
    case 'components':
      return listOf(def, value).map((v) => projectItemId(def, v, s.scope.project.components));
    case 'versions':
      return listOf(def, value).map((v) => projectItemId(def, v, s.scope.project.versions));
    case 'labels':
      return listOf(def, value);
    case 'timetracking':
      return trackingOf(def, value, current);
    case 'sprint':
      return sprintValue(s, def, value);
    case 'parent':
      return parentId(s, def, value);
    default:
      // Read-only, rank, status, project: the primitive's stored-form check names the problem.
      return value;
  }
}

// ---------------------------------------------------------------------------------------------
// `update` operations

const ARRAY_KINDS = new Set(['users', 'groups', 'options', 'components', 'versions', 'labels']);

function sameItem(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies one field's update operations to its stored value; returns the new stored value. */
function applyOperations(s: InputScope, def: FieldDef, ops: unknown, current: unknown): unknown {
  if (!Array.isArray(ops)) return bad(def, `The update operations of field '${def.id}' must be an array.`);
  const kind = fieldKind(def);
  let value: unknown = current;
  for (const op of ops) {
    if (!isObject(op) || Object.keys(op).length !== 1)
      return bad(def, `Invalid update operation for field '${def.id}'.`);
    const [verb, arg] = Object.entries(op)[0]!;
    switch (verb) {
      case 'set':
        value = storedFromRest(s, def, arg, value);
        break;
      case 'add':
      case 'remove': {
        if (!ARRAY_KINDS.has(kind)) return bad(def, `Field '${def.id}' does not support the '${verb}' operation.`);
        const item = (storedFromRest(s, def, [arg], value) as unknown[])[0];
        const list = Array.isArray(value) ? [...(value as unknown[])] : [];
        if (verb === 'add') {
          if (!list.some((x) => sameItem(x, item))) list.push(item);
          value = list;
        } else value = list.filter((x) => !sameItem(x, item));
        break;
      }
      case 'edit':
        if (kind !== 'timetracking') return bad(def, `Field '${def.id}' does not support the 'edit' operation.`);
        value = storedFromRest(s, def, arg, value);
        break;
      default:
        return bad(def, `Field '${def.id}' does not support the '${verb}' operation.`);
    }
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Whole requests

export interface CommentAdd {
  body: AdfDoc;
  visibility?: Visibility;
}

export interface WorklogAdd {
  timeSpentSeconds: number;
  started: number;
  comment?: AdfDoc;
}

export interface LinkAdd {
  typeId: string;
  /** The other issue of the link and which end of the link it is. */
  otherIssueId: string;
  otherIs: 'inward' | 'outward';
}

export interface PreparedInput {
  /** Stored-form values by field id; null clears a field. */
  changes: Record<string, unknown>;
  comments: CommentAdd[];
  worklogs: WorklogAdd[];
  links: LinkAdd[];
}

export interface PrepareOptions {
  /** Field ids on the operation's screen. */
  screen: ReadonlySet<string>;
  /** Fields the caller sets implicitly (project and issue type on create): skipped here. */
  skip?: ReadonlySet<string>;
  /** Whether `update.comment`, `update.worklog` and `update.issuelinks` are accepted. */
  allowComment?: boolean;
  allowWorklog?: boolean;
  allowLinks?: boolean;
}

const SPECIAL_UPDATES = new Set(['comment', 'worklog', 'issuelinks']);

function adfOrBad(field: string, v: unknown): AdfDoc {
  if (!isObject(v) || v.type !== 'doc' || v.version !== 1 || !Array.isArray(v.content))
    return validation(field, 'Comment body must be an Atlassian Document (see the Atlassian Document Format).');
  return v as unknown as AdfDoc;
}

function specialUpdate(
  s: InputScope,
  fieldId: string,
  ops: unknown,
  options: PrepareOptions,
  out: PreparedInput,
  errors: FieldErrors,
): void {
  const allowed =
    (fieldId === 'comment' && options.allowComment) ||
    (fieldId === 'worklog' && options.allowWorklog) ||
    (fieldId === 'issuelinks' && options.allowLinks && settable(s, options.screen, 'issuelinks'));
  if (!allowed) return errors.add(fieldId, notOnScreen(fieldId));
  if (!Array.isArray(ops)) return errors.add(fieldId, `The update operations of field '${fieldId}' must be an array.`);
  for (const op of ops) {
    errors.attempt(fieldId, () => {
      if (!isObject(op) || !isObject(op.add) || Object.keys(op).length !== 1)
        return validation(fieldId, `Field '${fieldId}' supports only the 'add' operation.`);
      const arg = op.add;
      if (fieldId === 'comment') {
        const add: CommentAdd = { body: adfOrBad('comment', arg.body) };
        if (isObject(arg.visibility)) {
          const visibility = normaliseVisibility(s.m, arg.visibility as unknown as Visibility)!;
          if (s.scope.issue && !canViewRestricted(s.m.site, s.m.actorId, s.scope.issue, visibility))
            return validation(
              'commentLevel',
              `You are currently not a member of the ${visibility.type === 'group' ? 'group' : 'project role'}: ${visibility.value}.`,
            );
          add.visibility = visibility;
        }
        out.comments.push(add);
      } else if (fieldId === 'worklog') {
        const seconds = typeof arg.timeSpentSeconds === 'number' ? arg.timeSpentSeconds : parseDuration(arg.timeSpent);
        if (seconds === undefined || seconds <= 0)
          return validation('worklog', 'You must indicate the time spent working.');
        const started = arg.started === undefined ? s.m.now : parseJiraDateTime(arg.started);
        if (started === undefined) return validation('worklog', 'Started date is not valid.');
        const add: WorklogAdd = { timeSpentSeconds: seconds, started };
        if (arg.comment !== undefined) add.comment = adfOrBad('worklog', arg.comment);
        out.worklogs.push(add);
      } else {
        out.links.push(linkAdd(s, arg));
      }
      return undefined;
    });
  }
}

function linkAdd(s: InputScope, arg: Record<string, unknown>): LinkAdd {
  const type = byIdOrName(
    arg.type,
    [...s.m.site.data.issueLinkTypes.values()].map((t) => ({ ...t })),
  );
  if (!type) return validation('issuelinks', 'Specify a valid issue link type.');
  const otherIs = arg.outwardIssue !== undefined ? 'outward' : arg.inwardIssue !== undefined ? 'inward' : undefined;
  if (!otherIs) return validation('issuelinks', 'Specify the inwardIssue or outwardIssue of the link.');
  const ref = refOf(otherIs === 'outward' ? arg.outwardIssue : arg.inwardIssue);
  const other = findIssue(s.m.site, ref.key ?? ref.id ?? '');
  if (!other || other.archived || !canBrowseIssue(s.m.site, s.m.actorId, other))
    return validation(
      'issuelinks',
      `Issue '${ref.key ?? ref.id ?? ''}' does not exist or you do not have permission to see it.`,
    );
  return { typeId: type.id, otherIssueId: other.id, otherIs };
}

/**
 * Turns `fields` and `update` into stored-form changes (and comment, worklog and link additions)
 * for a screen. Conversion errors, fields off the screen and stored-form validation errors are
 * all collected in `errors`; the caller throws them.
 */
export function prepareInput(
  s: InputScope,
  fields: Record<string, unknown>,
  update: Record<string, unknown>,
  options: PrepareOptions,
  errors: FieldErrors,
): PreparedInput {
  const out: PreparedInput = { changes: {}, comments: [], worklogs: [], links: [] };
  const data = s.m.site.data;
  const current = (id: string): unknown => s.scope.issue?.fields[id];
  for (const [fieldId, value] of Object.entries(fields)) {
    if (options.skip?.has(fieldId)) continue;
    if (!settable(s, options.screen, fieldId)) {
      errors.add(fieldId, notOnScreen(fieldId));
      continue;
    }
    const def = data.fields.get(fieldId)!;
    const stored = errors.attempt(fieldId, () => storedFromRest(s, def, value, current(fieldId)));
    if (stored !== undefined) out.changes[fieldId] = stored;
  }
  for (const [fieldId, ops] of Object.entries(update)) {
    if (SPECIAL_UPDATES.has(fieldId)) {
      specialUpdate(s, fieldId, ops, options, out, errors);
      continue;
    }
    if (options.skip?.has(fieldId) || !settable(s, options.screen, fieldId)) {
      errors.add(fieldId, notOnScreen(fieldId));
      continue;
    }
    if (fieldId in fields) {
      errors.add(fieldId, `Field '${fieldId}' is set in both 'fields' and 'update'.`);
      continue;
    }
    const def = data.fields.get(fieldId)!;
    const stored = errors.attempt(fieldId, () => applyOperations(s, def, ops, current(fieldId)));
    if (stored !== undefined) out.changes[fieldId] = stored;
  }
  // The primitives' stored-form checks (lengths, option ids, hierarchy…), collected per field.
  for (const [fieldId, value] of Object.entries(out.changes)) {
    const def = data.fields.get(fieldId)!;
    errors.attempt(fieldId, () => normaliseFieldValue(s.m, s.scope, def, value));
  }
  return out;
}

/** `fields`/`update` members of a body, each an object when present (400 otherwise). */
export function fieldsAndUpdate(body: Record<string, unknown>): {
  fields: Record<string, unknown>;
  update: Record<string, unknown>;
} {
  const fields = body.fields ?? {};
  const update = body.update ?? {};
  if (!isObject(fields) || !isObject(update))
    throw jiraError(400, ['Invalid request payload. Refer to the REST API documentation and try again.']);
  return { fields, update };
}

/** The project named by `fields.project` ({id}, {key} or a bare id/key). */
export function projectRef(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  const ref = refOf(value);
  return ref.id ?? ref.key;
}

/**
 * Fields and custom-field configuration: the field catalogue (GET /field), the paginated admin
 * search (GET /field/search), custom field contexts with their project and issue-type mappings,
 * and context options (including cascading options).
 */
import { badRequest, forbidden, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import {
  renderFieldContext,
  renderFieldDetails,
  renderFieldOption,
  renderPagedField,
  type FieldStats,
} from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { FieldContext, FieldDef, FieldOption } from '../world/site.js';
import {
  boolParam,
  checkExpand,
  containsIgnoreCase,
  expandSet,
  idListParam,
  intParam,
  isAdmin,
  listParam,
  optionalBool,
  orderByParam,
  pageBean,
  pageParams,
  renderContext,
  requireAdmin,
  sortBy,
  viewableProjects,
} from './config-common.js';

const API = '/rest/api/3';

/** System fields that exist only while a global setting is on. */
const TIME_TRACKING_FIELDS = new Set([
  'timetracking',
  'timespent',
  'timeestimate',
  'timeoriginalestimate',
  'aggregatetimespent',
  'aggregatetimeestimate',
  'aggregatetimeoriginalestimate',
  'worklog',
  'workratio',
  'progress',
  'aggregateprogress',
]);

function enabledBySettings(ctx: RouteContext, f: FieldDef): boolean {
  if (f.custom) return true;
  const s = ctx.site.data.settings;
  if (TIME_TRACKING_FIELDS.has(f.id)) return s.timeTrackingEnabled;
  if (f.id === 'subtasks') return s.subtasksEnabled;
  if (f.id === 'votes') return s.votingEnabled;
  if (f.id === 'watches') return s.watchingEnabled;
  return true;
}

function contextsOf(ctx: RouteContext, fieldId: string): FieldContext[] {
  return [...ctx.site.data.fieldContexts.values()].filter((c) => c.fieldId === fieldId);
}

/**
 * GET /field visibility: system fields always (subject to the global settings); a custom field
 * when it is used (has a context, or is a team-managed project's field) in a project the caller
 * can view.
 */
function visibleFields(ctx: RouteContext): FieldDef[] {
  const viewable = new Set(viewableProjects(ctx).map((p) => p.id));
  const contexts = new Map<string, FieldContext[]>();
  for (const c of ctx.site.data.fieldContexts.values()) {
    const list = contexts.get(c.fieldId) ?? [];
    list.push(c);
    contexts.set(c.fieldId, list);
  }
  return [...ctx.site.data.fields.values()].filter((f) => {
    if (!enabledBySettings(ctx, f)) return false;
    if (!f.custom) return true;
    if (f.projectId) return viewable.has(f.projectId);
    return (contexts.get(f.id) ?? []).some((c) =>
      c.isGlobalContext ? viewable.size > 0 : c.projectIds.some((id) => viewable.has(id)),
    );
  });
}

function getFields(ctx: RouteContext): RouteResult {
  const rc = renderContext(ctx);
  const body = visibleFields(ctx).map((f) => renderFieldDetails(rc, f));
  return { body, objects: body.length };
}

// ---------------------------------------------------------------------------------------------
// GET /field/search

const FIELD_EXPANDS = ['key', 'stableId', 'lastUsed', 'screensCount', 'contextsCount', 'isLocked', 'searcherKey'];
const FIELD_ORDER = ['contextsCount', 'lastUsed', 'name', 'screensCount', 'projectsCount'];

function hasValue(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  return !(Array.isArray(v) && v.length === 0);
}

/** Screens, contexts, projects and last use of a set of fields, in one pass over each source. */
function fieldStats(
  ctx: RouteContext,
  fields: FieldDef[],
  withLastUsed: boolean,
): Map<string, FieldStats & { projectsCount: number }> {
  const data = ctx.site.data;
  const out = new Map<string, FieldStats & { projectsCount: number }>();
  for (const f of fields) out.set(f.id, { screensCount: 0, contextsCount: 0, projectsCount: 0 });
  for (const screen of data.screens.values()) {
    const ids = new Set(screen.tabs.flatMap((t) => t.fieldIds));
    for (const id of ids) {
      const s = out.get(id);
      if (s) s.screensCount += 1;
    }
  }
  const projectSets = new Map<string, Set<string>>();
  for (const c of data.fieldContexts.values()) {
    const s = out.get(c.fieldId);
    if (!s) continue;
    s.contextsCount += 1;
    const set = projectSets.get(c.fieldId) ?? new Set<string>();
    const ids = c.isGlobalContext ? [...data.projects.keys()] : c.projectIds;
    for (const id of ids) set.add(id);
    projectSets.set(c.fieldId, set);
  }
  for (const [id, set] of projectSets) out.get(id)!.projectsCount = set.size;
  if (withLastUsed) {
    const custom = fields.filter((f) => f.custom);
    for (const issue of data.issues.values()) {
      for (const f of custom) {
        if (!hasValue(issue.fields[f.id])) continue;
        const s = out.get(f.id)!;
        if (s.lastUsed === undefined || issue.updated > s.lastUsed) s.lastUsed = issue.updated;
      }
    }
  }
  return out;
}

function searchFields(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, 'Only Jira administrators can access fields.');
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const expand = expandSet(q);
  checkExpand(expand, FIELD_EXPANDS);
  const order = orderByParam(q, FIELD_ORDER);
  const types = listParam(q, 'type');
  for (const t of types) if (t !== 'custom' && t !== 'system') throw badRequest(`'${t}' is not a valid field type.`);
  const ids = listParam(q, 'id');
  const text = q.get('query') ?? '';
  const projectIds = idListParam(q, 'projectIds');
  const data = ctx.site.data;
  let list = [...data.fields.values()].filter((f) => {
    if (f.projectId || !enabledBySettings(ctx, f)) return false;
    if (types.length > 0 && !types.includes(f.custom ? 'custom' : 'system')) return false;
    if (ids.length > 0 && !ids.includes(f.id)) return false;
    if (text && !containsIgnoreCase(f.name, text) && !containsIgnoreCase(f.description, text)) return false;
    return true;
  });
  if (projectIds.length > 0) {
    const wanted = new Set(projectIds.filter((id) => data.projects.has(id)));
    list = list.filter(
      (f) =>
        !f.custom || contextsOf(ctx, f.id).some((c) => c.isGlobalContext || c.projectIds.some((id) => wanted.has(id))),
    );
  }
  const stats = fieldStats(ctx, list, expand.has('lastUsed') || order?.field === 'lastUsed');
  if (order) {
    const fns: Record<string, (f: FieldDef) => string | number> = {
      name: (f) => f.name,
      contextsCount: (f) => stats.get(f.id)!.contextsCount,
      screensCount: (f) => stats.get(f.id)!.screensCount,
      projectsCount: (f) => stats.get(f.id)!.projectsCount,
      lastUsed: (f) => stats.get(f.id)!.lastUsed ?? 0,
    };
    list = sortBy(list, fns[order.field]!, order.desc);
  }
  const rc = renderContext(ctx);
  const body = pageBean(ctx, list, page, (f) => renderPagedField(rc, f, expand, stats.get(f.id)!));
  return { body, objects: body.values.length };
}

// ---------------------------------------------------------------------------------------------
// Contexts and options

const CONTEXT_ADMIN = 'Only Jira administrators can access custom field contexts.';

function customField(ctx: RouteContext): FieldDef {
  const f = ctx.site.data.fields.get(ctx.params.fieldId ?? '');
  if (!f || !f.custom) throw notFound('The custom field was not found.');
  return f;
}

function fieldContexts(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, CONTEXT_ADMIN);
  const f = customField(ctx);
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 50, cap: 100 });
  const anyType = optionalBool(q, 'isAnyIssueType');
  const global = optionalBool(q, 'isGlobalContext');
  const ids = idListParam(q, 'contextId');
  const list = contextsOf(ctx, f.id).filter(
    (c) =>
      (anyType === undefined || c.isAnyIssueType === anyType) &&
      (global === undefined || c.isGlobalContext === global) &&
      (ids.length === 0 || ids.includes(c.id)),
  );
  const body = pageBean(ctx, list, page, renderFieldContext);
  return { body, objects: body.values.length };
}

function contextProjectMapping(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, CONTEXT_ADMIN);
  const f = customField(ctx);
  const page = pageParams(ctx.query, { defaultMax: 50, cap: 100 });
  const ids = idListParam(ctx.query, 'contextId');
  const rows: Array<Record<string, unknown>> = [];
  for (const c of contextsOf(ctx, f.id)) {
    if (ids.length > 0 && !ids.includes(c.id)) continue;
    if (c.isGlobalContext) rows.push({ contextId: c.id, isGlobalContext: true });
    else for (const projectId of c.projectIds) rows.push({ contextId: c.id, projectId });
  }
  const body = pageBean(ctx, rows, page, (r) => r);
  return { body, objects: body.values.length };
}

function contextIssueTypeMapping(ctx: RouteContext): RouteResult {
  requireAdmin(ctx, CONTEXT_ADMIN);
  const f = customField(ctx);
  const page = pageParams(ctx.query, { defaultMax: 50, cap: 100 });
  const ids = idListParam(ctx.query, 'contextId');
  const rows: Array<Record<string, unknown>> = [];
  const contexts = contextsOf(ctx, f.id).sort((a, b) => Number(a.id) - Number(b.id));
  for (const c of contexts) {
    if (ids.length > 0 && !ids.includes(c.id)) continue;
    if (c.isAnyIssueType) rows.push({ contextId: c.id, isAnyIssueType: true });
    else
      for (const issueTypeId of [...c.issueTypeIds].sort((a, b) => Number(a) - Number(b)))
        rows.push({ contextId: c.id, issueTypeId });
  }
  const body = pageBean(ctx, rows, page, (r) => r);
  return { body, objects: body.values.length };
}

function supportsOptions(f: FieldDef): boolean {
  const s = f.schema;
  return s.type === 'option' || s.type === 'option-with-child' || (s.type === 'array' && s.items === 'option');
}

function contextOptions(ctx: RouteContext): RouteResult {
  if (!isAdmin(ctx)) throw forbidden('Only Jira administrators can manage custom field options.');
  const f = customField(ctx);
  const contextId = ctx.params.contextId ?? '';
  const c = ctx.site.data.fieldContexts.get(contextId);
  if (!/^\d+$/.test(contextId) || !c || c.fieldId !== f.id) throw notFound('The custom field context was not found.');
  if (!supportsOptions(f)) throw badRequest("The custom field doesn't support options.");
  const q = ctx.query;
  const page = pageParams(q, { defaultMax: 100, cap: 100 });
  const onlyOptions = boolParam(q, 'onlyOptions', false);
  const optionId = q.get('optionId') === null ? undefined : String(intParam(q, 'optionId', 0));
  // Options first, then cascading options, each in display order.
  const parents = c.options.filter((o) => !o.optionId);
  const children = onlyOptions ? [] : c.options.filter((o) => o.optionId);
  let list: FieldOption[] = [...parents, ...children];
  if (optionId !== undefined) list = list.filter((o) => o.id === optionId || o.optionId === optionId);
  const body = pageBean(ctx, list, page, renderFieldOption);
  return { body, objects: body.values.length };
}

export function registerFieldConfigRoutes(t: RouteTable): void {
  t.get(`${API}/field`, getFields);
  t.get(`${API}/field/search`, searchFields);
  t.get(`${API}/field/{fieldId}/context`, fieldContexts);
  t.get(`${API}/field/{fieldId}/context/projectmapping`, contextProjectMapping);
  t.get(`${API}/field/{fieldId}/context/issuetypemapping`, contextIssueTypeMapping);
  t.get(`${API}/field/{fieldId}/context/{contextId}/option`, contextOptions);
}

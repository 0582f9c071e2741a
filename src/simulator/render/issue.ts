/**
 * Issue rendering: stored issues (world/site.ts) → Jira's IssueBean and the sub-resource shapes
 * around it (comments, worklogs, attachments, change histories, links, transitions, edit and
 * create metadata). Search, bulk fetch, GET issue, webhooks and the Agile API all render issues
 * through here, so an issue looks the same everywhere.
 *
 * Usage: `new IssueRenderer(ctx).bean(issue, { fields: parseFieldSelection(tokens, 'all') })`.
 * One renderer serves one request: it caches lookups (applicable fields per project and issue
 * type, options, children) for the issues it renders.
 *
 * Embedded page caps (decided from the reference and the recorded BTS-1 issue; see docs/design.md
 * §5.11): `fields.comment` holds the *first* 20 visible comments (oldest first) with
 * `maxResults` = the number returned (0 when empty, as recorded) and the true `total`;
 * `fields.worklog` holds the first 20 visible worklogs with `maxResults: 20` (as recorded);
 * `expand=changelog` holds the most recent `changelogLimit` histories (100 on GET issue, 40 on
 * bulk fetch, 20 in search), oldest first, with `startAt` = total − returned.
 */
import { jiraTimestamp } from '../../core/index.js';
import type { Site } from '../world/types.js';
import type {
  AdfDoc,
  Attachment,
  ChangeHistory,
  Comment,
  FieldDef,
  FieldOption,
  Issue,
  IssueLink,
  JsonValue,
  Project,
  Properties,
  Version,
  Visibility,
  Workflow,
  Worklog,
} from '../world/site.js';
import { groupIdsOf, hasProjectPermission, projectRoleIdsOf } from '../world/queries.js';
import { BrowseChecker } from '../search/browse.js';
import {
  renderComponentRef,
  renderIssueType,
  renderPriority,
  renderProjectRef,
  renderResolution,
  renderStatus,
  renderStatusCategory,
  renderUser,
  renderVersion,
  restBase,
  type RenderContext,
} from './common.js';
import { adfToHtml } from './adf.js';
import {
  SYSTEM_FIELDS,
  fieldDefOf,
  formatDuration,
  formatRenderedDate,
  formatRenderedDateTime,
  isSprintField,
  isSystemField,
  jsonTypeBean,
} from './issue-fields.js';

export type Json = Record<string, unknown>;

/** The `expand` string Jira puts on every issue bean. */
export const ISSUE_EXPANDS =
  'renderedFields,names,schema,transitions,operations,editmeta,changelog,versionedRepresentations';

export const EMBEDDED_COMMENT_LIMIT = 20;
export const EMBEDDED_WORKLOG_LIMIT = 20;

// ---------------------------------------------------------------------------------------------
// Request parameters: field and property selections

/** Which fields an issue bean carries (the `fields` parameter, resolved). */
export interface FieldSelection {
  /** Base set before explicit includes: every field, the navigable ones, or none. */
  base: 'all' | 'navigable' | 'none';
  /** Explicitly requested field ids (keys with `byKeys`), plus `id`/`key` which are no fields. */
  include: Set<string>;
  exclude: Set<string>;
  /** `fieldsByKeys`: include/exclude name field keys, and output is keyed by key. */
  byKeys: boolean;
}

/** Splits repeated, comma-separated list parameters (`fields=a,b&fields=c`). */
export function splitList(values: Iterable<string> | string | undefined | null): string[] {
  if (values === undefined || values === null) return [];
  const list = typeof values === 'string' ? [values] : [...values];
  return list
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * Resolves a `fields` parameter. `dflt` is the operation's default: `all` (GET issue),
 * `navigable` (bulk fetch), `none` (search/jql: ids only). Exclusions alone apply to the
 * default set — to `navigable` where the default is ids only, as the spec documents.
 */
export function parseFieldSelection(
  tokens: Iterable<string> | string | undefined,
  dflt: 'all' | 'navigable' | 'none',
  byKeys = false,
): FieldSelection {
  const list = splitList(tokens);
  const sel: FieldSelection = { base: 'none', include: new Set(), exclude: new Set(), byKeys };
  if (list.length === 0) return { ...sel, base: dflt };
  let positive = false;
  for (const t of list) {
    if (t === '*all') {
      sel.base = 'all';
      positive = true;
    } else if (t === '*navigable') {
      if (sel.base !== 'all') sel.base = 'navigable';
      positive = true;
    } else if (t.startsWith('-') && t.length > 1) {
      sel.exclude.add(t.slice(1));
    } else {
      sel.include.add(t);
      positive = true;
    }
  }
  if (!positive) sel.base = dflt === 'none' ? 'navigable' : dflt;
  return sel;
}

/** True when a selection asks for nothing but issue ids (and keys). */
export function selectsIdsOnly(sel: FieldSelection): boolean {
  return sel.base === 'none' && [...sel.include].every((f) => f === 'id' || f === 'key' || f === 'issuekey');
}

/** Issue properties to include (the `properties` parameter). */
export interface PropertySelection {
  all: boolean;
  keys: string[];
  exclude: string[];
}

export function parsePropertySelection(tokens: Iterable<string> | string | undefined): PropertySelection {
  const sel: PropertySelection = { all: false, keys: [], exclude: [] };
  for (const t of splitList(tokens)) {
    if (t === '*all') sel.all = true;
    else if (t.startsWith('-') && t.length > 1) sel.exclude.push(t.slice(1));
    else sel.keys.push(t);
  }
  return sel;
}

export function propertiesObject(props: Properties, sel: PropertySelection): Json {
  const out: Json = {};
  for (const [k, v] of props) {
    if ((sel.all || sel.keys.includes(k)) && !sel.exclude.includes(k)) out[k] = v;
  }
  return out;
}

/** Entity properties as Jira lists them inside comments and worklogs: [{key, value}]. */
export function propertyList(props: Properties): Array<{ key: string; value: JsonValue }> {
  return [...props].map(([key, value]) => ({ key, value }));
}

export interface IssueBeanOptions {
  fields: FieldSelection;
  /** Expand options (renderedFields, names, schema, transitions, operations, editmeta, changelog, versionedRepresentations). */
  expand?: Iterable<string>;
  properties?: PropertySelection;
  /** Histories embedded by expand=changelog (default 100). */
  changelogLimit?: number;
  /**
   * When given, `names` and `schema` are collected here instead of inside the bean (search/jql
   * puts them at the top of the page).
   */
  collect?: { names: Record<string, string>; schema: Record<string, Json> };
}

// ---------------------------------------------------------------------------------------------
// Visibility of restricted comments and worklogs

/** True when the viewer may see an item restricted to a group or project role. */
export function canViewRestricted(
  site: Site,
  viewerId: string,
  issue: Issue,
  visibility: Visibility | undefined,
): boolean {
  if (!visibility) return true;
  if (visibility.type === 'group') {
    const groups = groupIdsOf(site, viewerId);
    if (visibility.identifier && groups.has(visibility.identifier)) return true;
    for (const gid of groups) if (site.data.groups.get(gid)?.name === visibility.value) return true;
    return false;
  }
  const project = site.data.projects.get(issue.projectId);
  if (!project) return false;
  const held = projectRoleIdsOf(site, project, viewerId);
  if (visibility.identifier && held.has(visibility.identifier)) return true;
  for (const roleId of held) {
    const role = site.data.roles.get(roleId);
    if (role && role.name.toLowerCase() === visibility.value.toLowerCase()) return true;
  }
  return false;
}

export function renderVisibility(visibility: Visibility): Json {
  const out: Json = { type: visibility.type, value: visibility.value };
  if (visibility.identifier !== undefined) out.identifier = visibility.identifier;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Workflows, screens, issue types of a project

/** The workflow an issue follows (its project's workflow scheme, by issue type). */
export function workflowOf(site: Site, issue: Issue): Workflow | undefined {
  const project = site.data.projects.get(issue.projectId);
  if (!project) return undefined;
  const scheme = site.data.workflowSchemes.get(project.workflowSchemeId);
  const typeId = String(issue.fields.issuetype ?? '');
  const id = scheme ? (scheme.issueTypeMappings[typeId] ?? scheme.defaultWorkflowId) : undefined;
  return id ? site.data.workflows.get(id) : undefined;
}

/** Issue types available in a project (its issue type scheme, plus project-scoped types). */
export function projectIssueTypeIds(site: Site, project: Project): string[] {
  const scheme = site.data.issueTypeSchemes.get(project.issueTypeSchemeId);
  const ids = new Set(scheme?.issueTypeIds ?? []);
  for (const t of site.data.issueTypes.values()) if (t.projectId === project.id) ids.add(t.id);
  if (ids.size === 0) for (const t of site.data.issueTypes.values()) if (!t.projectId) ids.add(t.id);
  return [...ids].filter((id) => site.data.issueTypes.has(id));
}

/** Field ids on the screen a project shows for an operation on an issue type, if configured. */
export function screenFieldIds(
  site: Site,
  project: Project,
  issueTypeId: string,
  operation: 'create' | 'edit' | 'view',
): string[] | undefined {
  const itss = site.data.issueTypeScreenSchemes.get(project.issueTypeScreenSchemeId);
  const ssId = itss ? (itss.mappings[issueTypeId] ?? itss.mappings.default) : project.screenSchemeId;
  const ss = ssId ? site.data.screenSchemes.get(ssId) : undefined;
  const screenId = ss ? (ss.screens[operation] ?? ss.screens.default) : undefined;
  const screen = screenId ? site.data.screens.get(screenId) : undefined;
  return screen ? screen.tabs.flatMap((t) => t.fieldIds) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The renderer

export class IssueRenderer {
  private readonly fieldsCache = new Map<string, FieldDef[]>();
  private children: Map<string, Issue[]> | undefined;
  private readonly timeZone: string;
  private readonly browse: BrowseChecker;

  constructor(readonly ctx: RenderContext) {
    this.browse = new BrowseChecker(ctx.site, ctx.viewerId);
    this.timeZone = ctx.sim.world.accounts.get(ctx.viewerId)?.timeZone ?? ctx.site.data.settings.timeZone;
  }

  private get site(): Site {
    return this.ctx.site;
  }

  private get base(): string {
    return restBase(this.ctx);
  }

  issueSelf(issue: Issue): string {
    return `${this.base}/issue/${issue.id}`;
  }

  // ---- field applicability ----------------------------------------------------------------

  /** Custom fields whose context covers a project and issue type. */
  private contextApplies(fieldId: string, projectId: string, issueTypeId: string): boolean {
    for (const c of this.site.data.fieldContexts.values()) {
      if (c.fieldId !== fieldId) continue;
      const projectOk = c.isGlobalContext || c.projectIds.length === 0 || c.projectIds.includes(projectId);
      const typeOk = c.isAnyIssueType || c.issueTypeIds.length === 0 || c.issueTypeIds.includes(issueTypeId);
      if (projectOk && typeOk) return true;
    }
    return false;
  }

  /** The fields an issue carries: every system field, and custom fields in context or set. */
  applicableFields(issue: Issue): FieldDef[] {
    const typeId = String(issue.fields.issuetype ?? '');
    const cacheKey = `${issue.projectId}/${typeId}`;
    let common = this.fieldsCache.get(cacheKey);
    if (!common) {
      common = [];
      for (const sys of SYSTEM_FIELDS) {
        if (sys.id === 'parent') continue;
        common.push(fieldDefOf(this.site, sys.id)!);
      }
      for (const f of this.site.data.fields.values()) {
        if (f.custom && this.contextApplies(f.id, issue.projectId, typeId)) common.push(f);
      }
      this.fieldsCache.set(cacheKey, common);
    }
    const out = [...common];
    if (issue.fields.parent !== undefined && issue.fields.parent !== null)
      out.splice(2, 0, fieldDefOf(this.site, 'parent')!);
    for (const [id, value] of Object.entries(issue.fields)) {
      if (value === undefined || value === null) continue;
      const def = this.site.data.fields.get(id);
      if (def?.custom && !out.includes(def)) out.push(def);
    }
    return out;
  }

  private selects(def: FieldDef, sel: FieldSelection): boolean {
    const name = sel.byKeys ? def.key : def.id;
    if (sel.exclude.has(name)) return false;
    if (sel.include.has(name)) return true;
    if (sel.base === 'all') return true;
    return sel.base === 'navigable' && def.navigable;
  }

  // ---- the bean ---------------------------------------------------------------------------

  /** The IssueBean of an issue, as GET issue, bulk fetch and search return it. */
  bean(issue: Issue, options: IssueBeanOptions): Json {
    const expand = new Set(options.expand ?? []);
    const out: Json = { expand: ISSUE_EXPANDS, id: issue.id, self: this.issueSelf(issue), key: issue.key };
    const defs = this.applicableFields(issue).filter((d) => this.selects(d, options.fields));
    const outKey = (d: FieldDef): string => (options.fields.byKeys ? d.key : d.id);

    if (expand.has('renderedFields')) {
      const rendered: Json = {};
      for (const d of defs) rendered[outKey(d)] = this.renderedValue(issue, d);
      out.renderedFields = rendered;
    }
    if (expand.has('names') || expand.has('schema')) {
      const names: Record<string, string> = options.collect?.names ?? {};
      const schema: Record<string, Json> = options.collect?.schema ?? {};
      for (const d of defs) {
        names[outKey(d)] = d.name;
        schema[outKey(d)] = jsonTypeBean(d);
      }
      if (!options.collect) {
        if (expand.has('names')) out.names = names;
        if (expand.has('schema')) out.schema = schema;
      }
    }
    if (expand.has('transitions')) out.transitions = this.transitions(issue, {});
    if (expand.has('operations')) out.operations = { linkGroups: [] };
    if (expand.has('editmeta')) out.editmeta = this.editmeta(issue);
    if (expand.has('changelog')) out.changelog = this.changelogPage(issue, options.changelogLimit ?? 100);
    if (expand.has('versionedRepresentations')) {
      const versioned: Json = {};
      for (const d of defs) versioned[outKey(d)] = { '1': this.fieldValue(issue, d) };
      out.versionedRepresentations = versioned;
    } else {
      const fields: Json = {};
      for (const d of defs) fields[outKey(d)] = this.fieldValue(issue, d);
      out.fields = fields;
    }
    if (options.properties) out.properties = propertiesObject(issue.properties, options.properties);
    return out;
  }

  // ---- field values -----------------------------------------------------------------------

  private user(accountId: unknown): Json | null {
    return typeof accountId === 'string' && accountId !== '' ? renderUser(this.ctx, accountId) : null;
  }

  private option(fieldId: string, optionId: unknown): Json | null {
    if (optionId === undefined || optionId === null) return null;
    const opt = this.findOption(fieldId, String(optionId));
    const out: Json = {
      self: `${this.base}/customFieldOption/${String(optionId)}`,
      value: opt?.value ?? '',
      id: String(optionId),
    };
    return out;
  }

  findOption(fieldId: string, optionId: string): FieldOption | undefined {
    for (const c of this.site.data.fieldContexts.values()) {
      if (c.fieldId !== fieldId) continue;
      const o = c.options.find((x) => x.id === optionId);
      if (o) return o;
    }
    return undefined;
  }

  private group(groupId: unknown): Json | null {
    if (typeof groupId !== 'string') return null;
    const g = this.site.data.groups.get(groupId);
    return {
      name: g?.name ?? groupId,
      groupId,
      self: `${this.base}/group?groupId=${encodeURIComponent(groupId)}`,
    };
  }

  private sprint(id: unknown): Json | null {
    const sprint = this.site.data.sprints.get(Number(id));
    if (!sprint) return null;
    const out: Json = {
      id: sprint.id,
      name: sprint.name,
      state: sprint.state,
      boardId: sprint.originBoardId,
      goal: sprint.goal ?? '',
    };
    if (sprint.startDate !== undefined) out.startDate = new Date(sprint.startDate).toISOString();
    if (sprint.endDate !== undefined) out.endDate = new Date(sprint.endDate).toISOString();
    if (sprint.completeDate !== undefined) out.completeDate = new Date(sprint.completeDate).toISOString();
    return out;
  }

  private securityLevel(levelId: unknown, project: Project | undefined): Json | null {
    if (levelId === undefined || levelId === null) return null;
    const scheme = project?.issueSecuritySchemeId
      ? this.site.data.issueSecuritySchemes.get(project.issueSecuritySchemeId)
      : undefined;
    const level = scheme?.levels.find((l) => l.id === String(levelId));
    return {
      self: `${this.base}/securitylevel/${String(levelId)}`,
      id: String(levelId),
      description: level?.description ?? '',
      name: level?.name ?? String(levelId),
    };
  }

  /** The compact issue embedded in links, parents and sub-tasks: {id, key, self, fields{summary, status, priority, issuetype}}. */
  linkedIssue(issue: Issue): Json {
    const fields: Json = { summary: issue.fields.summary ?? '' };
    const status = this.site.data.statuses.get(String(issue.fields.status ?? ''));
    if (status) fields.status = renderStatus(this.ctx, status);
    const priority = this.site.data.priorities.get(String(issue.fields.priority ?? ''));
    if (priority) fields.priority = renderPriority(this.ctx, priority);
    const type = this.site.data.issueTypes.get(String(issue.fields.issuetype ?? ''));
    if (type) {
      // The compact form (IssueTypeDetails) has no description.
      const t = renderIssueType(this.ctx, type);
      delete t.description;
      if (typeof t.entityId === 'string' && !/^[0-9a-fA-F-]{36}$/.test(t.entityId)) delete t.entityId;
      fields.issuetype = t;
    }
    return { id: issue.id, key: issue.key, self: this.issueSelf(issue), fields };
  }

  private childrenOf(issueId: string): Issue[] {
    if (!this.children) {
      this.children = new Map();
      for (const i of this.site.data.issues.values()) {
        const p = i.fields.parent;
        if (p === undefined || p === null) continue;
        const list = this.children.get(String(p)) ?? [];
        list.push(i);
        this.children.set(String(p), list);
      }
    }
    return this.children.get(issueId) ?? [];
  }

  /** Sub-tasks of an issue (children whose issue type is a sub-task type). */
  subtasks(issue: Issue): Issue[] {
    return this.childrenOf(issue.id).filter((c) => this.site.data.issueTypes.get(String(c.fields.issuetype))?.subtask);
  }

  private timeSpent(issue: Issue): number | null {
    if (issue.worklogs.length === 0) return null;
    return issue.worklogs.reduce((s, w) => s + w.timeSpentSeconds, 0);
  }

  private estimates(issue: Issue): { original: number | null; remaining: number | null } {
    const tt = (issue.fields.timetracking ?? {}) as {
      originalEstimateSeconds?: number;
      remainingEstimateSeconds?: number;
    };
    return { original: tt.originalEstimateSeconds ?? null, remaining: tt.remainingEstimateSeconds ?? null };
  }

  private aggregate(issue: Issue, pick: (i: Issue) => number | null): number | null {
    let total: number | null = pick(issue);
    for (const child of this.subtasks(issue)) {
      const v = pick(child);
      if (v !== null) total = (total ?? 0) + v;
    }
    return total;
  }

  private progress(spent: number | null, remaining: number | null): Json {
    const progress = spent ?? 0;
    const total = progress + (remaining ?? 0);
    const out: Json = { progress, total };
    if (total > 0) out.percent = Math.round((progress * 100) / total);
    return out;
  }

  /** True when the viewer may see a (possibly restricted) comment or worklog of an issue. */
  canSee(issue: Issue, item: { visibility?: Visibility }): boolean {
    return canViewRestricted(this.site, this.ctx.viewerId, issue, item.visibility);
  }

  visibleComments(issue: Issue): Comment[] {
    return issue.comments.filter((c) => canViewRestricted(this.site, this.ctx.viewerId, issue, c.visibility));
  }

  visibleWorklogs(issue: Issue): Worklog[] {
    return issue.worklogs.filter((w) => canViewRestricted(this.site, this.ctx.viewerId, issue, w.visibility));
  }

  /** The value of one field of an issue, rendered from its stored form by the field's schema. */
  fieldValue(issue: Issue, def: FieldDef): unknown {
    const site = this.site;
    const stored = issue.fields[def.id];
    const project = site.data.projects.get(issue.projectId);
    if (!def.custom && isSystemField(def.id)) {
      switch (def.id) {
        case 'summary':
          return typeof stored === 'string' ? stored : '';
        case 'description':
        case 'environment':
          return (stored as AdfDoc | undefined) ?? null;
        case 'issuetype': {
          const t = site.data.issueTypes.get(String(stored ?? ''));
          return t ? renderIssueType(this.ctx, t) : null;
        }
        case 'project':
          return project ? renderProjectRef(this.ctx, project) : null;
        case 'status': {
          const s = site.data.statuses.get(String(stored ?? ''));
          return s ? renderStatus(this.ctx, s) : null;
        }
        case 'statusCategory': {
          const s = site.data.statuses.get(String(issue.fields.status ?? ''));
          return s ? renderStatusCategory(this.ctx, s.statusCategoryId) : null;
        }
        case 'priority': {
          const p = site.data.priorities.get(String(stored ?? ''));
          return p ? renderPriority(this.ctx, p) : null;
        }
        case 'resolution': {
          const r = stored === undefined || stored === null ? undefined : site.data.resolutions.get(String(stored));
          return r ? renderResolution(this.ctx, r) : null;
        }
        case 'assignee':
        case 'reporter':
          return this.user(stored);
        case 'creator':
          return this.user(issue.creatorId);
        case 'labels':
          return Array.isArray(stored) ? [...(stored as string[])] : [];
        case 'components':
          return (Array.isArray(stored) ? (stored as string[]) : [])
            .map((id) => project?.components.get(String(id)))
            .filter((c) => c !== undefined)
            .map((c) => renderComponentRef(this.ctx, c));
        case 'versions':
        case 'fixVersions':
          return (Array.isArray(stored) ? (stored as string[]) : [])
            .map((id) => project?.versions.get(String(id)))
            .filter((v) => v !== undefined)
            .map((v) => renderVersion(this.ctx, v));
        case 'duedate':
          return typeof stored === 'string' ? stored : null;
        case 'security':
          return this.securityLevel(stored, project);
        case 'parent': {
          const parent = stored === undefined || stored === null ? undefined : site.data.issues.get(String(stored));
          return parent ? this.linkedIssue(parent) : null;
        }
        case 'created':
          return jiraTimestamp(issue.created);
        case 'updated':
          return jiraTimestamp(issue.updated);
        case 'resolutiondate':
          return issue.resolutionDate !== undefined ? jiraTimestamp(issue.resolutionDate) : null;
        case 'statuscategorychangedate':
          return jiraTimestamp(issue.statusCategoryChangeDate);
        case 'lastViewed':
          return null;
        case 'timespent':
          return this.timeSpent(issue);
        case 'timeoriginalestimate':
          return this.estimates(issue).original;
        case 'timeestimate':
          return this.estimates(issue).remaining;
        case 'aggregatetimespent':
          return this.aggregate(issue, (i) => this.timeSpent(i));
        case 'aggregatetimeoriginalestimate':
          return this.aggregate(issue, (i) => this.estimates(i).original);
        case 'aggregatetimeestimate':
          return this.aggregate(issue, (i) => this.estimates(i).remaining);
        case 'progress':
          return this.progress(this.timeSpent(issue), this.estimates(issue).remaining);
        case 'aggregateprogress':
          return this.progress(
            this.aggregate(issue, (i) => this.timeSpent(i)),
            this.aggregate(issue, (i) => this.estimates(i).remaining),
          );
        case 'workratio': {
          const orig = this.estimates(issue).original;
          return orig && orig > 0 ? Math.round(((this.timeSpent(issue) ?? 0) * 100) / orig) : -1;
        }
        case 'timetracking':
          return this.timetracking(issue);
        case 'issuerestriction':
          return { issuerestrictions: {}, shouldDisplay: project?.style === 'next-gen' };
        case 'watches':
          return {
            self: `${this.base}/issue/${issue.key}/watchers`,
            watchCount: issue.watchers.size,
            isWatching: issue.watchers.has(this.ctx.viewerId),
          };
        case 'votes':
          return {
            self: `${this.base}/issue/${issue.key}/votes`,
            votes: issue.voters.size,
            hasVoted: issue.voters.has(this.ctx.viewerId),
          };
        case 'subtasks':
          return this.subtasks(issue).map((s) => this.linkedIssue(s));
        case 'issuelinks':
          return issue.linkIds
            .map((id) => site.data.links.get(id))
            .filter((l) => l !== undefined)
            .map((l) => this.issueLink(l, issue))
            .filter((l) => l !== undefined);
        case 'attachment':
          return issue.attachmentIds
            .map((id) => site.data.attachments.get(id))
            .filter((a) => a !== undefined)
            .map((a) => this.attachment(a));
        case 'comment':
          return this.commentPage(issue, false);
        case 'worklog':
          return this.worklogPage(issue, false);
        default:
          return stored ?? null;
      }
    }
    return this.customValue(def, stored);
  }

  private customValue(def: FieldDef, stored: unknown): unknown {
    if (stored === undefined || stored === null) return null;
    if (isSprintField(def)) {
      const ids = Array.isArray(stored) ? stored : [stored];
      return ids.map((id) => this.sprint(id)).filter((s) => s !== null);
    }
    const s = def.schema;
    switch (s.type) {
      case 'datetime':
        return typeof stored === 'number' ? jiraTimestamp(stored) : stored;
      case 'user':
        return this.user(stored);
      case 'group':
        return this.group(stored);
      case 'option':
        return this.option(def.id, stored);
      case 'option-with-child': {
        const v = stored as { id: string; childId?: string };
        const out = this.option(def.id, v.id) ?? {};
        if (v.childId !== undefined) out.child = this.option(def.id, v.childId);
        return out;
      }
      case 'version': {
        const v = this.findVersion(String(stored));
        return v ? renderVersion(this.ctx, v) : null;
      }
      case 'array': {
        const list = Array.isArray(stored) ? stored : [stored];
        switch (s.items) {
          case 'user':
            return list.map((a) => this.user(a)).filter((u) => u !== null);
          case 'group':
            return list.map((g) => this.group(g)).filter((g) => g !== null);
          case 'option':
            return list.map((o) => this.option(def.id, o));
          case 'version':
            return list
              .map((id) => this.findVersion(String(id)))
              .filter((v) => v !== undefined)
              .map((v) => renderVersion(this.ctx, v));
          default:
            return [...list];
        }
      }
      default:
        return stored;
    }
  }

  private findVersion(id: string): Version | undefined {
    for (const p of this.site.data.projects.values()) {
      const v = p.versions.get(id);
      if (v) return v;
    }
    return undefined;
  }

  private timetracking(issue: Issue): Json {
    const { original, remaining } = this.estimates(issue);
    const spent = this.timeSpent(issue);
    const out: Json = {};
    if (original !== null) out.originalEstimate = formatDuration(original);
    if (remaining !== null) out.remainingEstimate = formatDuration(remaining);
    if (spent !== null) out.timeSpent = formatDuration(spent);
    if (original !== null) out.originalEstimateSeconds = original;
    if (remaining !== null) out.remainingEstimateSeconds = remaining;
    if (spent !== null) out.timeSpentSeconds = spent;
    return out;
  }

  /** The HTML-view value of a field (renderedFields). */
  renderedValue(issue: Issue, def: FieldDef): unknown {
    const value = issue.fields[def.id];
    if (def.adf || def.schema.custom === 'com.atlassian.jira.plugin.system.customfieldtypes:textarea') {
      return value && typeof value === 'object' ? this.html(value as AdfDoc) : '';
    }
    switch (def.id) {
      case 'created':
        return formatRenderedDateTime(issue.created, this.timeZone);
      case 'updated':
        return formatRenderedDateTime(issue.updated, this.timeZone);
      case 'statuscategorychangedate':
        return formatRenderedDateTime(issue.statusCategoryChangeDate, this.timeZone);
      case 'resolutiondate':
        return issue.resolutionDate !== undefined ? formatRenderedDateTime(issue.resolutionDate, this.timeZone) : null;
      case 'duedate':
        return typeof value === 'string' ? formatRenderedDate(value) : null;
      case 'comment':
        return this.commentPage(issue, true);
      case 'worklog':
        return this.worklogPage(issue, true);
      case 'attachment':
        return this.fieldValue(issue, def);
      case 'timetracking': {
        const t = this.timetracking(issue);
        const out: Json = {};
        for (const k of ['originalEstimate', 'remainingEstimate', 'timeSpent']) if (t[k] !== undefined) out[k] = t[k];
        return out;
      }
      default:
        break;
    }
    if (def.custom && value !== undefined && value !== null) {
      if (def.schema.type === 'datetime' && typeof value === 'number')
        return formatRenderedDateTime(value, this.timeZone);
      if (def.schema.type === 'date' && typeof value === 'string') return formatRenderedDate(value);
    }
    return null;
  }

  html(doc: AdfDoc | undefined | null): string | null {
    return adfToHtml(doc, { mentionName: (id) => this.ctx.sim.world.accounts.get(id)?.displayName });
  }

  // ---- comments, worklogs, attachments, histories -----------------------------------------

  commentSelf(issue: Issue, comment: Comment): string {
    return `${this.base}/issue/${issue.id}/comment/${comment.id}`;
  }

  /** A Comment as the comment endpoints return it. `renderedOnly` replaces the body by its HTML. */
  comment(
    issue: Issue,
    c: Comment,
    options: { renderedBody?: boolean; properties?: boolean; renderedOnly?: boolean } = {},
  ): Json {
    const out: Json = {
      self: this.commentSelf(issue, c),
      id: c.id,
      author: renderUser(this.ctx, c.authorId),
      body: options.renderedOnly ? this.html(c.body) : c.body,
    };
    if (options.renderedBody) out.renderedBody = this.html(c.body);
    out.updateAuthor = renderUser(this.ctx, c.updateAuthorId);
    out.created = jiraTimestamp(c.created);
    out.updated = jiraTimestamp(c.updated);
    if (c.visibility) out.visibility = renderVisibility(c.visibility);
    out.jsdPublic = c.jsdPublic;
    if (options.properties) out.properties = propertyList(c.properties);
    return out;
  }

  /** `fields.comment`: the first 20 visible comments, oldest first. */
  commentPage(issue: Issue, rendered: boolean): Json {
    const all = this.visibleComments(issue);
    const page = all.slice(0, EMBEDDED_COMMENT_LIMIT);
    return {
      comments: page.map((c) => this.comment(issue, c, { renderedOnly: rendered })),
      self: `${this.base}/issue/${issue.id}/comment`,
      maxResults: page.length,
      total: all.length,
      startAt: 0,
    };
  }

  worklog(issue: Issue, w: Worklog, options: { properties?: boolean; renderedOnly?: boolean } = {}): Json {
    const out: Json = {
      self: `${this.base}/issue/${issue.id}/worklog/${w.id}`,
      author: renderUser(this.ctx, w.authorId),
      updateAuthor: renderUser(this.ctx, w.updateAuthorId),
    };
    if (w.comment) out.comment = options.renderedOnly ? this.html(w.comment) : w.comment;
    out.created = jiraTimestamp(w.created);
    out.updated = jiraTimestamp(w.updated);
    if (w.visibility) out.visibility = renderVisibility(w.visibility);
    out.started = jiraTimestamp(w.started);
    out.timeSpent = formatDuration(w.timeSpentSeconds);
    out.timeSpentSeconds = w.timeSpentSeconds;
    out.id = w.id;
    out.issueId = issue.id;
    if (options.properties) out.properties = propertyList(w.properties);
    return out;
  }

  /** `fields.worklog`: the first 20 visible worklogs, with maxResults 20 as Jira sends it. */
  worklogPage(issue: Issue, rendered: boolean): Json {
    const all = this.visibleWorklogs(issue);
    return {
      startAt: 0,
      maxResults: EMBEDDED_WORKLOG_LIMIT,
      total: all.length,
      worklogs: all.slice(0, EMBEDDED_WORKLOG_LIMIT).map((w) => this.worklog(issue, w, { renderedOnly: rendered })),
    };
  }

  private isImage(a: Attachment): boolean {
    return a.mimeType.startsWith('image/');
  }

  /** An attachment inside `fields.attachment` (id as a string). */
  attachment(a: Attachment): Json {
    const out: Json = {
      self: `${this.base}/attachment/${a.id}`,
      id: a.id,
      filename: a.filename,
      author: renderUser(this.ctx, a.authorId),
      created: jiraTimestamp(a.created),
      size: a.size,
      mimeType: a.mimeType,
      content: `${this.base}/attachment/content/${a.id}`,
    };
    if (this.isImage(a)) out.thumbnail = `${this.base}/attachment/thumbnail/${a.id}`;
    return out;
  }

  /** GET /attachment/{id}: AttachmentMetadata (id as an int64). */
  attachmentMetadata(a: Attachment): Json {
    const out: Json = {
      id: Number(a.id),
      self: `${this.base}/attachment/${a.id}`,
      filename: a.filename,
      author: renderUser(this.ctx, a.authorId),
      created: jiraTimestamp(a.created),
      size: a.size,
      mimeType: a.mimeType,
      properties: {},
      content: `${this.base}/attachment/content/${a.id}`,
    };
    if (this.isImage(a)) out.thumbnail = `${this.base}/attachment/thumbnail/${a.id}`;
    return out;
  }

  /**
   * A change history. Null `from`/`to` members are left out (the spec types them as strings,
   * and its bulk-fetch example omits them).
   */
  changelog(h: ChangeHistory, onlyFieldIds?: ReadonlySet<string>): Json {
    const items = h.items
      .filter((i) => !onlyFieldIds || onlyFieldIds.has(i.fieldId ?? i.field))
      .map((i) => {
        const entries: Array<[string, unknown]> = [
          ['field', i.field],
          ['fieldtype', i.fieldtype],
          ['fieldId', i.fieldId],
          ['from', i.from],
          ['fromString', i.fromString],
          ['to', i.to],
          ['toString', i.toString],
        ];
        return Object.fromEntries(entries.filter(([, v]) => v !== null && v !== undefined)) as Json;
      });
    const out: Json = { id: h.id, author: renderUser(this.ctx, h.authorId), created: jiraTimestamp(h.created), items };
    if (h.historyMetadata !== undefined && h.historyMetadata !== null && typeof h.historyMetadata === 'object')
      out.historyMetadata = h.historyMetadata;
    return out;
  }

  /** expand=changelog: the most recent `limit` histories, oldest first. */
  changelogPage(issue: Issue, limit: number): Json {
    const total = issue.changelog.length;
    const page = issue.changelog.slice(Math.max(0, total - limit));
    return {
      startAt: total - page.length,
      maxResults: page.length,
      total,
      histories: page.map((h) => this.changelog(h)),
    };
  }

  /**
   * An issue link. With `from`, rendered as `fields.issuelinks` shows it on that issue (only the
   * other end); without, as GET /issueLink/{id} (both ends). Undefined when an end is missing.
   */
  issueLink(link: IssueLink, from?: Issue): Json | undefined {
    const type = this.site.data.issueLinkTypes.get(link.typeId);
    const inward = this.site.data.issues.get(link.inwardIssueId);
    const outward = this.site.data.issues.get(link.outwardIssueId);
    if (!inward || !outward) return undefined;
    const out: Json = {
      id: link.id,
      self: `${this.base}/issueLink/${link.id}`,
      type: {
        id: link.typeId,
        name: type?.name ?? '',
        inward: type?.inward ?? '',
        outward: type?.outward ?? '',
        self: `${this.base}/issueLinkType/${link.typeId}`,
      },
    };
    if (!from || from.id !== link.inwardIssueId) out.inwardIssue = this.linkedIssue(inward);
    if (!from || from.id !== link.outwardIssueId) out.outwardIssue = this.linkedIssue(outward);
    return out;
  }

  // ---- transitions, edit and create metadata ------------------------------------------------

  /** Transitions the viewer can perform from the issue's status (empty without Transition issues). */
  transitions(issue: Issue, options: { withFields?: boolean; transitionId?: string }): Json[] {
    const project = this.site.data.projects.get(issue.projectId);
    if (!project || !hasProjectPermission(this.site, this.ctx.viewerId, project, 'TRANSITION_ISSUES', issue)) return [];
    const workflow = workflowOf(this.site, issue);
    if (!workflow) return [];
    const current = String(issue.fields.status ?? '');
    const out: Json[] = [];
    for (const t of workflow.transitions) {
      if (t.type === 'initial') continue;
      if (t.type === 'directed' && !t.from.includes(current)) continue;
      if (options.transitionId !== undefined && t.id !== options.transitionId) continue;
      const to = this.site.data.statuses.get(t.to);
      const item: Json = {
        id: t.id,
        name: t.name,
        to: to ? renderStatus(this.ctx, to) : { id: t.to },
        hasScreen: t.screenId !== undefined,
        isGlobal: t.type === 'global',
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: t.to === current,
      };
      if (options.withFields) {
        const fields: Json = {};
        const screen = t.screenId ? this.site.data.screens.get(t.screenId) : undefined;
        for (const id of screen?.tabs.flatMap((tab) => tab.fieldIds) ?? []) {
          const def = fieldDefOf(this.site, id);
          if (def)
            fields[def.id] = this.fieldMeta(def, project, String(issue.fields.issuetype ?? ''), 'transition', issue);
        }
        item.fields = fields;
      }
      out.push(item);
    }
    return out;
  }

  /** The edit metadata of an issue (fields on its edit screen; none without Edit issues). */
  editmeta(issue: Issue): Json {
    const project = this.site.data.projects.get(issue.projectId);
    const fields: Json = {};
    if (!project || !hasProjectPermission(this.site, this.ctx.viewerId, project, 'EDIT_ISSUES', issue))
      return { fields };
    const typeId = String(issue.fields.issuetype ?? '');
    const ids =
      screenFieldIds(this.site, project, typeId, 'edit') ??
      this.applicableFields(issue)
        .filter((d) => d.orderable)
        .map((d) => d.id);
    for (const id of ids) {
      const def = fieldDefOf(this.site, id);
      if (!def || id === 'project') continue;
      if (def.custom && !this.contextApplies(def.id, project.id, typeId)) continue;
      fields[def.id] = this.fieldMeta(def, project, typeId, 'edit', issue);
    }
    if (!fields.comment && hasProjectPermission(this.site, this.ctx.viewerId, project, 'ADD_COMMENTS', issue)) {
      fields.comment = this.fieldMeta(fieldDefOf(this.site, 'comment')!, project, typeId, 'edit', issue);
    }
    return { fields };
  }

  /** Field ids on a project's create screen for an issue type (default: orderable applicable fields). */
  createFieldIds(project: Project, issueTypeId: string): string[] {
    const ids = screenFieldIds(this.site, project, issueTypeId, 'create');
    const base = ids ?? [
      ...SYSTEM_FIELDS.filter((f) => f.orderable && !['comment', 'issuelinks', 'worklog'].includes(f.id)).map(
        (f) => f.id,
      ),
      ...[...this.site.data.fields.values()].filter((f) => f.custom).map((f) => f.id),
    ];
    const out = ['issuetype', 'project', ...base.filter((id) => id !== 'issuetype' && id !== 'project')];
    return out.filter((id) => {
      const def = fieldDefOf(this.site, id);
      return def !== undefined && (!def.custom || this.contextApplies(id, project.id, issueTypeId));
    });
  }

  /** FieldMetadata of a field for a create, edit or transition screen. */
  fieldMeta(
    def: FieldDef,
    project: Project,
    issueTypeId: string,
    context: 'create' | 'edit' | 'transition',
    issue?: Issue,
  ): Json {
    const required =
      ['summary', 'issuetype', 'project'].includes(def.id) ||
      (def.id === 'reporter' && context !== 'transition') ||
      (def.id === 'resolution' && context === 'transition');
    const out: Json = { required, schema: jsonTypeBean(def), name: def.name, key: def.key };
    const allowed = this.allowedValues(def, project, issueTypeId);
    if (['assignee', 'reporter'].includes(def.id) || def.schema.type === 'user' || def.schema.items === 'user') {
      out.autoCompleteUrl = `${this.base}/user/search?query=`;
    }
    if (def.id === 'labels') out.autoCompleteUrl = `${this.base}/label/suggest?query=`;
    if (def.id === 'issuelinks')
      out.autoCompleteUrl = `${this.base}/issue/picker?currentProjectId=${project.id}${issue ? `&currentIssueKey=${issue.key}` : ''}&query=`;
    const defaults = this.defaultOptionIds(def.id, project.id, issueTypeId);
    out.hasDefaultValue = defaults.length > 0;
    out.operations = operationsOf(def);
    if (allowed) out.allowedValues = allowed;
    if (defaults.length > 0) {
      const rendered = defaults.map((id) => this.option(def.id, id));
      out.defaultValue = def.schema.type === 'array' ? rendered : rendered[0];
    }
    return out;
  }

  private defaultOptionIds(fieldId: string, projectId: string, issueTypeId: string): string[] {
    for (const c of this.site.data.fieldContexts.values()) {
      if (c.fieldId !== fieldId) continue;
      const projectOk = c.isGlobalContext || c.projectIds.length === 0 || c.projectIds.includes(projectId);
      const typeOk = c.isAnyIssueType || c.issueTypeIds.length === 0 || c.issueTypeIds.includes(issueTypeId);
      if (projectOk && typeOk) return c.defaultOptionIds;
    }
    return [];
  }

  private allowedValues(def: FieldDef, project: Project, issueTypeId: string): unknown[] | undefined {
    const site = this.site;
    switch (def.id) {
      case 'issuetype':
        return projectIssueTypeIds(site, project).map((id) => renderIssueType(this.ctx, site.data.issueTypes.get(id)!));
      case 'project':
        return [renderProjectRef(this.ctx, project)];
      case 'priority':
        return [...site.data.priorities.values()].map((p) => renderPriority(this.ctx, p));
      case 'resolution':
        return [...site.data.resolutions.values()].map((r) => renderResolution(this.ctx, r));
      case 'components':
        return [...project.components.values()].map((c) => renderComponentRef(this.ctx, c));
      case 'versions':
      case 'fixVersions':
        return [...project.versions.values()].map((v) => renderVersion(this.ctx, v));
      case 'security': {
        const scheme = project.issueSecuritySchemeId
          ? site.data.issueSecuritySchemes.get(project.issueSecuritySchemeId)
          : undefined;
        return scheme?.levels.map((l) => ({
          self: `${this.base}/securitylevel/${l.id}`,
          id: l.id,
          description: l.description,
          name: l.name,
        }));
      }
      default:
        break;
    }
    const t = def.schema.type;
    if (
      def.custom &&
      (t === 'option' || t === 'option-with-child' || (t === 'array' && def.schema.items === 'option'))
    ) {
      for (const c of site.data.fieldContexts.values()) {
        if (c.fieldId !== def.id) continue;
        const projectOk = c.isGlobalContext || c.projectIds.length === 0 || c.projectIds.includes(project.id);
        const typeOk = c.isAnyIssueType || c.issueTypeIds.length === 0 || c.issueTypeIds.includes(issueTypeId);
        if (!projectOk || !typeOk) continue;
        const parents = c.options.filter((o) => !o.optionId && !o.disabled);
        return parents.map((o) => {
          const item: Json = { self: `${this.base}/customFieldOption/${o.id}`, value: o.value, id: o.id };
          if (t === 'option-with-child') {
            item.children = c.options
              .filter((x) => x.optionId === o.id && !x.disabled)
              .map((x) => ({ self: `${this.base}/customFieldOption/${x.id}`, value: x.value, id: x.id }));
          }
          return item;
        });
      }
    }
    return undefined;
  }

  /** True when the viewer may browse the issue (Browse projects and security level). */
  canBrowse(issue: Issue): boolean {
    return this.browse.canBrowse(issue);
  }
}

function operationsOf(def: FieldDef): string[] {
  switch (def.id) {
    case 'comment':
      return ['add', 'edit', 'remove'];
    case 'attachment':
      return ['set', 'copy'];
    case 'issuelinks':
      return ['add', 'copy'];
    case 'worklog':
      return ['add'];
    case 'issuetype':
      // Recorded edit and create metadata both list no operations for the issue type.
      return [];
    case 'labels':
    case 'components':
    case 'versions':
    case 'fixVersions':
      return ['add', 'set', 'remove'];
    default:
      return def.schema.type === 'array' ? ['add', 'set', 'remove'] : ['set'];
  }
}

/** Renders one issue bean (a one-off renderer; use IssueRenderer for batches). */
export function renderIssue(ctx: RenderContext, issue: Issue, options: IssueBeanOptions): Json {
  return new IssueRenderer(ctx).bean(issue, options);
}

/**
 * Renderers of Jira's configuration objects: stored world records (world/site.ts) → the REST
 * shapes of the pinned v3 spec (projects, components, versions, roles, issue types and schemes,
 * fields and contexts, statuses, workflows (new API) and workflow schemes, screens, permission,
 * notification and security schemes, priorities, resolutions, link types, filters, dashboards,
 * groups). Most v3 config schemas are closed (`additionalProperties: false`), so these emit only
 * the documented properties. Builds on render/common.ts.
 */
import type { Site } from '../world/types.js';
import type {
  Component,
  Dashboard,
  DashboardGadget,
  FieldContext,
  FieldDef,
  FieldOption,
  Filter,
  Group,
  IssueLinkType,
  IssueSecurityLevel,
  IssueSecurityScheme,
  IssueType,
  IssueTypeScheme,
  IssueTypeScreenScheme,
  NotificationScheme,
  PermissionGrant,
  PermissionHolder,
  PermissionScheme,
  Priority,
  Project,
  ProjectCategory,
  ProjectRole,
  Resolution,
  Screen,
  ScreenScheme,
  SharePermission,
  Status,
  Version,
  Workflow,
  WorkflowScheme,
  WorkflowTransition,
} from '../world/site.js';
import {
  avatarUrls,
  renderIssueType,
  renderPriority,
  renderProjectRef,
  renderResolution,
  renderUser,
  renderVersion,
  restBase,
  stableUuid,
  type RenderContext,
} from './common.js';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Time

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormatters.set(timeZone, f);
  }
  return f;
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

/** Jira's timestamp form in a time zone: `2022-06-09T16:29:31.871-0700`. */
export function formatJiraDateTime(ms: number, timeZone = 'UTC'): string {
  const parts: Record<string, number> = {};
  for (const p of zoneFormatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offsetMin = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
  const sign = offsetMin < 0 ? '-' : '+';
  const millis = ((ms % 1000) + 1000) % 1000;
  return (
    `${parts.year}-${pad(parts.month!)}-${pad(parts.day!)}T${pad(parts.hour!)}:${pad(parts.minute!)}:` +
    `${pad(parts.second!)}.${pad(millis, 3)}${sign}${pad(Math.floor(Math.abs(offsetMin) / 60))}${pad(Math.abs(offsetMin) % 60)}`
  );
}

/** A timestamp in the site's default time zone. */
export function siteDateTime(rc: RenderContext, ms: number): string {
  return formatJiraDateTime(ms, rc.site.data.settings.timeZone);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Jira's user-facing date form of a 'YYYY-MM-DD' date: `6/Jul/2010`. */
export function userDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${d}/${MONTHS[(m ?? 1) - 1]}/${y}`;
}

/** A stable UUID-shaped identifier derived from a name (workflow and scheme version ids). */
export { stableUuid };

// ---------------------------------------------------------------------------------------------
// Users and groups

/** The UserBean shape (dashboard owners, share permissions): no account type, zone or e-mail. */
export function renderUserBean(rc: RenderContext, accountId: string): Json {
  const u = renderUser(rc, accountId);
  return { self: u.self, accountId, displayName: u.displayName, active: u.active, avatarUrls: u.avatarUrls };
}

export function groupSelf(rc: RenderContext, groupId: string): string {
  return `${restBase(rc)}/group?groupId=${encodeURIComponent(groupId)}`;
}

/** GroupName: `{name, groupId, self}`. */
export function renderGroupName(rc: RenderContext, g: Group): Json {
  return { name: g.name, groupId: g.groupId, self: groupSelf(rc, g.groupId) };
}

/** GroupDetails (group/bulk): `{name, groupId}`. */
export function renderGroupDetails(g: Group): Json {
  return { name: g.name, groupId: g.groupId };
}

// ---------------------------------------------------------------------------------------------
// Projects

export function renderProjectCategory(rc: RenderContext, c: ProjectCategory): Json {
  return { self: `${restBase(rc)}/projectCategory/${c.id}`, id: c.id, name: c.name, description: c.description };
}

/** ProjectDetails (scopes of team-managed objects, scheme project lists). */
export function renderProjectDetails(rc: RenderContext, p: Project): Json {
  return renderProjectRef(rc, p);
}

/** IssueTypeDetails (project-scoped types carry a stable UUID entityId). */
export function renderIssueTypeDetails(rc: RenderContext, t: IssueType): Json {
  return renderIssueType(rc, t);
}

/** `{type: 'PROJECT', project: ProjectDetails}` for objects scoped to a team-managed project. */
export function projectScope(rc: RenderContext, projectId: string): Json {
  const p = rc.site.data.projects.get(projectId);
  return { type: 'PROJECT', project: p ? renderProjectDetails(rc, p) : { id: projectId } };
}

/**
 * The issue types a project offers: its scheme's types for company-managed projects; its own
 * project-scoped types for team-managed ones (falling back to the scheme when it has none).
 */
export function projectIssueTypes(site: Site, p: Project): IssueType[] {
  const data = site.data;
  if (p.style === 'next-gen') {
    const own = [...data.issueTypes.values()].filter((t) => t.projectId === p.id);
    if (own.length > 0) return own;
  }
  const scheme = data.issueTypeSchemes.get(p.issueTypeSchemeId);
  const ids = scheme ? scheme.issueTypeIds : [...data.issueTypes.values()].filter((t) => !t.projectId).map((t) => t.id);
  return ids.map((id) => data.issueTypes.get(id)).filter((t): t is IssueType => t !== undefined);
}

export interface ProjectInsight {
  totalIssueCount: number;
  lastIssueUpdateTime?: number;
}

export interface ProjectRenderOptions {
  /** Expand options (description, lead, issueTypes, url, projectKeys, permissions, insight, issueTypeHierarchy). */
  expand: Set<string>;
  /** GET /project/{k} includes description, lead, issue types, components, versions and roles by default. */
  full: boolean;
  /** Property keys requested with `properties=`. */
  propertyKeys?: string[];
  insight?: ProjectInsight;
  /** The caller may administer the project (permissions.canEdit). */
  canEdit?: boolean;
}

/** A Project as GET /project/search (compact + expands) or GET /project/{k} (full) renders it. */
export function renderProject(rc: RenderContext, p: Project, o: ProjectRenderOptions): Json {
  const base = restBase(rc);
  const e = o.expand;
  const out: Json = {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${base}/project/${p.id}`,
    id: p.id,
    key: p.key,
  };
  if (o.full || e.has('description')) out.description = p.description;
  if (o.full || e.has('lead')) out.lead = renderUser(rc, p.leadAccountId);
  if (o.full) {
    out.components = [...p.components.values()].map((c) => renderComponent(rc, c, p));
  }
  if (o.full || e.has('issueTypes'))
    out.issueTypes = projectIssueTypes(rc.site, p).map((t) => renderIssueTypeDetails(rc, t));
  if (o.full) {
    out.assigneeType = p.assigneeType;
    out.versions = [...p.versions.values()].map((v) => renderVersionFull(rc, v, {}));
  }
  out.name = p.name;
  if (o.full) {
    const roles: Record<string, string> = {};
    for (const r of rc.site.data.roles.values()) roles[r.name] = `${base}/project/${p.id}/role/${r.id}`;
    out.roles = roles;
  }
  out.avatarUrls = avatarUrls(base, 'project', p.avatarId);
  if (p.categoryId) {
    const cat = rc.site.data.projectCategories.get(p.categoryId);
    if (cat) out.projectCategory = renderProjectCategory(rc, cat);
  }
  out.projectTypeKey = p.projectTypeKey;
  out.simplified = p.style === 'next-gen';
  out.style = p.style;
  out.isPrivate = p.isPrivate;
  const properties: Json = {};
  for (const key of o.propertyKeys ?? []) {
    if (p.properties.has(key)) properties[key] = p.properties.get(key);
  }
  out.properties = properties;
  if ((o.full || e.has('url')) && p.url !== undefined) out.url = p.url;
  if (e.has('projectKeys')) out.projectKeys = [p.key, ...p.previousKeys.filter((k) => k !== p.key)];
  if (e.has('permissions')) out.permissions = { canEdit: o.canEdit ?? false };
  if (e.has('insight') && o.insight) {
    const insight: Json = { totalIssueCount: o.insight.totalIssueCount };
    if (o.insight.lastIssueUpdateTime !== undefined)
      insight.lastIssueUpdateTime = siteDateTime(rc, o.insight.lastIssueUpdateTime);
    out.insight = insight;
  }
  if (e.has('issueTypeHierarchy')) out.issueTypeHierarchy = renderHierarchy(projectIssueTypes(rc.site, p));
  if (p.status === 'archived') {
    out.archived = true;
    if (p.archivedAt !== undefined) out.archivedDate = siteDateTime(rc, p.archivedAt);
    if (p.archivedById) out.archivedBy = renderUser(rc, p.archivedById);
  }
  if (p.status === 'deleted') {
    out.deleted = true;
    if (p.deletedAt !== undefined) {
      out.deletedDate = siteDateTime(rc, p.deletedAt);
      out.retentionTillDate = siteDateTime(rc, p.deletedAt + TRASH_RETENTION_MS);
    }
    if (p.deletedById) out.deletedBy = renderUser(rc, p.deletedById);
  }
  return out;
}

/** Jira Cloud keeps projects in the trash for 60 days. */
export const TRASH_RETENTION_MS = 60 * 24 * 60 * 60 * 1000;

const LEVEL_NAMES: Record<number, string> = { [-1]: 'Subtask', 0: 'Base', 1: 'Epic' };

function renderHierarchy(types: IssueType[]): Json {
  const levels = [...new Set(types.map((t) => t.hierarchyLevel))].sort((a, b) => a - b);
  return {
    baseLevelId: 0,
    levels: levels.map((level, i) => {
      const out: Json = {
        id: level,
        name: LEVEL_NAMES[level] ?? `Level ${level}`,
        level,
        issueTypeIds: types.filter((t) => t.hierarchyLevel === level).map((t) => Number(t.id)),
      };
      if (i > 0) out.belowLevelId = levels[i - 1];
      if (i < levels.length - 1) out.aboveLevelId = levels[i + 1];
      return out;
    }),
  };
}

/** Who an issue in a component is assigned to by default, resolved the way Jira resolves it. */
function componentAssignee(c: Component, p: Project): { type: Component['assigneeType']; accountId?: string } {
  const projectDefault = (): { type: Component['assigneeType']; accountId?: string } =>
    p.assigneeType === 'PROJECT_LEAD' ? { type: 'PROJECT_LEAD', accountId: p.leadAccountId } : { type: 'UNASSIGNED' };
  switch (c.assigneeType) {
    case 'COMPONENT_LEAD':
      return c.leadAccountId ? { type: 'COMPONENT_LEAD', accountId: c.leadAccountId } : projectDefault();
    case 'PROJECT_LEAD':
      return { type: 'PROJECT_LEAD', accountId: p.leadAccountId };
    case 'UNASSIGNED':
      return { type: 'UNASSIGNED' };
    case 'PROJECT_DEFAULT':
      return projectDefault();
  }
}

/**
 * A component: ProjectComponent, or ComponentWithIssueCount when `issueCount` is given (the
 * paginated list, whose schema has no `leadAccountId`).
 */
export function renderComponent(rc: RenderContext, c: Component, p: Project, issueCount?: number): Json {
  const out: Json = { self: `${restBase(rc)}/component/${c.id}`, id: c.id, name: c.name, description: c.description };
  if (c.leadAccountId) {
    out.lead = renderUser(rc, c.leadAccountId);
    if (issueCount === undefined) out.leadAccountId = c.leadAccountId;
  }
  out.assigneeType = c.assigneeType;
  const direct =
    c.assigneeType === 'COMPONENT_LEAD'
      ? c.leadAccountId
      : c.assigneeType === 'PROJECT_LEAD' || (c.assigneeType === 'PROJECT_DEFAULT' && p.assigneeType === 'PROJECT_LEAD')
        ? p.leadAccountId
        : undefined;
  if (direct) out.assignee = renderUser(rc, direct);
  const real = componentAssignee(c, p);
  out.realAssigneeType = real.type;
  if (real.accountId) out.realAssignee = renderUser(rc, real.accountId);
  out.isAssigneeTypeValid = !(c.assigneeType === 'COMPONENT_LEAD' && !c.leadAccountId);
  out.project = p.key;
  out.projectId = Number(p.id);
  if (issueCount !== undefined) out.issueCount = issueCount;
  return out;
}

export interface VersionIssueStatus {
  toDo: number;
  inProgress: number;
  done: number;
  unmapped: number;
}

/** A Version with the derived fields Jira adds (overdue, user-facing dates) and expands. */
export function renderVersionFull(
  rc: RenderContext,
  v: Version,
  o: { issuesStatus?: VersionIssueStatus; operations?: boolean; today?: string },
): Json {
  const out = renderVersion(rc, v);
  if (v.releaseDate) {
    out.userReleaseDate = userDate(v.releaseDate);
    const today = o.today ?? new Date().toISOString().slice(0, 10);
    out.overdue = !v.released && v.releaseDate < today;
  }
  if (v.startDate) out.userStartDate = userDate(v.startDate);
  if (o.issuesStatus) out.issuesStatusForFixVersion = { ...o.issuesStatus };
  if (o.operations) out.operations = [];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Roles

/** Stable int64 ids for role actors (the model stores actors without ids). */
function actorId(p: Project, role: ProjectRole, index: number): number {
  return Number(p.id) * 1_000_000 + (Number(role.id) % 1000) * 1000 + index;
}

/** The actors of a role in a project, sorted by display name, as RoleActor objects. */
export function renderRoleActors(
  rc: RenderContext,
  p: Project,
  role: ProjectRole,
  o: { excludeInactiveUsers?: boolean } = {},
): Json[] {
  const actors = p.roleActors.get(role.id);
  if (!actors) return [];
  const rows: Array<{ sortName: string; render: (id: number) => Json }> = [];
  for (const accountId of actors.users) {
    const account = rc.sim.world.accounts.get(accountId);
    if (o.excludeInactiveUsers && account && !account.active) continue;
    const displayName = account?.displayName ?? 'Former user';
    rows.push({
      sortName: displayName,
      render: (id) => ({
        id,
        displayName,
        type: 'atlassian-user-role-actor',
        actorUser: { accountId },
        avatarUrl: (renderUser(rc, accountId).avatarUrls as Record<string, string>)['48x48'],
      }),
    });
  }
  for (const groupId of actors.groups) {
    const g = rc.site.data.groups.get(groupId);
    const name = g?.name ?? groupId;
    rows.push({
      sortName: name,
      render: (id) => ({
        id,
        displayName: name,
        name,
        type: 'atlassian-group-role-actor',
        actorGroup: { name, displayName: name, groupId },
      }),
    });
  }
  rows.sort((a, b) => a.sortName.localeCompare(b.sortName, 'en', { sensitivity: 'base' }));
  return rows.map((r, i) => r.render(actorId(p, role, i)));
}

/** Whether a project's permission scheme makes this role its administrators. */
export function roleAdministersProject(site: Site, p: Project, role: ProjectRole): boolean {
  const scheme = site.data.permissionSchemes.get(p.permissionSchemeId);
  return (
    scheme?.permissions.some(
      (g) =>
        g.permission === 'ADMINISTER_PROJECTS' && g.holder.type === 'projectRole' && g.holder.parameter === role.id,
    ) ?? false
  );
}

/** ProjectRole: in a project (with actors) or site-wide (GET /role). */
export function renderProjectRole(
  rc: RenderContext,
  role: ProjectRole,
  o: { project?: Project; actors?: Json[]; currentUserRole?: boolean },
): Json {
  const base = restBase(rc);
  const out: Json = {
    self: o.project ? `${base}/project/${o.project.id}/role/${role.id}` : `${base}/role/${role.id}`,
    name: role.name,
    id: Number(role.id),
    description: role.description,
  };
  if (o.actors) out.actors = o.actors;
  if (o.project) {
    out.admin = roleAdministersProject(rc.site, o.project, role);
    if (o.currentUserRole !== undefined) out.currentUserRole = o.currentUserRole;
  }
  out.roleConfigurable = true;
  out.translatedName = role.name;
  return out;
}

/** ProjectRoleDetails (GET /project/{k}/roledetails). */
export function renderRoleDetails(rc: RenderContext, role: ProjectRole, p: Project): Json {
  return {
    self: `${restBase(rc)}/project/${p.id}/role/${role.id}`,
    name: role.name,
    id: Number(role.id),
    description: role.description,
    admin: roleAdministersProject(rc.site, p, role),
    roleConfigurable: true,
    translatedName: role.name,
    type: 'DEFAULT',
  };
}

// ---------------------------------------------------------------------------------------------
// Issue types and their schemes

export function renderIssueTypeScheme(s: IssueTypeScheme): Json {
  const out: Json = { id: s.id, name: s.name, description: s.description };
  if (s.defaultIssueTypeId) out.defaultIssueTypeId = s.defaultIssueTypeId;
  if (s.isDefault) out.isDefault = true;
  return out;
}

export function renderIssueTypeScreenScheme(s: IssueTypeScreenScheme): Json {
  return { id: s.id, name: s.name, description: s.description };
}

/** A nested, single-page PageBean (`projects`, `issueTypes` expands of scheme lists). */
export function nestedPage(values: Json[]): Json {
  return { isLast: true, maxResults: 100, startAt: 0, total: values.length, values: values.slice(0, 100) };
}

// ---------------------------------------------------------------------------------------------
// Fields

function renderFieldSchema(f: FieldDef): Json {
  const s = f.schema;
  const out: Json = { type: s.type };
  if (s.items !== undefined) out.items = s.items;
  if (s.system !== undefined) out.system = s.system;
  if (s.custom !== undefined) out.custom = s.custom;
  if (s.customId !== undefined) out.customId = s.customId;
  return out;
}

/** FieldDetails (GET /field), the shape of the recorded field.json without `untranslatedName`. */
export function renderFieldDetails(rc: RenderContext, f: FieldDef): Json {
  const out: Json = {
    id: f.id,
    key: f.key,
    name: f.name,
    custom: f.custom,
    orderable: f.orderable,
    navigable: f.navigable,
    searchable: f.searchable,
    clauseNames: [...f.clauseNames],
  };
  if (f.projectId) out.scope = projectScope(rc, f.projectId);
  out.schema = renderFieldSchema(f);
  return out;
}

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';

/** The searcher Jira pairs with each built-in custom field type. */
const SEARCHERS: Record<string, string> = {
  select: 'multiselectsearcher',
  multiselect: 'multiselectsearcher',
  radiobuttons: 'multiselectsearcher',
  multicheckboxes: 'multiselectsearcher',
  cascadingselect: 'cascadingselectsearcher',
  textfield: 'textsearcher',
  textarea: 'textsearcher',
  url: 'exacttextsearcher',
  float: 'exactnumber',
  datepicker: 'daterange',
  datetime: 'datetimerange',
  userpicker: 'userpickergroupsearcher',
  multiuserpicker: 'userpickergroupsearcher',
  grouppicker: 'grouppickersearcher',
  multigrouppicker: 'grouppickersearcher',
  labels: 'labelsearcher',
  version: 'versionsearcher',
  multiversion: 'versionsearcher',
  project: 'projectsearcher',
};

export function searcherKey(f: FieldDef): string | undefined {
  const custom = f.schema.custom;
  if (!custom?.startsWith(CF)) return undefined;
  const s = SEARCHERS[custom.slice(CF.length)];
  return s ? CF + s : undefined;
}

/** Fields managed by Jira itself (Jira Software, JSM, Advanced Roadmaps) are locked. */
export function isLockedField(f: FieldDef): boolean {
  const custom = f.schema.custom ?? '';
  return (
    custom.startsWith('com.pyxis.greenhopper.jira:') ||
    custom.startsWith('com.atlassian.servicedesk') ||
    custom.startsWith('com.atlassian.jpo:')
  );
}

export interface FieldStats {
  screensCount: number;
  contextsCount: number;
  /** Last time an issue holding a value of the field changed (custom fields). */
  lastUsed?: number;
}

/** Field (GET /field/search): id, name, schema, description, plus the requested expands. */
export function renderPagedField(rc: RenderContext, f: FieldDef, expand: Set<string>, stats: FieldStats): Json {
  const out: Json = { id: f.id, name: f.name, schema: renderFieldSchema(f) };
  if (f.description) out.description = f.description;
  if (expand.has('key')) out.key = f.key;
  if (expand.has('stableId')) out.stableId = `sfid:${f.id}`;
  if (expand.has('isLocked')) out.isLocked = isLockedField(f);
  if (expand.has('searcherKey') && f.custom) {
    const s = searcherKey(f);
    if (s) out.searcherKey = s;
  }
  if (expand.has('screensCount')) out.screensCount = stats.screensCount;
  if (expand.has('contextsCount')) out.contextsCount = stats.contextsCount;
  if (expand.has('lastUsed')) {
    if (!f.custom) out.lastUsed = { type: 'NOT_TRACKED' };
    else if (stats.lastUsed === undefined) out.lastUsed = { type: 'NO_INFORMATION' };
    else out.lastUsed = { type: 'TRACKED', value: siteDateTime(rc, stats.lastUsed) };
  }
  return out;
}

export function renderFieldContext(c: FieldContext): Json {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    isGlobalContext: c.isGlobalContext,
    isAnyIssueType: c.isAnyIssueType,
  };
}

export function renderFieldOption(o: FieldOption): Json {
  const out: Json = { id: o.id, value: o.value, disabled: o.disabled };
  if (o.optionId) out.optionId = o.optionId;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Statuses and workflows

const CATEGORY_ENUM: Record<string, 'TODO' | 'IN_PROGRESS' | 'DONE'> = {
  new: 'TODO',
  indeterminate: 'IN_PROGRESS',
  done: 'DONE',
  undefined: 'TODO',
};

export function statusCategoryEnum(site: Site, s: Status): 'TODO' | 'IN_PROGRESS' | 'DONE' {
  const key = site.data.statusCategories.get(s.statusCategoryId)?.key ?? 'undefined';
  return CATEGORY_ENUM[key] ?? 'TODO';
}

/** JiraStatus (the new status API: /statuses, /statuses/search). */
export function renderJiraStatus(rc: RenderContext, s: Status): Json {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    statusCategory: statusCategoryEnum(rc.site, s),
    scope: s.projectId ? { type: 'PROJECT', project: { id: s.projectId } } : { type: 'GLOBAL' },
  };
}

/**
 * The statusReference of a status inside a workflow. Jira uses the status id for statuses that
 * already exist (the spec's examples show `statusReference` equal to `id`); so does the simulator.
 */
export function statusReference(s: Status): string {
  return s.id;
}

/** JiraWorkflowStatus: a status as the workflow APIs list it, with its statusReference. */
export function renderWorkflowStatus(rc: RenderContext, s: Status): Json {
  return { ...renderJiraStatus(rc, s), statusReference: statusReference(s) };
}

function workflowScope(w: Workflow): Json {
  return w.scope.type === 'PROJECT' ? { type: 'PROJECT', project: { id: w.scope.projectId } } : { type: 'GLOBAL' };
}

const TRANSITION_TYPE: Record<WorkflowTransition['type'], string> = {
  initial: 'INITIAL',
  directed: 'DIRECTED',
  global: 'GLOBAL',
};

function renderTransition(t: WorkflowTransition): Json {
  const out: Json = {
    id: t.id,
    name: t.name,
    description: t.description,
    type: TRANSITION_TYPE[t.type],
    toStatusReference: t.to,
    links: t.from.map((from) => ({ fromStatusReference: from, fromPort: 0, toPort: 1 })),
    actions: [],
    validators: [],
    triggers: [],
    properties: {},
  };
  if (t.screenId) out.transitionScreen = { ruleKey: 'system:transition-screen', parameters: { screenId: t.screenId } };
  return out;
}

/** JiraWorkflow (POST /workflows, GET /workflows/search); transitions only when asked for. */
export function renderWorkflow(rc: RenderContext, w: Workflow, o: { transitions: boolean }): Json {
  const out: Json = {
    id: w.id,
    name: w.name,
    description: w.description,
    scope: workflowScope(w),
    version: { id: stableUuid(rc.site.cloudId, 'workflow', w.id, w.version), versionNumber: w.version },
    isEditable: true,
    created: siteDateTime(rc, w.created),
    updated: siteDateTime(rc, w.updated),
    startPointLayout: { x: -100, y: -150 },
    statuses: w.statusIds.map((id, i) => ({
      statusReference: id,
      layout: { x: 150 * i, y: 0 },
      deprecated: false,
      properties: {},
    })),
  };
  if (o.transitions) out.transitions = w.transitions.map(renderTransition);
  return out;
}

/** WorkflowScheme as the classic API renders it: workflows referred to by name. */
export function renderWorkflowScheme(rc: RenderContext, s: WorkflowScheme, o: { draftFlag?: boolean } = {}): Json {
  const wf = rc.site.data.workflows;
  const mappings: Record<string, string> = {};
  for (const [issueTypeId, workflowId] of Object.entries(s.issueTypeMappings)) {
    const w = wf.get(workflowId);
    if (w) mappings[issueTypeId] = w.name;
  }
  const out: Json = {
    id: Number(s.id),
    name: s.name,
    description: s.description,
    defaultWorkflow: wf.get(s.defaultWorkflowId)?.name ?? 'jira',
    issueTypeMappings: mappings,
    self: `${restBase(rc)}/workflowscheme/${s.id}`,
  };
  if (o.draftFlag) out.draft = false;
  return out;
}

function workflowMetadata(rc: RenderContext, w: Workflow): Json {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    version: { id: stableUuid(rc.site.cloudId, 'workflow', w.id, w.version), versionNumber: w.version },
  };
}

/** WorkflowSchemeReadResponse (POST /workflowscheme/read). */
export function renderWorkflowSchemeRead(rc: RenderContext, s: WorkflowScheme, scopeProjectId?: string): Json {
  const wf = rc.site.data.workflows;
  const byWorkflow = new Map<string, string[]>();
  for (const [issueTypeId, workflowId] of Object.entries(s.issueTypeMappings)) {
    if (!wf.has(workflowId)) continue;
    const list = byWorkflow.get(workflowId) ?? [];
    list.push(issueTypeId);
    byWorkflow.set(workflowId, list);
  }
  const out: Json = {
    id: s.id,
    name: s.name,
    description: s.description,
    scope: scopeProjectId ? { type: 'PROJECT', project: { id: scopeProjectId } } : { type: 'GLOBAL' },
    version: { id: stableUuid(rc.site.cloudId, 'workflowscheme', s.id), versionNumber: 1 },
    workflowsForIssueTypes: [...byWorkflow].map(([workflowId, issueTypeIds]) => ({
      issueTypeIds,
      workflow: workflowMetadata(rc, wf.get(workflowId)!),
    })),
  };
  const def = wf.get(s.defaultWorkflowId);
  if (def) out.defaultWorkflow = workflowMetadata(rc, def);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Screens

export function renderScreen(s: Screen): Json {
  return { id: Number(s.id), name: s.name, description: s.description };
}

export function renderScreenScheme(s: ScreenScheme, issueTypeScreenSchemes?: Json): Json {
  const screens: Json = {};
  for (const op of ['default', 'create', 'edit', 'view']) {
    const id = s.screens[op];
    if (id !== undefined) screens[op] = Number(id);
  }
  const out: Json = { id: Number(s.id), name: s.name, description: s.description, screens };
  if (issueTypeScreenSchemes) out.issueTypeScreenSchemes = issueTypeScreenSchemes;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Permission, notification and security schemes

const HOLDER_EXPAND: Partial<Record<PermissionHolder['type'], string>> = {
  group: 'group',
  projectRole: 'projectRole',
  user: 'user',
};

/** PermissionHolder: group `parameter` is the group name and `value` its id, as Jira documents. */
export function renderPermissionHolder(rc: RenderContext, h: PermissionHolder, expanded: Set<string>): Json {
  const out: Json = { type: h.type };
  switch (h.type) {
    case 'group': {
      const g = rc.site.data.groups.get(h.parameter);
      out.parameter = g?.name ?? h.parameter;
      out.value = h.parameter;
      break;
    }
    case 'projectRole':
    case 'user':
      out.parameter = h.parameter;
      out.value = h.parameter;
      break;
    case 'applicationRole':
      if (h.parameter) {
        out.parameter = h.parameter;
        out.value = h.parameter;
      }
      break;
    default:
      break;
  }
  const ex = HOLDER_EXPAND[h.type];
  if (ex && !expanded.has(ex) && !expanded.has('all')) out.expand = ex;
  return out;
}

export function renderPermissionGrant(
  rc: RenderContext,
  s: PermissionScheme,
  g: PermissionGrant,
  expand: Set<string>,
): Json {
  return {
    id: Number(g.id),
    self: `${restBase(rc)}/permissionscheme/${s.id}/permission/${g.id}`,
    holder: renderPermissionHolder(rc, g.holder, expand),
    permission: g.permission,
  };
}

/** PermissionScheme; grants are included when any expand value is given (as Jira documents). */
export function renderPermissionScheme(rc: RenderContext, s: PermissionScheme, expand: Set<string>): Json {
  const out: Json = {
    expand: 'permissions,user,group,projectRole,field,all',
    id: Number(s.id),
    self: `${restBase(rc)}/permissionscheme/${s.id}`,
    name: s.name,
    description: s.description,
  };
  if (expand.size > 0) out.permissions = s.permissions.map((g) => renderPermissionGrant(rc, s, g, expand));
  return out;
}

const NOTIFICATION_TYPES: Record<string, string> = {
  currentassignee: 'CurrentAssignee',
  assignee: 'CurrentAssignee',
  reporter: 'Reporter',
  currentuser: 'CurrentUser',
  projectlead: 'ProjectLead',
  componentlead: 'ComponentLead',
  user: 'User',
  singleuser: 'User',
  group: 'Group',
  projectrole: 'ProjectRole',
  emailaddress: 'EmailAddress',
  singleemailaddress: 'EmailAddress',
  allwatchers: 'AllWatchers',
  watchers: 'AllWatchers',
  usercustomfield: 'UserCustomField',
  groupcustomfield: 'GroupCustomField',
};

/** Normalises a stored recipient type ('group', 'Group', 'allWatchers'…) to Jira's notificationType. */
export function notificationType(type: string): string {
  return NOTIFICATION_TYPES[type.replace(/[_\s-]/g, '').toLowerCase()] ?? type;
}

function renderNotification(
  rc: RenderContext,
  recipient: { type: string; parameter?: string },
  id: number,
  expand: Set<string>,
): Json {
  const type = notificationType(recipient.type);
  const all = expand.has('all');
  const out: Json = { id, notificationType: type };
  const param = recipient.parameter;
  if (param === undefined) return out;
  out.parameter = param;
  out.recipient = param;
  const data = rc.site.data;
  switch (type) {
    case 'Group': {
      const g = data.groups.get(param);
      if (g) {
        out.parameter = g.name;
        if (all || expand.has('group')) out.group = renderGroupName(rc, g);
        else out.expand = 'group';
      }
      break;
    }
    case 'ProjectRole': {
      const role = data.roles.get(param);
      if (role) {
        if (all || expand.has('projectRole')) out.projectRole = renderProjectRole(rc, role, {});
        else out.expand = 'projectRole';
      }
      break;
    }
    case 'User':
      if (all || expand.has('user')) out.user = renderUser(rc, param);
      else out.expand = 'user';
      break;
    case 'EmailAddress':
      out.emailAddress = param;
      break;
    case 'UserCustomField':
    case 'GroupCustomField': {
      const f = data.fields.get(param);
      if (f) {
        if (all || expand.has('field')) out.field = renderFieldDetails(rc, f);
        else out.expand = 'field';
      }
      break;
    }
    default:
      break;
  }
  return out;
}

/** NotificationScheme; events are included with `notificationSchemeEvents` or `all`. */
export function renderNotificationScheme(
  rc: RenderContext,
  s: NotificationScheme,
  expand: Set<string>,
  projectIds: string[],
): Json {
  const out: Json = {
    expand: 'notificationSchemeEvents,user,group,projectRole,field,all',
    id: Number(s.id),
    self: `${restBase(rc)}/notificationscheme/${s.id}`,
    name: s.name,
    description: s.description,
  };
  if (expand.has('notificationSchemeEvents') || expand.has('all')) {
    let n = 0;
    out.notificationSchemeEvents = s.events.map((ev) => ({
      event: { id: Number(ev.eventId), name: ev.eventName, description: '' },
      notifications: ev.recipients.map((r) => renderNotification(rc, r, ++n, expand)),
    }));
  }
  out.projects = projectIds.map(Number);
  return out;
}

export function renderSecurityLevel(rc: RenderContext, s: IssueSecurityScheme, l: IssueSecurityLevel): Json {
  return {
    self: `${restBase(rc)}/securitylevel/${l.id}`,
    id: l.id,
    description: l.description,
    name: l.name,
    isDefault: s.defaultLevelId === l.id,
    issueSecuritySchemeId: s.id,
  };
}

/** SecurityScheme: the list omits levels (as Jira's does); GET /issuesecurityschemes/{id} has them. */
export function renderSecurityScheme(rc: RenderContext, s: IssueSecurityScheme, withLevels: boolean): Json {
  const out: Json = {
    self: `${restBase(rc)}/issuesecurityschemes/${s.id}`,
    id: Number(s.id),
    name: s.name,
    description: s.description,
  };
  if (s.defaultLevelId) out.defaultSecurityLevelId = Number(s.defaultLevelId);
  if (withLevels) out.levels = s.levels.map((l) => renderSecurityLevel(rc, s, l));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Priorities, resolutions, link types

export function renderPriorityFull(rc: RenderContext, p: Priority): Json {
  return {
    ...renderPriority(rc, p),
    description: p.description,
    statusColor: p.statusColor,
    isDefault: p.isDefault,
  };
}

/** ResolutionJsonBean: the schema names the default flag `default`. */
export function renderResolutionFull(rc: RenderContext, r: Resolution): Json {
  return { ...renderResolution(rc, r), default: r.isDefault };
}

export function renderIssueLinkType(rc: RenderContext, t: IssueLinkType): Json {
  return {
    id: t.id,
    name: t.name,
    inward: t.inward,
    outward: t.outward,
    self: `${restBase(rc)}/issueLinkType/${t.id}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Filters and dashboards

/** Stable int64 id of a share entry without a stored id (filters and dashboards do not collide). */
function shareId(ownerId: string, kind: SharedKind, index: number): number {
  return Number(ownerId) * 1000 + SHARE_KINDS.indexOf(kind) * 250 + index;
}

const SHARE_KINDS = ['filter-share', 'filter-edit', 'dashboard-share', 'dashboard-edit'] as const;
export type SharedKind = (typeof SHARE_KINDS)[number];

/**
 * A SharePermission. Project shares the viewer cannot browse render as `project-unknown`, with no
 * project details (as Jira does). `canSeeProject` decides.
 */
export function renderSharePermission(
  rc: RenderContext,
  sp: SharePermission,
  id: number,
  canSeeProject: (projectId: string) => boolean,
): Json {
  const out: Json = { id: sp.id !== undefined ? Number(sp.id) : id, type: sp.type };
  const data = rc.site.data;
  switch (sp.type) {
    case 'group': {
      const g = sp.groupId ? data.groups.get(sp.groupId) : undefined;
      if (g) out.group = renderGroupName(rc, g);
      break;
    }
    case 'user':
      if (sp.accountId) out.user = renderUserBean(rc, sp.accountId);
      break;
    case 'project':
    case 'project-unknown': {
      const p = sp.projectId ? data.projects.get(sp.projectId) : undefined;
      if (!p || !canSeeProject(p.id)) {
        out.type = 'project-unknown';
        break;
      }
      out.type = 'project';
      out.project = renderShareProject(rc, p);
      const role = sp.roleId ? data.roles.get(sp.roleId) : undefined;
      if (role) out.role = renderProjectRole(rc, role, { project: p });
      break;
    }
    default:
      break;
  }
  return out;
}

/** The project subset share permissions embed (self, id, key, name, avatars, type, simplified…). */
function renderShareProject(rc: RenderContext, p: Project): Json {
  const out: Json = {
    self: `${restBase(rc)}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    assigneeType: p.assigneeType,
    avatarUrls: avatarUrls(restBase(rc), 'project', p.avatarId),
    projectTypeKey: p.projectTypeKey,
    simplified: p.style === 'next-gen',
    style: p.style,
  };
  if (p.categoryId) {
    const cat = rc.site.data.projectCategories.get(p.categoryId);
    if (cat) out.projectCategory = renderProjectCategory(rc, cat);
  }
  return out;
}

export function renderSharePermissions(
  rc: RenderContext,
  ownerId: string,
  list: SharePermission[],
  kind: SharedKind,
  canSeeProject: (projectId: string) => boolean,
): Json[] {
  return list.map((sp, i) => renderSharePermission(rc, sp, shareId(ownerId, kind, i), canSeeProject));
}

export function filterViewUrl(rc: RenderContext, f: Filter): string {
  return `${rc.sim.urls.siteBrowse(rc.site.name)}/issues/?filter=${f.id}`;
}

export function filterSearchUrl(rc: RenderContext, f: Filter): string {
  return `${restBase(rc)}/search/jql?jql=${encodeURIComponent(f.jql)}`;
}

export function renderColumns(rc: RenderContext, f: Filter): Json[] {
  return f.columns.map((id) => ({ label: rc.site.data.fields.get(id)?.name ?? id, value: id }));
}

export function dashboardViewUrl(rc: RenderContext, d: Dashboard): string {
  return `${rc.sim.urls.siteBrowse(rc.site.name)}/jira/dashboards/${d.id}`;
}

const GADGET_COLORS = new Set(['blue', 'red', 'yellow', 'green', 'cyan', 'purple', 'gray', 'white']);

/**
 * DashboardGadget. `position` is `{row, column}` as Jira sends it (and as the spec's own example
 * shows); the pinned schema's property names for it are a generator defect.
 */
export function renderGadget(g: DashboardGadget): Json {
  return {
    id: Number(g.id),
    moduleKey: g.moduleKey,
    color: GADGET_COLORS.has(g.color) ? g.color : 'blue',
    position: { row: g.position.row, column: g.position.column },
    title: g.title,
  };
}

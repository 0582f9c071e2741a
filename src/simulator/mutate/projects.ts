/**
 * Projects, components and versions.
 *
 * Company-managed ('classic') projects share the site's schemes (the ones given, else the site's
 * defaults). Team-managed ('next-gen') projects get their own project-scoped issue types
 * (Epic, Story, Task, Bug, Subtask), statuses (To Do, In Progress, Done), a PROJECT-scoped
 * workflow in which every status can be reached from any other (global transitions), and the
 * schemes that hold them, as Jira creates them.
 *
 * Renaming a project key re-keys its issues (ABC-7 → XYZ-7); old project and issue keys keep
 * resolving.
 */
import { notFound } from '../http/errors.js';
import { type AuditValues, auditItem, valuesChanged, valuesSet } from '../world/audit.js';
import { type ConfigChange, emitSiteEvent } from '../world/events.js';
import { nextId } from '../world/factory.js';
import type {
  AuditItem,
  Component,
  IssueType,
  Project,
  ProjectTypeKey,
  Status,
  Version,
  Workflow,
} from '../world/site.js';
import { stableUuid } from '../generator/prng.js';
import { type MutationContext, failure, touch, validation } from './context.js';

export interface ProjectSchemes {
  issueTypeSchemeId: string;
  workflowSchemeId: string;
  screenSchemeId?: string;
  issueTypeScreenSchemeId: string;
  permissionSchemeId: string;
  notificationSchemeId: string;
  issueSecuritySchemeId?: string;
}

export interface CreateProjectInput {
  key: string;
  name: string;
  projectTypeKey: ProjectTypeKey;
  style?: 'classic' | 'next-gen';
  leadAccountId: string;
  description?: string;
  categoryId?: string;
  url?: string;
  assigneeType?: 'PROJECT_LEAD' | 'UNASSIGNED';
  avatarId?: number;
  isPrivate?: boolean;
  schemes?: Partial<ProjectSchemes>;
}

const KEY = /^[A-Z][A-Z0-9_]{1,9}$/;

function checkKey(ctx: MutationContext, key: string, self?: Project): void {
  if (typeof key !== 'string' || !KEY.test(key))
    validation(
      'projectKey',
      'Project keys must start with an uppercase letter, followed by one or more uppercase alphanumeric characters (2 to 10 characters).',
    );
  const owner = ctx.site.data.projectKeys.get(key);
  if (owner !== undefined && owner !== self?.id) validation('projectKey', `Project '${key}' uses this project key.`);
}

function checkName(ctx: MutationContext, name: string, self?: Project): void {
  if (typeof name !== 'string' || name.trim().length < 2)
    validation('projectName', 'The project name must be at least 2 characters.');
  if (name.length > 80) validation('projectName', 'The project name must not exceed 80 characters in length.');
  for (const p of ctx.site.data.projects.values())
    if (p !== self && p.status !== 'deleted' && p.name.toLowerCase() === name.toLowerCase())
      validation('projectName', 'A project with that name already exists.');
}

function first<T>(map: Map<string, T>, pick?: (v: T) => boolean): string | undefined {
  for (const [id, v] of map) if (!pick || pick(v)) return id;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Audit views (world/audit.ts): the values of an object as the audit log shows them

function projectValues(ctx: MutationContext, p: Project): AuditValues {
  return {
    Name: p.name,
    Key: p.key,
    Description: p.description,
    'Project lead': p.leadAccountId,
    'Default assignee': p.assigneeType === 'PROJECT_LEAD' ? 'Project lead' : 'Unassigned',
    'Project type': p.projectTypeKey,
    'Project category': p.categoryId ? ctx.site.data.projectCategories.get(p.categoryId)?.name : undefined,
    URL: p.url,
  };
}

function projectItem(p: Project): AuditItem {
  return auditItem('PROJECT', p.id, p.name);
}

function projectChange(
  ctx: MutationContext,
  p: Project,
  action: ConfigChange['action'],
  before?: AuditValues,
): ConfigChange {
  const after = projectValues(ctx, p);
  const changedValues = action === 'deleted' ? [] : before ? valuesChanged(before, after) : valuesSet(after);
  return {
    action,
    object: { id: p.id, name: p.name },
    changedValues,
    ...(action === 'updated' && changedValues.length === 0 ? { noop: true } : {}),
  };
}

function componentValues(c: Component): AuditValues {
  return {
    Name: c.name,
    Description: c.description,
    'Component lead': c.leadAccountId,
    'Default assignee': c.assigneeType,
  };
}

function componentChange(
  project: Project,
  c: Component,
  action: ConfigChange['action'],
  before?: AuditValues,
): ConfigChange {
  const after = componentValues(c);
  const changedValues = action === 'deleted' ? [] : before ? valuesChanged(before, after) : valuesSet(after);
  return {
    action,
    object: { id: c.id, name: c.name },
    changedValues,
    associated: [projectItem(project)],
    ...(action === 'updated' && changedValues.length === 0 ? { noop: true } : {}),
  };
}

function versionValues(v: Version): AuditValues {
  return {
    Name: v.name,
    Description: v.description,
    'Start date': v.startDate,
    'Release date': v.releaseDate,
    Released: v.released ? 'true' : undefined,
    Archived: v.archived ? 'true' : undefined,
  };
}

function versionChange(
  project: Project,
  v: Version,
  action: ConfigChange['action'],
  before?: AuditValues,
): ConfigChange {
  const after = versionValues(v);
  const changedValues = action === 'deleted' ? [] : before ? valuesChanged(before, after) : valuesSet(after);
  return {
    action,
    object: { id: v.id, name: v.name },
    changedValues,
    associated: [projectItem(project)],
    ...(action === 'updated' && changedValues.length === 0 ? { noop: true } : {}),
  };
}

function defaultSchemes(ctx: MutationContext): Partial<ProjectSchemes> {
  const d = ctx.site.data;
  const out: Partial<ProjectSchemes> = {};
  const its = first(d.issueTypeSchemes, (s) => s.isDefault) ?? first(d.issueTypeSchemes);
  if (its) out.issueTypeSchemeId = its;
  const ws = first(d.workflowSchemes);
  if (ws) out.workflowSchemeId = ws;
  const itss = first(d.issueTypeScreenSchemes);
  if (itss) out.issueTypeScreenSchemeId = itss;
  const ps = first(d.permissionSchemes);
  if (ps) out.permissionSchemeId = ps;
  const ns = first(d.notificationSchemes);
  if (ns) out.notificationSchemeId = ns;
  return out;
}

/** Creates the project-scoped configuration of a team-managed project; returns its schemes. */
function teamManagedConfig(
  ctx: MutationContext,
  projectId: string,
  key: string,
): Pick<ProjectSchemes, 'issueTypeSchemeId' | 'workflowSchemeId'> {
  const d = ctx.site.data;
  const types: IssueType[] = [
    ['Epic', 1, false, 10307, 'Epics track collections of related bugs, stories, and tasks.'],
    ['Story', 0, false, 10315, 'Stories track functionality or features expressed as user goals.'],
    ['Task', 0, false, 10318, 'Tasks track small, distinct pieces of work.'],
    ['Bug', 0, false, 10303, 'Bugs track problems or errors.'],
    ['Subtask', -1, true, 10316, 'Subtasks track small pieces of work that are part of a larger task.'],
  ].map(([name, level, subtask, avatarId, description]) => ({
    id: nextId(d, 'generic'),
    name: name as string,
    description: description as string,
    subtask: subtask as boolean,
    hierarchyLevel: level as number,
    avatarId: avatarId as number,
    projectId,
  }));
  for (const t of types) d.issueTypes.set(t.id, t);
  const statuses: Status[] = [
    ['To Do', 2],
    ['In Progress', 4],
    ['Done', 3],
  ].map(([name, cat]) => ({
    id: nextId(d, 'generic'),
    name: name as string,
    description: '',
    statusCategoryId: cat as number,
    projectId,
  }));
  for (const s of statuses) d.statuses.set(s.id, s);
  const workflow: Workflow = {
    id: stableUuid('workflow', ctx.site.cloudId, projectId),
    name: `Software workflow for project ${key}`,
    description: '',
    statusIds: statuses.map((s) => s.id),
    transitions: [
      { id: '1', name: 'Create', description: '', from: [], to: statuses[0]!.id, type: 'initial' },
      ...statuses.map((s, i) => ({
        id: String(11 + i * 10),
        name: s.name,
        description: '',
        from: [],
        to: s.id,
        type: 'global' as const,
      })),
    ],
    scope: { type: 'PROJECT', projectId },
    created: ctx.now,
    updated: ctx.now,
    version: 1,
  };
  d.workflows.set(workflow.id, workflow);
  const workflowSchemeId = nextId(d, 'generic');
  d.workflowSchemes.set(workflowSchemeId, {
    id: workflowSchemeId,
    name: `Workflow scheme for project ${key}`,
    description: '',
    defaultWorkflowId: workflow.id,
    issueTypeMappings: {},
  });
  const issueTypeSchemeId = nextId(d, 'generic');
  d.issueTypeSchemes.set(issueTypeSchemeId, {
    id: issueTypeSchemeId,
    name: `Issue type scheme for project ${key}`,
    description: '',
    defaultIssueTypeId: types[2]!.id,
    issueTypeIds: types.map((t) => t.id),
    isDefault: false,
  });
  return { issueTypeSchemeId, workflowSchemeId };
}

export function createProject(ctx: MutationContext, input: CreateProjectInput): Project {
  const d = ctx.site.data;
  checkKey(ctx, input.key);
  checkName(ctx, input.name);
  if (!ctx.world.accounts.has(input.leadAccountId)) validation('projectLead', 'The project lead must be a valid user.');
  if (input.categoryId !== undefined && !d.projectCategories.has(input.categoryId))
    validation('projectCategory', 'The project category does not exist.');
  const id = nextId(d, 'project');
  const style = input.style ?? 'classic';
  const schemes: Partial<ProjectSchemes> = { ...defaultSchemes(ctx), ...(input.schemes ?? {}) };
  if (style === 'next-gen') Object.assign(schemes, teamManagedConfig(ctx, id, input.key));
  for (const k of [
    'issueTypeSchemeId',
    'workflowSchemeId',
    'issueTypeScreenSchemeId',
    'permissionSchemeId',
    'notificationSchemeId',
  ] as const)
    if (!schemes[k]) return failure(`The site has no ${k.replace(/Id$/, '')} to give the project.`);
  const project: Project = {
    id,
    key: input.key,
    previousKeys: [],
    name: input.name,
    description: input.description ?? '',
    leadAccountId: input.leadAccountId,
    projectTypeKey: input.projectTypeKey,
    style,
    assigneeType: input.assigneeType ?? 'UNASSIGNED',
    avatarId: input.avatarId ?? 10400,
    isPrivate: input.isPrivate ?? false,
    status: 'live',
    components: new Map(),
    versions: new Map(),
    roleActors: new Map(),
    properties: new Map(),
    issueTypeSchemeId: schemes.issueTypeSchemeId!,
    workflowSchemeId: schemes.workflowSchemeId!,
    issueTypeScreenSchemeId: schemes.issueTypeScreenSchemeId!,
    permissionSchemeId: schemes.permissionSchemeId!,
    notificationSchemeId: schemes.notificationSchemeId!,
    issueCounter: 0,
  };
  if (input.categoryId !== undefined) project.categoryId = input.categoryId;
  if (input.url !== undefined) project.url = input.url;
  if (schemes.screenSchemeId) project.screenSchemeId = schemes.screenSchemeId;
  if (schemes.issueSecuritySchemeId) project.issueSecuritySchemeId = schemes.issueSecuritySchemeId;
  for (const role of d.roles.values()) {
    project.roleActors.set(role.id, { users: new Set(), groups: new Set() });
    if (role.name === 'Administrators') project.roleActors.get(role.id)!.users.add(input.leadAccountId);
  }
  d.projects.set(id, project);
  d.projectKeys.set(project.key, id);
  emitSiteEvent(ctx.site, {
    type: 'project_created',
    at: ctx.now,
    actorId: ctx.actorId,
    projectId: id,
    change: projectChange(ctx, project, 'created'),
  });
  return project;
}

export interface UpdateProjectInput {
  key?: string;
  name?: string;
  description?: string;
  leadAccountId?: string;
  categoryId?: string | null;
  url?: string | null;
  assigneeType?: 'PROJECT_LEAD' | 'UNASSIGNED';
}

export function updateProject(ctx: MutationContext, project: Project, input: UpdateProjectInput): Project {
  const d = ctx.site.data;
  if (input.key !== undefined && input.key !== project.key) checkKey(ctx, input.key, project);
  if (input.name !== undefined) checkName(ctx, input.name, project);
  if (input.leadAccountId !== undefined && !ctx.world.accounts.has(input.leadAccountId))
    validation('projectLead', 'The project lead must be a valid user.');
  if (input.categoryId && !d.projectCategories.has(input.categoryId))
    validation('projectCategory', 'The project category does not exist.');
  const before = projectValues(ctx, project);
  if (input.key !== undefined && input.key !== project.key) {
    const oldKey = project.key;
    project.previousKeys.push(oldKey);
    project.key = input.key;
    d.projectKeys.set(input.key, project.id);
    for (const issue of d.issues.values()) {
      if (issue.projectId !== project.id) continue;
      const n = issue.key.slice(issue.key.lastIndexOf('-') + 1);
      issue.previousKeys.push(issue.key);
      issue.key = `${input.key}-${n}`;
      d.issueKeys.set(issue.key, issue.id);
      touch(ctx, issue, false);
    }
  }
  if (input.name !== undefined) project.name = input.name;
  if (input.description !== undefined) project.description = input.description;
  if (input.leadAccountId !== undefined) project.leadAccountId = input.leadAccountId;
  if (input.assigneeType !== undefined) project.assigneeType = input.assigneeType;
  if (input.categoryId === null) delete project.categoryId;
  else if (input.categoryId !== undefined) project.categoryId = input.categoryId;
  if (input.url === null) delete project.url;
  else if (input.url !== undefined) project.url = input.url;
  emitSiteEvent(ctx.site, {
    type: 'project_updated',
    at: ctx.now,
    actorId: ctx.actorId,
    projectId: project.id,
    change: projectChange(ctx, project, 'updated', before),
  });
  return project;
}

/**
 * Moves a project to the trash (Jira's default deletion, undoable for 60 days): it disappears from
 * every read but `/project/search?status=deleted`, and its key stays taken.
 */
export function deleteProject(ctx: MutationContext, project: Project): Project {
  if (project.status === 'deleted') throw notFound(`No project could be found with key '${project.key}'.`);
  project.status = 'deleted';
  project.deletedAt = ctx.now;
  project.deletedById = ctx.actorId;
  emitSiteEvent(ctx.site, {
    type: 'project_deleted',
    at: ctx.now,
    actorId: ctx.actorId,
    projectId: project.id,
    change: projectChange(ctx, project, 'deleted'),
  });
  return project;
}

// ---------------------------------------------------------------------------------------------
// Components

export interface ComponentInput {
  name: string;
  description?: string;
  leadAccountId?: string;
  assigneeType?: Component['assigneeType'];
}

function checkComponentName(project: Project, name: string, self?: Component): void {
  if (typeof name !== 'string' || name.trim() === '') validation('name', 'The component name must not be empty.');
  if (name.length > 255) validation('name', 'The component name must not exceed 255 characters.');
  for (const c of project.components.values())
    if (c !== self && c.name.toLowerCase() === name.toLowerCase())
      validation('name', `A component with the name ${name} already exists in this project.`);
}

export function createComponent(ctx: MutationContext, project: Project, input: ComponentInput): Component {
  checkComponentName(project, input.name);
  if (input.leadAccountId !== undefined && !ctx.world.accounts.has(input.leadAccountId))
    validation('leadAccountId', 'The user does not exist.');
  const component: Component = {
    id: nextId(ctx.site.data, 'component'),
    projectId: project.id,
    name: input.name,
    description: input.description ?? '',
    assigneeType: input.assigneeType ?? 'PROJECT_DEFAULT',
  };
  if (input.leadAccountId !== undefined) component.leadAccountId = input.leadAccountId;
  project.components.set(component.id, component);
  emitSiteEvent(ctx.site, {
    type: 'config_changed',
    at: ctx.now,
    actorId: ctx.actorId,
    kind: 'component',
    id: component.id,
    change: componentChange(project, component, 'created'),
  });
  return component;
}

function findComponent(ctx: MutationContext, componentId: string): { project: Project; component: Component } {
  for (const project of ctx.site.data.projects.values()) {
    const component = project.components.get(componentId);
    if (component) return { project, component };
  }
  throw notFound(`The component with id ${componentId} does not exist.`);
}

export function updateComponent(ctx: MutationContext, componentId: string, input: Partial<ComponentInput>): Component {
  const { project, component } = findComponent(ctx, componentId);
  if (input.name !== undefined) checkComponentName(project, input.name, component);
  if (input.leadAccountId !== undefined && !ctx.world.accounts.has(input.leadAccountId))
    validation('leadAccountId', 'The user does not exist.');
  const before = componentValues(component);
  if (input.name !== undefined) component.name = input.name;
  if (input.description !== undefined) component.description = input.description;
  if (input.leadAccountId !== undefined) component.leadAccountId = input.leadAccountId;
  if (input.assigneeType !== undefined) component.assigneeType = input.assigneeType;
  emitSiteEvent(ctx.site, {
    type: 'config_changed',
    at: ctx.now,
    actorId: ctx.actorId,
    kind: 'component',
    id: component.id,
    change: componentChange(project, component, 'updated', before),
  });
  return component;
}

/** Replaces (or removes) a component/version id in one list field of every issue of a project. */
function replaceInIssues(
  ctx: MutationContext,
  project: Project,
  fieldId: string,
  id: string,
  replacement?: string,
): void {
  for (const issue of ctx.site.data.issues.values()) {
    if (issue.projectId !== project.id) continue;
    const list = issue.fields[fieldId] as string[] | undefined;
    if (!list?.includes(id)) continue;
    const next = [
      ...new Set(list.map((x) => (x === id ? replacement : x)).filter((x): x is string => x !== undefined)),
    ];
    if (next.length === 0) delete issue.fields[fieldId];
    else issue.fields[fieldId] = next;
    touch(ctx, issue, false);
  }
}

export function deleteComponent(
  ctx: MutationContext,
  componentId: string,
  options: { moveIssuesTo?: string } = {},
): Component {
  const { project, component } = findComponent(ctx, componentId);
  if (options.moveIssuesTo !== undefined && !project.components.has(options.moveIssuesTo))
    validation('moveIssuesTo', 'The component to move issues to does not exist in this project.');
  replaceInIssues(ctx, project, 'components', componentId, options.moveIssuesTo);
  project.components.delete(componentId);
  emitSiteEvent(ctx.site, {
    type: 'config_changed',
    at: ctx.now,
    actorId: ctx.actorId,
    kind: 'component',
    id: componentId,
    change: componentChange(project, component, 'deleted'),
  });
  return component;
}

// ---------------------------------------------------------------------------------------------
// Versions

export interface VersionInput {
  name: string;
  description?: string;
  startDate?: string;
  releaseDate?: string;
  released?: boolean;
  archived?: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkVersion(project: Project, input: Partial<VersionInput>, self?: Version): void {
  if (input.name !== undefined) {
    if (typeof input.name !== 'string' || input.name.trim() === '')
      validation('name', 'You must specify a valid version name');
    if (input.name.length > 255) validation('name', 'The version name must not exceed 255 characters.');
    for (const v of project.versions.values())
      if (v !== self && v.name === input.name)
        validation('name', 'A version with this name already exists in this project.');
  }
  for (const k of ['startDate', 'releaseDate'] as const)
    if (input[k] !== undefined && !DATE.test(input[k]))
      validation(k, 'Please enter the date in the following format: yyyy-MM-dd');
}

export function createVersion(ctx: MutationContext, project: Project, input: VersionInput): Version {
  checkVersion(project, input);
  const version: Version = {
    id: nextId(ctx.site.data, 'version'),
    projectId: project.id,
    name: input.name,
    description: input.description ?? '',
    archived: input.archived ?? false,
    released: input.released ?? false,
  };
  if (input.startDate) version.startDate = input.startDate;
  if (input.releaseDate) version.releaseDate = input.releaseDate;
  project.versions.set(version.id, version);
  emitSiteEvent(ctx.site, {
    type: 'jira:version_created',
    at: ctx.now,
    actorId: ctx.actorId,
    version,
    change: versionChange(project, version, 'created'),
  });
  return version;
}

function findVersion(ctx: MutationContext, versionId: string): { project: Project; version: Version } {
  for (const project of ctx.site.data.projects.values()) {
    const version = project.versions.get(versionId);
    if (version) return { project, version };
  }
  throw notFound(`Could not find version for id '${versionId}'`);
}

export function updateVersion(ctx: MutationContext, versionId: string, input: Partial<VersionInput>): Version {
  const { project, version } = findVersion(ctx, versionId);
  checkVersion(project, input, version);
  const releasing = input.released === true && !version.released;
  const before = versionValues(version);
  if (input.name !== undefined) version.name = input.name;
  if (input.description !== undefined) version.description = input.description;
  if (input.startDate !== undefined) version.startDate = input.startDate;
  if (input.releaseDate !== undefined) version.releaseDate = input.releaseDate;
  if (input.released !== undefined) version.released = input.released;
  if (input.archived !== undefined) version.archived = input.archived;
  emitSiteEvent(ctx.site, {
    type: releasing ? 'jira:version_released' : 'jira:version_updated',
    at: ctx.now,
    actorId: ctx.actorId,
    version,
    change: versionChange(project, version, 'updated', before),
  });
  return version;
}

export function deleteVersion(
  ctx: MutationContext,
  versionId: string,
  options: { moveFixIssuesTo?: string; moveAffectedIssuesTo?: string } = {},
): Version {
  const { project, version } = findVersion(ctx, versionId);
  for (const target of [options.moveFixIssuesTo, options.moveAffectedIssuesTo])
    if (target !== undefined && (target === versionId || !project.versions.has(target)))
      validation('moveTo', 'The version to move issues to does not exist in this project.');
  replaceInIssues(ctx, project, 'fixVersions', versionId, options.moveFixIssuesTo);
  replaceInIssues(ctx, project, 'versions', versionId, options.moveAffectedIssuesTo);
  project.versions.delete(versionId);
  emitSiteEvent(ctx.site, {
    type: 'jira:version_deleted',
    at: ctx.now,
    actorId: ctx.actorId,
    version,
    change: versionChange(project, version, 'deleted'),
  });
  return version;
}

/**
 * Configuration writes a restore needs: POST /project, POST /version, PUT /version/{id},
 * POST /component, PUT /component/{id} (docs/design.md §5.15).
 *
 * Projects: Administer Jira only (403). `key`, `name`, `leadAccountId` and a project type (given,
 * or implied by `projectTemplateKey`) are required; team-managed templates
 * (`…gh-simplified-agility-*`, `…next-gen-*`) create team-managed projects with their own issue
 * types, statuses and workflow, others company-managed ones using the given schemes or the
 * site's defaults. Boards are not created with the project. Versions and components need
 * Administer projects in their project (or Administer Jira); a caller who cannot see the project
 * gets 404, one who may not manage it the status each operation documents (404 create version,
 * 400 update version, 403 components).
 */
import { jiraError, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { validation } from '../mutate/context.js';
import {
  type ComponentInput,
  type ProjectSchemes,
  type VersionInput,
  createComponent,
  createProject,
  createVersion,
  updateComponent,
  updateVersion,
} from '../mutate/projects.js';
import { restBase } from '../render/common.js';
import { renderComponent, renderVersionFull } from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Component, Project, ProjectTypeKey, Version } from '../world/site.js';
import { findProject } from '../world/queries.js';
import { canAdministerProject, canViewProject } from './config-common.js';
import { renderContext } from './read-params.js';
import { bodyObject, isAdmin, mutationOf } from './write-common.js';

const PROJECT_TYPES: readonly ProjectTypeKey[] = ['software', 'service_desk', 'business'];

function today(ctx: RouteContext): string {
  return new Date(ctx.now).toISOString().slice(0, 10);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return validation(key, `${key} must be a string.`);
  return v;
}

function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') return validation(key, `${key} must be true or false.`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Projects

function typeFromTemplate(template: string | undefined): ProjectTypeKey | undefined {
  if (!template) return undefined;
  if (template.startsWith('com.pyxis.greenhopper.jira:')) return 'software';
  if (template.startsWith('com.atlassian.servicedesk:') || template.startsWith('com.atlassian.jcs:'))
    return 'service_desk';
  if (template.startsWith('com.atlassian.jira-core-project-templates:')) return 'business';
  return undefined;
}

const SCHEME_MEMBERS: Array<[string, keyof ProjectSchemes, (ctx: RouteContext, id: string) => boolean]> = [
  ['issueTypeScheme', 'issueTypeSchemeId', (c, id) => c.site.data.issueTypeSchemes.has(id)],
  ['workflowScheme', 'workflowSchemeId', (c, id) => c.site.data.workflowSchemes.has(id)],
  ['issueTypeScreenScheme', 'issueTypeScreenSchemeId', (c, id) => c.site.data.issueTypeScreenSchemes.has(id)],
  ['permissionScheme', 'permissionSchemeId', (c, id) => c.site.data.permissionSchemes.has(id)],
  ['notificationScheme', 'notificationSchemeId', (c, id) => c.site.data.notificationSchemes.has(id)],
  ['issueSecurityScheme', 'issueSecuritySchemeId', (c, id) => c.site.data.issueSecuritySchemes.has(id)],
];

async function postProject(ctx: RouteContext): Promise<RouteResult> {
  if (!isAdmin(ctx)) throw jiraError(403, ['You do not have permission to create projects.']);
  const body = await bodyObject(ctx);
  const template = optionalString(body, 'projectTemplateKey');
  const type = (optionalString(body, 'projectTypeKey') ?? typeFromTemplate(template)) as ProjectTypeKey | undefined;
  if (!type || !PROJECT_TYPES.includes(type))
    return validation('projectTypeKey', 'A valid project type (software, service_desk or business) is required.');
  const lead = optionalString(body, 'leadAccountId');
  if (!lead) return validation('projectLead', 'You must specify a valid project lead.');
  const assigneeType = optionalString(body, 'assigneeType');
  if (assigneeType !== undefined && assigneeType !== 'PROJECT_LEAD' && assigneeType !== 'UNASSIGNED')
    return validation('assigneeType', 'The default assignee must be PROJECT_LEAD or UNASSIGNED.');
  const schemes: Partial<ProjectSchemes> = {};
  for (const [member, key, exists] of SCHEME_MEMBERS) {
    const v = body[member];
    if (v === undefined || v === null) continue;
    if ((typeof v !== 'number' && typeof v !== 'string') || !exists(ctx, String(v)))
      return validation(member, `The ${member} with id ${String(v)} does not exist.`);
    schemes[key] = String(v);
  }
  const style = template && /gh-simplified-agility|next-gen/.test(template) ? 'next-gen' : 'classic';
  const category = body.categoryId;
  const project = createProject(mutationOf(ctx), {
    key: optionalString(body, 'key') ?? '',
    name: optionalString(body, 'name') ?? '',
    projectTypeKey: type,
    style,
    leadAccountId: lead,
    ...(optionalString(body, 'description') !== undefined ? { description: optionalString(body, 'description')! } : {}),
    ...(optionalString(body, 'url') !== undefined ? { url: optionalString(body, 'url')! } : {}),
    ...(assigneeType ? { assigneeType } : {}),
    ...(typeof body.avatarId === 'number' ? { avatarId: body.avatarId } : {}),
    ...(category !== undefined && category !== null ? { categoryId: String(category) } : {}),
    schemes,
  });
  return {
    status: 201,
    body: { self: `${restBase(renderContext(ctx))}/project/${project.id}`, id: Number(project.id), key: project.key },
  };
}

// ---------------------------------------------------------------------------------------------
// Versions

function versionInput(body: Record<string, unknown>): Partial<VersionInput> {
  const out: Partial<VersionInput> = {};
  for (const k of ['name', 'description', 'startDate', 'releaseDate'] as const) {
    const v = optionalString(body, k);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['released', 'archived'] as const) {
    const v = optionalBoolean(body, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function renderVersionOf(ctx: RouteContext, v: Version): Record<string, unknown> {
  return renderVersionFull(renderContext(ctx), v, { today: today(ctx) });
}

async function postVersion(ctx: RouteContext): Promise<RouteResult> {
  const body = await bodyObject(ctx);
  const ref =
    body.projectId !== undefined && body.projectId !== null
      ? String(body.projectId)
      : typeof body.project === 'string'
        ? body.project
        : undefined;
  if (ref === undefined) return validation('project', 'Project must be specified to create a version.');
  const project = findProject(ctx.site, ref);
  if (!project || !canViewProject(ctx, project)) throw notFound(`No project could be found with id '${ref}'.`);
  if (!canAdministerProject(ctx, project))
    throw notFound('You do not have permission to manage the versions of this project.');
  const input = versionInput(body);
  if (input.name === undefined) return validation('name', 'You must specify a valid version name');
  const version = createVersion(mutationOf(ctx), project, input as VersionInput);
  return { status: 201, body: renderVersionOf(ctx, version) };
}

function findVersion(ctx: RouteContext): { project: Project; version: Version } {
  const id = ctx.params.id ?? '';
  for (const project of ctx.site.data.projects.values()) {
    const version = project.versions.get(id);
    if (version && canViewProject(ctx, project)) return { project, version };
  }
  throw notFound(`Could not find version for id '${id}'`);
}

async function putVersion(ctx: RouteContext): Promise<RouteResult> {
  const { project, version } = findVersion(ctx);
  if (!canAdministerProject(ctx, project))
    throw jiraError(400, ['You do not have permission to manage the versions of this project.']);
  const body = await bodyObject(ctx);
  const updated = updateVersion(mutationOf(ctx), version.id, versionInput(body));
  return { status: 200, body: renderVersionOf(ctx, updated) };
}

// ---------------------------------------------------------------------------------------------
// Components

const ASSIGNEE_TYPES: ReadonlyArray<Component['assigneeType']> = [
  'PROJECT_DEFAULT',
  'COMPONENT_LEAD',
  'PROJECT_LEAD',
  'UNASSIGNED',
];

function componentInput(body: Record<string, unknown>): Partial<ComponentInput> {
  const out: Partial<ComponentInput> = {};
  const name = optionalString(body, 'name');
  if (name !== undefined) out.name = name;
  const description = optionalString(body, 'description');
  if (description !== undefined) out.description = description;
  const lead = optionalString(body, 'leadAccountId');
  if (lead !== undefined) out.leadAccountId = lead;
  const assigneeType = optionalString(body, 'assigneeType');
  if (assigneeType !== undefined) {
    if (!(ASSIGNEE_TYPES as string[]).includes(assigneeType))
      return validation('assigneeType', `The assignee type '${assigneeType}' is not valid.`);
    out.assigneeType = assigneeType as Component['assigneeType'];
  }
  return out;
}

function requireComponentAdmin(ctx: RouteContext, project: Project): void {
  if (!canAdministerProject(ctx, project))
    throw jiraError(403, ['You do not have permission to manage the components of this project.']);
}

async function postComponent(ctx: RouteContext): Promise<RouteResult> {
  const body = await bodyObject(ctx);
  const ref = typeof body.project === 'string' && body.project !== '' ? body.project : undefined;
  if (ref === undefined) return validation('project', 'The project must be specified.');
  const project = findProject(ctx.site, ref);
  if (!project || !canViewProject(ctx, project)) throw notFound(`No project could be found with key '${ref}'.`);
  requireComponentAdmin(ctx, project);
  const input = componentInput(body);
  if (input.name === undefined) return validation('name', 'The component name must not be empty.');
  const component = createComponent(mutationOf(ctx), project, input as ComponentInput);
  return { status: 201, body: renderComponent(renderContext(ctx), component, project) };
}

async function putComponent(ctx: RouteContext): Promise<RouteResult> {
  const id = ctx.params.id ?? '';
  let found: { project: Project; component: Component } | undefined;
  for (const project of ctx.site.data.projects.values()) {
    const component = project.components.get(id);
    if (component && canViewProject(ctx, project)) found = { project, component };
  }
  if (!found) throw notFound(`The component with id ${id} does not exist.`);
  requireComponentAdmin(ctx, found.project);
  const body = await bodyObject(ctx);
  const updated = updateComponent(mutationOf(ctx), id, componentInput(body));
  return { status: 200, body: renderComponent(renderContext(ctx), updated, found.project) };
}

export function registerConfigWriteRoutes(table: RouteTable): void {
  const API = '/rest/api/3';
  table.post(`${API}/project`, { handler: postProject, write: true });
  table.post(`${API}/version`, { handler: postVersion, write: true });
  table.put(`${API}/version/{id}`, { handler: putVersion, write: true });
  table.post(`${API}/component`, { handler: postComponent, write: true });
  table.put(`${API}/component/{id}`, { handler: putComponent, write: true });
}

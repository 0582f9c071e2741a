/**
 * Jira Service Management (/rest/servicedeskapi) routes: service desks, request types, customer
 * requests and their public/internal comments.
 *
 * - Lists use the JSM page {size, start, limit, isLastPage, values, _expands, _links}; `limit` is
 *   capped at 50 and invalid paging values fall back to the defaults (these operations document no
 *   400 answer).
 * - Errors use JSM's body {errorMessage, i18nErrorMessage{i18nKey, parameters}}.
 * - Comment bodies are strings (wiki markup) in both directions; stored comments are ADF, so reads
 *   convert ADF → wiki and writes store the text as plain-text ADF.
 * - Agents are accounts that are not JSM customers and can browse the service project; they see
 *   public and internal comments (visibility-restricted ones only with the group or role).
 *   Customers are the reporter and the request participants; they see the request and its public
 *   comments only, and may add public comments only. Internal comments (jsdPublic false) can only
 *   be written here: the platform API treats jsdPublic as read-only.
 * - A request's type is the value of the Customer Request Type field (custom type vp-origin,
 *   stored as the request type id); its participants are the Request participants field
 *   (sd-request-participants, stored as account ids).
 */
import { jiraTimestamp } from '../../core/index.js';
import { SimHttpError } from '../http/errors.js';
import { escapeHtml } from '../http/respond.js';
import type { RouteTable } from '../http/route-table.js';
import { renderUser, type RenderContext } from '../render/common.js';
import type { RouteContext, RouteResult } from '../services.js';
import { adfToWiki, textToAdf } from '../webhooks/wiki.js';
import { wikiOptions } from '../webhooks/issue-v2.js';
import { addComment } from '../mutate/comments.js';
import { mutationContext } from '../mutate/context.js';
import {
  canBrowseIssue,
  findIssue,
  findProject,
  groupIdsOf,
  hasProjectPermission,
  projectRoleIdsOf,
} from '../world/queries.js';
import type { AdfDoc, Comment, Issue, Project, RequestType, ServiceDesk } from '../world/site.js';
import type { Site } from '../world/types.js';

export const REQUEST_TYPE_FIELD_TYPE = 'com.atlassian.servicedesk:vp-origin';
export const PARTICIPANTS_FIELD_TYPE = 'com.atlassian.servicedesk:sd-request-participants';

const MAX_LIMIT = 50;

function jsmError(status: number, message: string, i18nKey: string): SimHttpError {
  return new SimHttpError(status, { errorMessage: message, i18nErrorMessage: { i18nKey, parameters: [] } });
}

function rc(ctx: RouteContext): RenderContext {
  return { sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId };
}

function jsmBase(ctx: RouteContext): string {
  return `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/servicedeskapi`;
}

function v2Base(ctx: RouteContext): string {
  return `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/api/2`;
}

function browseBase(ctx: RouteContext): string {
  return ctx.sim.urls.siteBrowse(ctx.site.name);
}

// ---------------------------------------------------------------------------------------------
// Access

function fieldIdOfType(site: Site, custom: string): string | undefined {
  for (const f of site.data.fields.values()) if (f.schema.custom === custom) return f.id;
  return undefined;
}

export function requestTypeIdOf(site: Site, issue: Issue): string | undefined {
  const f = fieldIdOfType(site, REQUEST_TYPE_FIELD_TYPE);
  const v = f ? issue.fields[f] : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

export function participantsOf(site: Site, issue: Issue): string[] {
  const f = fieldIdOfType(site, PARTICIPANTS_FIELD_TYPE);
  const v = f ? issue.fields[f] : undefined;
  return Array.isArray(v) ? v.map(String) : [];
}

function deskOfProject(site: Site, projectId: string): ServiceDesk | undefined {
  for (const d of site.data.serviceDesks.values()) if (d.projectId === projectId) return d;
  return undefined;
}

/** A service desk by id, or by the key or id of its project ("project identifiers"). */
function findDesk(site: Site, ref: string): ServiceDesk | undefined {
  const direct = site.data.serviceDesks.get(ref);
  if (direct) return direct;
  const p = findProject(site, ref);
  return p ? deskOfProject(site, p.id) : undefined;
}

/** An agent: an account that is not a JSM customer and can browse the service project. */
function isAgent(ctx: RouteContext, project: Project): boolean {
  const id = ctx.principal.accountId;
  if (ctx.sim.world.accounts.get(id)?.accountType === 'customer') return false;
  return hasProjectPermission(ctx.site, id, project, 'BROWSE_PROJECTS');
}

function isCustomerOf(site: Site, accountId: string, issue: Issue): boolean {
  return issue.fields.reporter === accountId || participantsOf(site, issue).includes(accountId);
}

type Role = 'agent' | 'customer';

function roleOn(ctx: RouteContext, issue: Issue): Role | undefined {
  const project = ctx.site.data.projects.get(issue.projectId);
  if (!project || issue.archived) return undefined;
  const id = ctx.principal.accountId;
  if (isAgent(ctx, project) && canBrowseIssue(ctx.site, id, issue)) return 'agent';
  if (isCustomerOf(ctx.site, id, issue)) return 'customer';
  return undefined;
}

function canAccessDesk(ctx: RouteContext, desk: ServiceDesk): boolean {
  const project = ctx.site.data.projects.get(desk.projectId);
  if (!project) return false;
  const id = ctx.principal.accountId;
  if (isAgent(ctx, project)) return true;
  for (const issue of ctx.site.data.issues.values())
    if (issue.projectId === project.id && !issue.archived && isCustomerOf(ctx.site, id, issue)) return true;
  return false;
}

function commentVisible(ctx: RouteContext, issue: Issue, c: Comment, role: Role): boolean {
  if (role === 'customer') return c.jsdPublic && !c.visibility;
  if (!c.visibility) return true;
  const site = ctx.site;
  const id = ctx.principal.accountId;
  if (c.visibility.type === 'group') {
    const groups = groupIdsOf(site, id);
    return [...site.data.groups.values()].some(
      (g) => groups.has(g.groupId) && (g.name === c.visibility!.value || g.groupId === c.visibility!.identifier),
    );
  }
  const project = site.data.projects.get(issue.projectId);
  if (!project) return false;
  const roles = projectRoleIdsOf(site, project, id);
  return [...site.data.roles.values()].some(
    (r) => roles.has(r.id) && (r.name === c.visibility!.value || r.id === c.visibility!.identifier),
  );
}

// ---------------------------------------------------------------------------------------------
// Rendering

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dateDto(ms: number): Record<string, unknown> {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const friendly = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${String(d.getUTCFullYear() % 100).padStart(2, '0')} ${h % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
  return {
    iso8601: d.toISOString().replace(/\.\d{3}Z$/, '+0000'),
    jira: jiraTimestamp(ms),
    friendly,
    epochMillis: ms,
  };
}

function userDto(ctx: RouteContext, accountId: string): Record<string, unknown> {
  const u = renderUser(rc(ctx), accountId);
  const link = `${v2Base(ctx)}/user?accountId=${encodeURIComponent(accountId)}`;
  const out: Record<string, unknown> = {
    accountId,
    displayName: u.displayName,
    active: u.active,
    timeZone: u.timeZone,
    _links: { jiraRest: link, avatarUrls: u.avatarUrls, self: link },
  };
  if (typeof u.emailAddress === 'string') out.emailAddress = u.emailAddress;
  return out;
}

function deskDto(ctx: RouteContext, desk: ServiceDesk): Record<string, unknown> {
  const p = ctx.site.data.projects.get(desk.projectId);
  return {
    id: desk.id,
    projectId: desk.projectId,
    projectName: p?.name ?? '',
    projectKey: p?.key ?? '',
    _links: { self: `${jsmBase(ctx)}/servicedesk/${desk.id}` },
  };
}

function requestTypeDto(ctx: RouteContext, rt: RequestType): Record<string, unknown> {
  const icon = `${v2Base(ctx)}/universal_avatar/view/type/SD_REQTYPE/avatar/${rt.id}`;
  return {
    _expands: ['field'],
    id: rt.id,
    _links: { self: `${jsmBase(ctx)}/servicedesk/${rt.serviceDeskId}/requesttype/${rt.id}` },
    name: rt.name,
    description: rt.description,
    helpText: rt.helpText,
    issueTypeId: rt.issueTypeId,
    serviceDeskId: rt.serviceDeskId,
    portalId: rt.serviceDeskId,
    groupIds: [...rt.groupIds],
    icon: {
      id: rt.id,
      _links: {
        iconUrls: {
          '48x48': `${icon}?size=large`,
          '24x24': `${icon}?size=small`,
          '16x16': `${icon}?size=xsmall`,
          '32x32': `${icon}?size=medium`,
        },
      },
    },
    restrictionStatus: 'OPEN',
  };
}

function renderedHtml(wiki: string): string {
  return wiki
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br/>')}</p>`)
    .join('');
}

function commentDto(ctx: RouteContext, issue: Issue, c: Comment, expand: Set<string>): Record<string, unknown> {
  const body = adfToWiki(c.body, wikiOptions(rc(ctx)));
  const out: Record<string, unknown> = {
    _expands: ['attachment', 'renderedBody'],
    id: c.id,
    body,
    public: c.jsdPublic,
    author: userDto(ctx, c.authorId),
    created: dateDto(c.created),
    _links: { self: `${jsmBase(ctx)}/request/${issue.id}/comment/${c.id}` },
  };
  if (expand.has('renderedBody')) out.renderedBody = { html: renderedHtml(body) };
  if (expand.has('attachment')) out.attachments = emptyPage(ctx, `/request/${issue.id}/comment/${c.id}/attachment`);
  return out;
}

const CATEGORY: Record<string, string> = { new: 'NEW', indeterminate: 'INDETERMINATE', done: 'DONE' };

function statusDto(ctx: RouteContext, issue: Issue): Record<string, unknown> {
  const s = ctx.site.data.statuses.get(String(issue.fields.status));
  const cat = s ? ctx.site.data.statusCategories.get(s.statusCategoryId) : undefined;
  return {
    status: s?.name ?? '',
    statusCategory: CATEGORY[cat?.key ?? ''] ?? 'UNDEFINED',
    statusDate: dateDto(issue.statusCategoryChangeDate),
  };
}

function expandOf(ctx: RouteContext): Set<string> {
  return new Set(
    ctx.query
      .getAll('expand')
      .flatMap((e) => e.split(','))
      .map((e) => e.trim())
      .filter(Boolean),
  );
}

// ---------------------------------------------------------------------------------------------
// Paging

function intOr(raw: string | null, fallback: number): number {
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

function paging(ctx: RouteContext): { start: number; limit: number } {
  const limit = intOr(ctx.query.get('limit'), 50);
  return { start: intOr(ctx.query.get('start'), 0), limit: Math.min(limit === 0 ? 50 : limit, MAX_LIMIT) };
}

function pageUrl(ctx: RouteContext, start: number, limit: number): string {
  const u = new URL(
    `${jsmBase(ctx)}${ctx.url.pathname.slice(ctx.url.pathname.indexOf('/rest/servicedeskapi') + '/rest/servicedeskapi'.length)}`,
  );
  for (const [k, v] of ctx.query) if (k !== 'start' && k !== 'limit') u.searchParams.append(k, v);
  u.searchParams.set('start', String(start));
  u.searchParams.set('limit', String(limit));
  return u.toString();
}

function jsmPage<T>(ctx: RouteContext, all: T[]): Record<string, unknown> & { values: T[] } {
  const { start, limit } = paging(ctx);
  const values = all.slice(start, start + limit);
  const isLastPage = start + values.length >= all.length;
  const links: Record<string, string> = {
    self: pageUrl(ctx, start, limit),
    base: jsmBase(ctx),
    context: '',
  };
  if (!isLastPage) links.next = pageUrl(ctx, start + limit, limit);
  if (start > 0) links.prev = pageUrl(ctx, Math.max(0, start - limit), limit);
  return { _expands: [], size: values.length, start, limit, isLastPage, _links: links, values };
}

function emptyPage(ctx: RouteContext, path: string): Record<string, unknown> {
  return {
    _expands: [],
    size: 0,
    start: 0,
    limit: 50,
    isLastPage: true,
    _links: { self: `${jsmBase(ctx)}${path}`, base: jsmBase(ctx), context: '' },
    values: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Handlers

function listDesks(ctx: RouteContext): RouteResult {
  const desks = [...ctx.site.data.serviceDesks.values()].filter((d) => canAccessDesk(ctx, d));
  const page = jsmPage(
    ctx,
    desks.map((d) => deskDto(ctx, d)),
  );
  return { body: page, objects: page.values.length };
}

function requireDesk(ctx: RouteContext): ServiceDesk {
  const ref = ctx.params.serviceDeskId ?? '';
  const desk = findDesk(ctx.site, ref);
  if (!desk) throw jsmError(404, `The service desk ${ref} does not exist.`, 'sd.service.desk.error.not.found');
  if (!canAccessDesk(ctx, desk))
    throw jsmError(
      403,
      'You do not have permission to access this service desk.',
      'sd.service.desk.error.no.permission',
    );
  return desk;
}

function getDesk(ctx: RouteContext): RouteResult {
  return { body: deskDto(ctx, requireDesk(ctx)), objects: 1 };
}

function requestTypesFor(ctx: RouteContext, desks: ServiceDesk[]): RequestType[] {
  const ids = new Set(desks.map((d) => d.id));
  const agentDesks = new Set(
    desks
      .filter((d) => {
        const p = ctx.site.data.projects.get(d.projectId);
        return p !== undefined && isAgent(ctx, p);
      })
      .map((d) => d.id),
  );
  const search = ctx.query.get('searchQuery')?.toLowerCase();
  const includeHidden = ctx.query.get('includeHiddenRequestTypesInSearch') === 'true';
  const groupId = ctx.query.get('groupId');
  return [...ctx.site.data.requestTypes.values()].filter((rt) => {
    if (!ids.has(rt.serviceDeskId)) return false;
    // Customers see only request types shown on the portal (those in a group).
    if (!agentDesks.has(rt.serviceDeskId) && rt.groupIds.length === 0) return false;
    if (groupId && !rt.groupIds.includes(groupId)) return false;
    if (search !== undefined && search !== '') {
      if (!rt.name.toLowerCase().includes(search) && !rt.description.toLowerCase().includes(search)) return false;
      if (!includeHidden && rt.groupIds.length === 0) return false;
    }
    return true;
  });
}

function deskRequestTypes(ctx: RouteContext): RouteResult {
  const desk = requireDesk(ctx);
  const page = jsmPage(
    ctx,
    requestTypesFor(ctx, [desk]).map((rt) => requestTypeDto(ctx, rt)),
  );
  return { body: page, objects: page.values.length };
}

function allRequestTypes(ctx: RouteContext): RouteResult {
  const wanted = ctx.query
    .getAll('serviceDeskId')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const desks = [...ctx.site.data.serviceDesks.values()].filter(
    (d) => (wanted.length === 0 || wanted.includes(d.id)) && canAccessDesk(ctx, d),
  );
  const page = jsmPage(
    ctx,
    requestTypesFor(ctx, desks).map((rt) => requestTypeDto(ctx, rt)),
  );
  return { body: page, objects: page.values.length };
}

function findRequest(ctx: RouteContext): { issue: Issue; desk: ServiceDesk } | undefined {
  const ref = ctx.params.issueIdOrKey ?? '';
  const issue = findIssue(ctx.site, ref);
  if (!issue || issue.archived) return undefined;
  const desk = deskOfProject(ctx.site, issue.projectId);
  return desk ? { issue, desk } : undefined;
}

function requireRequest(ctx: RouteContext): { issue: Issue; desk: ServiceDesk; role: Role } {
  const found = findRequest(ctx);
  const role = found ? roleOn(ctx, found.issue) : undefined;
  if (!found || !role)
    throw jsmError(
      404,
      `The request ${ctx.params.issueIdOrKey ?? ''} does not exist or you do not have permission to see it.`,
      'sd.customer.request.error.not.found',
    );
  return { ...found, role };
}

function visibleComments(ctx: RouteContext, issue: Issue, role: Role): Comment[] {
  return issue.comments.filter((c) => commentVisible(ctx, issue, c, role));
}

function getRequest(ctx: RouteContext): RouteResult {
  const { issue, desk, role } = requireRequest(ctx);
  const expand = expandOf(ctx);
  const typeId = requestTypeIdOf(ctx.site, issue);
  const description = issue.fields.description
    ? adfToWiki(issue.fields.description as AdfDoc, wikiOptions(rc(ctx)))
    : undefined;
  const fieldValues: Array<Record<string, unknown>> = [
    { fieldId: 'summary', label: 'Summary', value: String(issue.fields.summary ?? '') },
  ];
  if (description !== undefined)
    fieldValues.push({
      fieldId: 'description',
      label: 'Description',
      value: description,
      renderedValue: { html: renderedHtml(description) },
    });
  const out: Record<string, unknown> = {
    _expands: ['participant', 'status', 'sla', 'requestType', 'serviceDesk', 'attachment', 'action', 'comment'],
    issueId: issue.id,
    issueKey: issue.key,
    summary: String(issue.fields.summary ?? ''),
  };
  if (typeId) out.requestTypeId = typeId;
  out.serviceDeskId = desk.id;
  out.createdDate = dateDto(issue.created);
  if (typeof issue.fields.reporter === 'string') out.reporter = userDto(ctx, issue.fields.reporter);
  out.requestFieldValues = fieldValues;
  out.currentStatus = statusDto(ctx, issue);
  out._links = {
    jiraRest: `${v2Base(ctx)}/issue/${issue.id}`,
    web: `${browseBase(ctx)}/servicedesk/customer/portal/${desk.id}/${issue.key}`,
    agent: `${browseBase(ctx)}/browse/${issue.key}`,
    self: `${jsmBase(ctx)}/request/${issue.id}`,
  };
  if (expand.has('serviceDesk')) out.serviceDesk = deskDto(ctx, desk);
  const rt = typeId ? ctx.site.data.requestTypes.get(typeId) : undefined;
  if (expand.has('requestType') && rt) out.requestType = requestTypeDto(ctx, rt);
  if (expand.has('participant')) {
    out.participants = {
      ...emptyPage(ctx, `/request/${issue.id}/participant`),
      size: participantsOf(ctx.site, issue).length,
      values: participantsOf(ctx.site, issue).map((id) => userDto(ctx, id)),
    };
  }
  if (expand.has('comment')) {
    const comments = visibleComments(ctx, issue, role).map((c) => commentDto(ctx, issue, c, new Set()));
    out.comments = { ...emptyPage(ctx, `/request/${issue.id}/comment`), size: comments.length, values: comments };
  }
  if (expand.has('action')) {
    const project = ctx.site.data.projects.get(issue.projectId);
    const canComment =
      role === 'customer' ||
      (project !== undefined &&
        hasProjectPermission(ctx.site, ctx.principal.accountId, project, 'ADD_COMMENTS', issue));
    out.actions = {
      addAttachment: { allowed: role === 'agent' },
      addComment: { allowed: canComment },
      addParticipant: { allowed: role === 'agent' },
      removeParticipant: { allowed: role === 'agent' },
    };
  }
  if (expand.has('attachment')) out.attachments = emptyPage(ctx, `/request/${issue.id}/attachment`);
  return { body: out, objects: 1 };
}

function flag(ctx: RouteContext, name: string): boolean {
  const v = ctx.query.get(name);
  return v === null ? true : v !== 'false';
}

function listComments(ctx: RouteContext): RouteResult {
  const found = findRequest(ctx);
  if (!found)
    throw jsmError(
      404,
      `The request ${ctx.params.issueIdOrKey ?? ''} does not exist.`,
      'sd.customer.request.error.not.found',
    );
  const role = roleOn(ctx, found.issue);
  // As documented: no permission error, just an empty page.
  const wantPublic = flag(ctx, 'public');
  const wantInternal = flag(ctx, 'internal');
  const expand = expandOf(ctx);
  const comments = role
    ? visibleComments(ctx, found.issue, role).filter((c) => (c.jsdPublic ? wantPublic : wantInternal))
    : [];
  const page = jsmPage(
    ctx,
    comments.map((c) => commentDto(ctx, found.issue, c, expand)),
  );
  return { body: page, objects: page.values.length };
}

function getComment(ctx: RouteContext): RouteResult {
  const { issue, role } = requireRequest(ctx);
  const id = ctx.params.commentId ?? '';
  const c = issue.comments.find((x) => x.id === id);
  if (!c || !commentVisible(ctx, issue, c, role))
    throw jsmError(
      404,
      `The comment ${id} does not exist or you do not have permission to see it.`,
      'sd.comment.error.not.found',
    );
  return { body: commentDto(ctx, issue, c, expandOf(ctx)), objects: 1 };
}

/**
 * Adds a JSM comment through the shared comment mutation (public or internal), so the per-issue
 * comment limit, autowatch, `updated` and the comment_created event apply as for platform
 * comments. Errors of the primitive (413 at the limit) are answered in JSM's error shape.
 */
function addJsmComment(ctx: RouteContext, issue: Issue, body: string, jsdPublic: boolean): Comment {
  const m = mutationContext(ctx.sim.world, ctx.site, ctx.now, ctx.principal.accountId);
  try {
    return addComment(m, issue, { body: textToAdf(body), jsdPublic });
  } catch (e) {
    if (!(e instanceof SimHttpError)) throw e;
    const b = e.body as { errorMessages?: string[]; errors?: Record<string, string> };
    const message = b.errorMessages?.[0] ?? Object.values(b.errors ?? {})[0] ?? 'The comment could not be added.';
    throw jsmError(e.status, message, e.status === 413 ? 'sd.comment.error.limit' : 'sd.comment.error.invalid');
  }
}

async function postComment(ctx: RouteContext): Promise<RouteResult> {
  const { issue, role } = requireRequest(ctx);
  let body: unknown;
  try {
    body = await ctx.json<unknown>();
  } catch {
    throw jsmError(400, 'The request body is not valid JSON.', 'sd.request.error.invalid.json');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw jsmError(400, 'The request body must be a JSON object.', 'sd.request.error.invalid.json');
  const b = body as { body?: unknown; public?: unknown };
  if (typeof b.public !== 'boolean')
    throw jsmError(400, "The 'public' field is required.", 'sd.comment.error.public.required');
  if (typeof b.body !== 'string' || b.body.trim() === '')
    throw jsmError(400, 'The comment body must not be empty.', 'sd.comment.error.body.empty');
  if (role === 'customer' && !b.public)
    throw jsmError(403, 'Customers can only add public comments.', 'sd.comment.error.internal.not.allowed');
  const project = ctx.site.data.projects.get(issue.projectId);
  if (
    role === 'agent' &&
    (!project || !hasProjectPermission(ctx.site, ctx.principal.accountId, project, 'ADD_COMMENTS', issue))
  )
    throw jsmError(
      403,
      'You do not have permission to add comments to this request.',
      'sd.comment.error.no.permission',
    );
  const comment = addJsmComment(ctx, issue, b.body, b.public);
  return { status: 201, body: commentDto(ctx, issue, comment, new Set()) };
}

export function registerServiceDeskRoutes(table: RouteTable): void {
  const S = '/rest/servicedeskapi';
  table.get(`${S}/servicedesk`, listDesks);
  table.get(`${S}/servicedesk/{serviceDeskId}`, getDesk);
  table.get(`${S}/servicedesk/{serviceDeskId}/requesttype`, deskRequestTypes);
  table.get(`${S}/requesttype`, allRequestTypes);
  table.get(`${S}/request/{issueIdOrKey}`, getRequest);
  table.get(`${S}/request/{issueIdOrKey}/comment`, listComments);
  table.get(`${S}/request/{issueIdOrKey}/comment/{commentId}`, getComment);
  table.post(`${S}/request/{issueIdOrKey}/comment`, {
    handler: postComment,
    write: true,
    issueOf: (ctx) => findIssue(ctx.site, ctx.params.issueIdOrKey ?? '')?.id,
  });
}

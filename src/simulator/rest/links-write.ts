/**
 * Link writes: POST /issueLink, DELETE /issueLink/{id}, POST/PUT/DELETE
 * /issue/{k}/remotelink[/{id}] and POST /issueLinkType (docs/design.md §5.15).
 *
 * POST /issueLink answers 201 with no body and no link id, and accepts a duplicate of an
 * existing link as if it had created it (the comment, if any, is still added), as Jira
 * documents. It needs Browse on both issues and Link issues on the project of the "from"
 * (outward) issue; every failure to see or link answers 404, as the spec documents. The optional
 * comment goes on the outward issue and is validated before the link is made. Remote links
 * upsert by `globalId` on POST (200 when an existing link was updated, 201 when created).
 */
import { jiraError, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { addComment } from '../mutate/comments.js';
import { validation } from '../mutate/context.js';
import { createIssueLinkType } from '../mutate/config.js';
import {
  type RemoteLinkInput,
  addIssueLink,
  deleteIssueLink,
  deleteRemoteLink,
  updateRemoteLink,
  upsertRemoteLink,
} from '../mutate/links.js';
import { restBase } from '../render/common.js';
import { renderIssueLinkType } from '../render/config.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { AdfDoc, Issue, IssueLinkType, Visibility } from '../world/site.js';
import { canBrowseIssue, findIssue } from '../world/queries.js';
import { renderContext } from './read-params.js';
import {
  bodyObject,
  holds,
  isAdmin,
  isObject,
  mutationOf,
  pathIssueId,
  projectOfIssue,
  requireIssuePermission,
  visibleIssue,
} from './write-common.js';

function linkingOn(ctx: RouteContext, status = 404): void {
  if (!ctx.site.data.settings.issueLinkingEnabled) throw jiraError(status, ['Issue linking is currently disabled.']);
}

function linkType(ctx: RouteContext, ref: unknown): IssueLinkType {
  if (!isObject(ref)) return validation('type', 'The issue link type is required.');
  const types = [...ctx.site.data.issueLinkTypes.values()];
  const found =
    ref.id !== undefined
      ? types.find((t) => t.id === String(ref.id))
      : types.find((t) => typeof ref.name === 'string' && t.name.toLowerCase() === ref.name.toLowerCase());
  if (!found) throw notFound(`No issue link type with name '${String(ref.name ?? ref.id ?? '')}' found.`);
  return found;
}

function linkedIssue(ctx: RouteContext, ref: unknown, member: string): Issue {
  if (!isObject(ref)) return validation(member, `The ${member} is required.`);
  const idOrKey = typeof ref.key === 'string' ? ref.key : ref.id !== undefined ? String(ref.id) : '';
  const issue = findIssue(ctx.site, idOrKey);
  if (!issue || issue.archived || !canBrowseIssue(ctx.site, ctx.principal.accountId, issue))
    throw notFound(`Issue '${idOrKey}' does not exist or you do not have permission to see it.`);
  return issue;
}

async function linkIssues(ctx: RouteContext): Promise<RouteResult> {
  linkingOn(ctx);
  const body = await bodyObject(ctx);
  const type = linkType(ctx, body.type);
  const inward = linkedIssue(ctx, body.inwardIssue, 'inwardIssue');
  const outward = linkedIssue(ctx, body.outwardIssue, 'outwardIssue');
  if (!holds(ctx, projectOfIssue(ctx, outward), 'LINK_ISSUES', outward))
    throw notFound('You do not have the permission to link issues in this project.');
  const m = mutationOf(ctx);
  let comment: { body: AdfDoc; visibility?: Visibility } | undefined;
  if (body.comment !== undefined && body.comment !== null) {
    const c = isObject(body.comment) ? body.comment : {};
    requireIssuePermission(
      ctx,
      outward,
      'ADD_COMMENTS',
      400,
      'You do not have the permission to comment on this issue.',
    );
    const doc = c.body as AdfDoc | undefined;
    if (!doc || doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content) || doc.content.length === 0)
      return validation('comment', 'Comment body can not be empty!');
    comment = { body: doc, ...(isObject(c.visibility) ? { visibility: c.visibility as unknown as Visibility } : {}) };
  }
  addIssueLink(m, { typeId: type.id, inwardIssueId: inward.id, outwardIssueId: outward.id });
  if (comment) addComment(m, outward, comment);
  return { status: 201 };
}

function linkIssueId(ctx: Pick<RouteContext, 'site' | 'params'>): string | undefined {
  return ctx.site.data.links.get(ctx.params.linkId ?? '')?.inwardIssueId;
}

function removeLink(ctx: RouteContext): RouteResult {
  const id = ctx.params.linkId ?? '';
  if (!/^\d+$/.test(id)) throw jiraError(400, [`The issue link ID '${id}' is invalid.`]);
  linkingOn(ctx);
  const link = ctx.site.data.links.get(id);
  const missing = notFound(`No issue link with id '${id}' exists.`);
  if (!link) throw missing;
  const ends = [link.inwardIssueId, link.outwardIssueId].map((i) => ctx.site.data.issues.get(i));
  if (ends.some((i) => !i || i.archived || !canBrowseIssue(ctx.site, ctx.principal.accountId, i))) throw missing;
  if (!ends.some((i) => holds(ctx, projectOfIssue(ctx, i!), 'LINK_ISSUES', i)))
    throw notFound('You do not have the permission to delete links in this project.');
  deleteIssueLink(mutationOf(ctx), id);
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// Remote links

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function iconOf(v: unknown): { url16x16?: string; title?: string } | undefined {
  if (!isObject(v)) return undefined;
  const out: { url16x16?: string; title?: string } = {};
  if (str(v.url16x16) !== undefined) out.url16x16 = str(v.url16x16)!;
  if (str(v.title) !== undefined) out.title = str(v.title)!;
  return out;
}

/** RemoteIssueLinkRequest → the stored remote link (known members only). */
function remoteLinkInput(body: Record<string, unknown>): RemoteLinkInput {
  const o = isObject(body.object) ? body.object : undefined;
  if (!o) return validation('object', "'object' is required.");
  const object: RemoteLinkInput['object'] = { url: str(o.url) ?? '', title: str(o.title) ?? '' };
  if (str(o.summary) !== undefined) object.summary = str(o.summary)!;
  const icon = iconOf(o.icon);
  if (icon) object.icon = icon;
  if (isObject(o.status)) {
    const status: NonNullable<RemoteLinkInput['object']['status']> = {};
    if (typeof o.status.resolved === 'boolean') status.resolved = o.status.resolved;
    const sIcon = iconOf(o.status.icon);
    if (sIcon) status.icon = sIcon;
    object.status = status;
  }
  const out: RemoteLinkInput = { object };
  if (str(body.globalId) !== undefined && body.globalId !== '') out.globalId = str(body.globalId)!;
  if (str(body.relationship) !== undefined) out.relationship = str(body.relationship)!;
  if (isObject(body.application)) {
    const app: { type?: string; name?: string } = {};
    if (str(body.application.type) !== undefined) app.type = str(body.application.type)!;
    if (str(body.application.name) !== undefined) app.name = str(body.application.name)!;
    out.application = app;
  }
  return out;
}

function remoteIssue(ctx: RouteContext): Issue {
  const issue = visibleIssue(ctx);
  linkingOn(ctx, 403);
  requireIssuePermission(ctx, issue, 'LINK_ISSUES', 403, 'You do not have permission to link issues.');
  return issue;
}

function remoteLinkIdOf(ctx: RouteContext, issue: Issue): string {
  const id = ctx.params.linkId ?? '';
  if (!/^\d+$/.test(id)) throw jiraError(400, [`The remote issue link ID '${id}' is invalid.`]);
  if (issue.remoteLinks.some((l) => l.id === id)) return id;
  for (const other of ctx.site.data.issues.values())
    if (other.remoteLinks.some((l) => l.id === id))
      throw jiraError(400, [`The remote issue link with ID '${id}' does not belong to issue '${issue.key}'.`]);
  throw notFound(`No remote issue link with ID '${id}' exists.`);
}

async function postRemoteLink(ctx: RouteContext): Promise<RouteResult> {
  const issue = remoteIssue(ctx);
  const input = remoteLinkInput(await bodyObject(ctx));
  const { link, created } = upsertRemoteLink(mutationOf(ctx), issue, input);
  const self = `${restBase(renderContext(ctx))}/issue/${issue.key}/remotelink/${link.id}`;
  return { status: created ? 201 : 200, body: { id: Number(link.id), self } };
}

async function putRemoteLink(ctx: RouteContext): Promise<RouteResult> {
  const issue = remoteIssue(ctx);
  const id = remoteLinkIdOf(ctx, issue);
  updateRemoteLink(mutationOf(ctx), issue, id, remoteLinkInput(await bodyObject(ctx)));
  return { status: 204 };
}

function removeRemoteLink(ctx: RouteContext): RouteResult {
  const issue = remoteIssue(ctx);
  deleteRemoteLink(mutationOf(ctx), issue, remoteLinkIdOf(ctx, issue));
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// Link types

async function postLinkType(ctx: RouteContext): Promise<RouteResult> {
  linkingOn(ctx);
  if (!isAdmin(ctx)) throw notFound('You do not have the permission to create issue link types.');
  const body = await bodyObject(ctx);
  for (const k of ['name', 'inward', 'outward'])
    if (typeof body[k] !== 'string' || (body[k] as string).trim() === '')
      return validation(k, `The issue link type ${k} must not be empty.`);
  const name = body.name as string;
  if ([...ctx.site.data.issueLinkTypes.values()].some((t) => t.name.toLowerCase() === name.toLowerCase()))
    throw notFound(`The issue link type name '${name}' is already in use.`);
  const type = createIssueLinkType(mutationOf(ctx), {
    name,
    inward: body.inward as string,
    outward: body.outward as string,
  });
  return { status: 201, body: renderIssueLinkType(renderContext(ctx), type) };
}

export function registerLinkWriteRoutes(table: RouteTable): void {
  table.post('/rest/api/3/issueLink', { handler: linkIssues, write: true });
  table.delete('/rest/api/3/issueLink/{linkId}', { handler: removeLink, write: true, issueOf: linkIssueId });
  const R = '/rest/api/3/issue/{issueIdOrKey}/remotelink';
  table.post(R, { handler: postRemoteLink, write: true, issueOf: pathIssueId });
  table.put(`${R}/{linkId}`, { handler: putRemoteLink, write: true, issueOf: pathIssueId });
  table.delete(`${R}/{linkId}`, { handler: removeRemoteLink, write: true, issueOf: pathIssueId });
  table.post('/rest/api/3/issueLinkType', { handler: postLinkType, write: true });
}

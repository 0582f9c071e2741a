/**
 * Comment reads: GET /issue/{k}/comment (legacy page `comments[]`), GET /issue/{k}/comment/{id},
 * POST /comment/list (PageBean), GET /comment/{id}/properties[/{key}].
 *
 * Comments restricted to a group or project role are invisible (left out of pages, 404 on direct
 * reads) to viewers outside it. Page rules measured on Jira Cloud: maxResults defaults to 100, is
 * capped at 100 and floors at 1; startAt floors at 0; orderBy accepts only `created` (one leading
 * `+`/`-`, any case, surrounding blanks ignored) and is validated before the issue is looked up.
 */
import { badRequest, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import type { IssueRenderer } from '../render/issue.js';
import { restBase } from '../render/common.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Comment, Issue } from '../world/site.js';
import type { Site } from '../world/types.js';
import { browsableIssue, idList, jsonObject, listParam, pageParams, rendererFor } from './read-params.js';

export const COMMENT_PAGE_DEFAULT = 100;
export const COMMENT_PAGE_CAP = 100;
export const COMMENT_LIST_MAX_IDS = 1000;

/** Parses orderBy; true for newest first. Throws 400 for anything but created. */
export function commentOrderDescending(raw: string | null): boolean {
  if (raw === null) return false;
  let field = raw.trim();
  let desc = false;
  if (field.startsWith('+') || field.startsWith('-')) {
    desc = field.startsWith('-');
    field = field.slice(1).trim();
  }
  if (field.toLowerCase() !== 'created')
    throw badRequest(`The orderBy parameter accepts only 'created', '+created' or '-created'; got '${raw}'.`);
  return desc;
}

/** Finds comments by id across the site's issues (one scan for a batch). */
export function locateComments(site: Site, ids: ReadonlySet<string>): Map<string, { issue: Issue; comment: Comment }> {
  const out = new Map<string, { issue: Issue; comment: Comment }>();
  if (ids.size === 0) return out;
  for (const issue of site.data.issues.values()) {
    for (const comment of issue.comments) if (ids.has(comment.id)) out.set(comment.id, { issue, comment });
    if (out.size === ids.size) break;
  }
  return out;
}

function visibleComment(
  renderer: IssueRenderer,
  site: Site,
  viewerId: string,
  found: { issue: Issue; comment: Comment } | undefined,
): found is { issue: Issue; comment: Comment } {
  return (
    found !== undefined &&
    renderer.canBrowse(found.issue) &&
    renderer.canSee(found.issue, found.comment) &&
    site.members.has(viewerId)
  );
}

function issueComments(ctx: RouteContext): RouteResult {
  const desc = commentOrderDescending(ctx.query.get('orderBy'));
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, ctx.params.issueIdOrKey ?? '', renderer);
  const { startAt, maxResults } = pageParams(ctx.query, { defaultMax: COMMENT_PAGE_DEFAULT, cap: COMMENT_PAGE_CAP });
  const expand = new Set(listParam(ctx.query, 'expand'));
  const all = [...renderer.visibleComments(issue)].sort((a, b) => a.created - b.created || Number(a.id) - Number(b.id));
  if (desc) all.reverse();
  const page = all.slice(startAt, startAt + maxResults);
  return {
    body: {
      startAt,
      maxResults,
      total: all.length,
      comments: page.map((c) =>
        renderer.comment(issue, c, { renderedBody: expand.has('renderedBody'), properties: expand.has('properties') }),
      ),
    },
    objects: page.length,
  };
}

function issueComment(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, ctx.params.issueIdOrKey ?? '', renderer);
  const id = ctx.params.id ?? '';
  const comment = renderer.visibleComments(issue).find((c) => c.id === id);
  if (!comment) throw notFound(`Can not find a comment for the id: ${id}.`);
  const expand = new Set(listParam(ctx.query, 'expand'));
  return {
    body: renderer.comment(issue, comment, {
      renderedBody: expand.has('renderedBody'),
      properties: expand.has('properties'),
    }),
    objects: 1,
  };
}

async function commentList(ctx: RouteContext): Promise<RouteResult> {
  const body = await jsonObject(ctx);
  const ids = idList(body.ids, 'ids');
  if (ids.length === 0) throw badRequest('The list of comment IDs must not be empty.');
  if (ids.length > COMMENT_LIST_MAX_IDS)
    throw badRequest(`You can request at most ${COMMENT_LIST_MAX_IDS} comment IDs.`);
  const renderer = rendererFor(ctx);
  const expand = new Set(listParam(ctx.query, 'expand'));
  const found = locateComments(ctx.site, new Set(ids));
  const values = [...found.values()]
    .filter((f) => visibleComment(renderer, ctx.site, ctx.principal.accountId, f))
    .sort((a, b) => Number(a.comment.id) - Number(b.comment.id))
    .map((f) =>
      renderer.comment(f.issue, f.comment, {
        renderedBody: expand.has('renderedBody'),
        properties: expand.has('properties'),
      }),
    );
  return {
    body: { maxResults: COMMENT_LIST_MAX_IDS, startAt: 0, total: values.length, isLast: true, values },
    objects: values.length,
  };
}

function commentForProperties(ctx: RouteContext): { issue: Issue; comment: Comment } {
  const id = ctx.params.commentId ?? '';
  if (!/^\d+$/.test(id)) throw badRequest(`The comment ID '${id}' is invalid.`);
  const renderer = rendererFor(ctx);
  const found = locateComments(ctx.site, new Set([id])).get(id);
  if (!visibleComment(renderer, ctx.site, ctx.principal.accountId, found))
    throw notFound(`Can not find a comment for the id: ${id}.`);
  return found;
}

function commentPropertyKeys(ctx: RouteContext): RouteResult {
  const { comment } = commentForProperties(ctx);
  const base = restBase({ sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId });
  return {
    body: {
      keys: [...comment.properties.keys()].map((key) => ({
        self: `${base}/comment/${comment.id}/properties/${encodeURIComponent(key)}`,
        key,
      })),
    },
  };
}

function commentProperty(ctx: RouteContext): RouteResult {
  const { comment } = commentForProperties(ctx);
  const key = ctx.params.propertyKey ?? '';
  if (!comment.properties.has(key)) throw notFound(`The property with key '${key}' does not exist.`);
  return { body: { key, value: comment.properties.get(key) }, objects: 1 };
}

export function registerCommentRoutes(table: RouteTable): void {
  table.get('/rest/api/3/issue/{issueIdOrKey}/comment', issueComments);
  table.get('/rest/api/3/issue/{issueIdOrKey}/comment/{id}', issueComment);
  table.post('/rest/api/3/comment/list', commentList);
  table.get('/rest/api/3/comment/{commentId}/properties', commentPropertyKeys);
  table.get('/rest/api/3/comment/{commentId}/properties/{propertyKey}', commentProperty);
}

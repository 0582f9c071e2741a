/**
 * Comments. Adding, editing and deleting a comment bumps the issue's `updated` (comments write no
 * change history). The author and created time are the actor and now; an edit sets the update
 * author and `updated`. Commenters start watching the issue (Jira's default autowatch).
 */
import { notFound } from '../http/errors.js';
import { emitSiteEvent } from '../world/events.js';
import { nextId } from '../world/factory.js';
import { EMPTY_SET, propertiesFrom } from '../world/empty.js';
import type { AdfDoc, Comment, Issue, JsonValue, Visibility } from '../world/site.js';
import { ISSUE_LIMITS, type MutationContext, failure, touch, validation } from './context.js';

export interface AddCommentInput {
  body: AdfDoc;
  visibility?: Visibility;
  /** JSM: false for an internal (agents-only) comment. Default true. */
  jsdPublic?: boolean;
  properties?: Record<string, JsonValue>;
}

function checkBody(body: AdfDoc): void {
  if (!body || body.type !== 'doc' || body.version !== 1 || !Array.isArray(body.content))
    validation('comment', 'Comment body must be an Atlassian Document.');
  if (body.content.length === 0) validation('comment', 'Comment body can not be empty!');
}

/** Checks a visibility restriction: a group (by name or id) or a project role (by name) of the site. */
export function normaliseVisibility(ctx: MutationContext, v: Visibility | undefined): Visibility | undefined {
  if (!v) return undefined;
  const data = ctx.site.data;
  if (v.type === 'group') {
    const group = [...data.groups.values()].find(
      (g) => g.groupId === v.identifier || g.name === v.value || g.groupId === v.value,
    );
    if (!group) return validation('commentLevel', `Group: ${v.value} does not exist.`);
    return { type: 'group', value: group.name, identifier: group.groupId };
  }
  if (v.type === 'role') {
    const role = [...data.roles.values()].find((r) => r.name === v.value || r.id === v.identifier || r.id === v.value);
    if (!role) return validation('commentLevel', `Role: ${v.value} does not exist.`);
    return { type: 'role', value: role.name, identifier: role.id };
  }
  return validation('commentLevel', 'Visibility type must be group or role.');
}

export function addComment(ctx: MutationContext, issue: Issue, input: AddCommentInput): Comment {
  checkBody(input.body);
  if (issue.comments.length >= ISSUE_LIMITS.comments)
    return failure(`The limit of ${ISSUE_LIMITS.comments} comments per issue has been reached.`, 413);
  const comment: Comment = {
    id: nextId(ctx.site.data, 'comment'),
    issueId: issue.id,
    authorId: ctx.actorId,
    updateAuthorId: ctx.actorId,
    body: input.body,
    created: ctx.now,
    updated: ctx.now,
    jsdPublic: input.jsdPublic ?? true,
    properties: propertiesFrom(input.properties),
  };
  const visibility = normaliseVisibility(ctx, input.visibility);
  if (visibility) comment.visibility = visibility;
  issue.comments.push(comment);
  if (ctx.site.data.settings.watchingEnabled && !issue.watchers.has(ctx.actorId)) {
    if (issue.watchers === EMPTY_SET) issue.watchers = new Set();
    issue.watchers.add(ctx.actorId);
  }
  touch(ctx, issue);
  emitSiteEvent(ctx.site, { type: 'comment_created', at: ctx.now, actorId: ctx.actorId, issue, comment });
  return comment;
}

function findComment(issue: Issue, commentId: string): Comment {
  const c = issue.comments.find((x) => x.id === commentId);
  if (!c) throw notFound(`Can not find a comment for the id: ${commentId}.`);
  return c;
}

export interface EditCommentInput {
  body?: AdfDoc;
  /** A new restriction, or null to remove it. */
  visibility?: Visibility | null;
}

export function editComment(ctx: MutationContext, issue: Issue, commentId: string, input: EditCommentInput): Comment {
  const comment = findComment(issue, commentId);
  if (input.body !== undefined) {
    checkBody(input.body);
    comment.body = input.body;
  }
  if (input.visibility === null) delete comment.visibility;
  else if (input.visibility !== undefined) comment.visibility = normaliseVisibility(ctx, input.visibility)!;
  comment.updated = ctx.now;
  comment.updateAuthorId = ctx.actorId;
  touch(ctx, issue);
  emitSiteEvent(ctx.site, { type: 'comment_updated', at: ctx.now, actorId: ctx.actorId, issue, comment });
  return comment;
}

export function deleteComment(ctx: MutationContext, issue: Issue, commentId: string): Comment {
  const comment = findComment(issue, commentId);
  issue.comments = issue.comments.filter((c) => c !== comment);
  touch(ctx, issue);
  emitSiteEvent(ctx.site, { type: 'comment_deleted', at: ctx.now, actorId: ctx.actorId, issue, comment });
  return comment;
}

/**
 * Comment and worklog writes: POST/PUT/DELETE /issue/{k}/comment[/{id}], PUT/DELETE
 * /comment/{id}/properties/{key}, POST/PUT/DELETE /issue/{k}/worklog[/{id}] and PUT
 * /issue/{k}/worklog/{id}/properties/{key} (docs/design.md §5.15).
 *
 * Read-only members of the bodies — id, self, author, updateAuthor, created, updated, jsdPublic
 * (comments), issueId (worklogs) — are ignored: a comment or worklog is always written by the
 * caller at the simulator's "now". `jsdPublic` stays true here; internal JSM comments are made
 * through the JSM API. A visibility restriction names a group or project role the caller belongs
 * to (400 otherwise, as Jira does). Permissions: Add comments / Work on issues to add; the Own or
 * All variants of Edit and Delete for someone's comment or worklog — a missing permission answers
 * 400 (what the spec documents for these operations), 403 for the property operations.
 */
import { jiraError, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { addComment, deleteComment, editComment, normaliseVisibility } from '../mutate/comments.js';
import { MAX_PROPERTY_LENGTH, type MutationContext, validation } from '../mutate/context.js';
import { deleteProperty, setProperty } from '../mutate/properties.js';
import { type AdjustEstimate, addWorklog, deleteWorklog, editWorklog } from '../mutate/worklogs.js';
import { canViewRestricted } from '../render/issue.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { AdfDoc, Comment, Issue, JsonValue, Visibility, Worklog } from '../world/site.js';
import { locateComments } from './comments.js';
import { listParam, rendererFor } from './read-params.js';
import {
  FieldErrors,
  bodyObject,
  isObject,
  mutationOf,
  ownOrAll,
  parseDuration,
  parseJiraDateTime,
  pathIssueId,
  requireIssuePermission,
  visibleIssue,
} from './write-common.js';

// ---------------------------------------------------------------------------------------------
// Shared

/** A visibility restriction the caller may set: an existing group or role they belong to. */
function visibilityOf(m: MutationContext, ctx: RouteContext, issue: Issue, v: unknown): Visibility | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return validation('commentLevel', 'Visibility must be an object {type, value}.');
  const visibility = normaliseVisibility(m, v as unknown as Visibility)!;
  if (!canViewRestricted(ctx.site, ctx.principal.accountId, issue, visibility)) {
    const what = visibility.type === 'group' ? 'group' : 'project role';
    return validation('commentLevel', `You are currently not a member of the ${what}: ${visibility.value}.`);
  }
  return visibility;
}

function propertiesOf(value: unknown, errors: FieldErrors): Record<string, JsonValue> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    errors.messages.push('The properties must be an array of {key, value} objects.');
    return undefined;
  }
  const out: Record<string, JsonValue> = {};
  for (const p of value) {
    const text = isObject(p) ? JSON.stringify(p.value ?? null) : '';
    if (!isObject(p) || typeof p.key !== 'string' || p.key === '' || p.key.length > 255)
      errors.messages.push('Each property needs a key of 1 to 255 characters.');
    else if (text.length > MAX_PROPERTY_LENGTH)
      errors.messages.push(`The property value cannot be longer than ${MAX_PROPERTY_LENGTH} characters.`);
    else out[p.key] = JSON.parse(text) as JsonValue;
  }
  return out;
}

function expandOf(ctx: RouteContext): Set<string> {
  return new Set(listParam(ctx.query, 'expand'));
}

function propertyKey(ctx: RouteContext): string {
  return ctx.params.propertyKey ?? '';
}

// ---------------------------------------------------------------------------------------------
// Comments

function visibleComment(ctx: RouteContext, issue: Issue): Comment {
  const id = ctx.params.id ?? '';
  const comment = rendererFor(ctx)
    .visibleComments(issue)
    .find((c) => c.id === id);
  if (!comment) throw notFound(`Can not find a comment for the id: ${id}.`);
  return comment;
}

function commentResult(ctx: RouteContext, issue: Issue, comment: Comment, status: number): RouteResult {
  const expand = expandOf(ctx);
  return {
    status,
    body: rendererFor(ctx).comment(issue, comment, {
      renderedBody: expand.has('renderedBody'),
      properties: expand.has('properties'),
    }),
  };
}

async function postComment(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  requireIssuePermission(ctx, issue, 'ADD_COMMENTS', 400, 'You do not have the permission to comment on this issue.');
  const body = await bodyObject(ctx);
  const m = mutationOf(ctx);
  const errors = new FieldErrors();
  const visibility = errors.attempt('commentLevel', () => visibilityOf(m, ctx, issue, body.visibility));
  const properties = propertiesOf(body.properties, errors);
  errors.throwIfAny();
  const comment = addComment(m, issue, {
    body: body.body as AdfDoc,
    ...(visibility ? { visibility } : {}),
    ...(properties ? { properties } : {}),
  });
  return commentResult(ctx, issue, comment, 201);
}

async function putComment(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  const comment = visibleComment(ctx, issue);
  ownOrAll(
    ctx,
    issue,
    comment.authorId,
    'EDIT_OWN_COMMENTS',
    'EDIT_ALL_COMMENTS',
    400,
    'You do not have the permission to edit this comment.',
  );
  const body = await bodyObject(ctx);
  const m = mutationOf(ctx);
  const input: { body?: AdfDoc; visibility?: Visibility | null } = {};
  if (body.body !== undefined) input.body = body.body as AdfDoc;
  // A null visibility lifts the restriction; an absent one keeps it.
  if (body.visibility === null) input.visibility = null;
  else if (body.visibility !== undefined) input.visibility = visibilityOf(m, ctx, issue, body.visibility)!;
  const updated = editComment(m, issue, comment.id, input);
  return commentResult(ctx, issue, updated, 200);
}

function removeComment(ctx: RouteContext): RouteResult {
  const issue = visibleIssue(ctx);
  const comment = visibleComment(ctx, issue);
  ownOrAll(
    ctx,
    issue,
    comment.authorId,
    'DELETE_OWN_COMMENTS',
    'DELETE_ALL_COMMENTS',
    400,
    'You do not have the permission to delete this comment.',
  );
  deleteComment(mutationOf(ctx), issue, comment.id);
  return { status: 204 };
}

/** The comment of /comment/{commentId}/properties, visible to the caller, with its issue. */
function propertyComment(ctx: Pick<RouteContext, 'site' | 'params'>): { issue: Issue; comment: Comment } | undefined {
  const id = ctx.params.commentId ?? '';
  return /^\d+$/.test(id) ? locateComments(ctx.site, new Set([id])).get(id) : undefined;
}

function editableComment(ctx: RouteContext): { issue: Issue; comment: Comment } {
  const id = ctx.params.commentId ?? '';
  if (!/^\d+$/.test(id)) throw jiraError(400, [`The comment ID '${id}' is invalid.`]);
  const found = propertyComment(ctx);
  const renderer = rendererFor(ctx);
  if (!found || !renderer.canBrowse(found.issue) || !renderer.canSee(found.issue, found.comment))
    throw notFound(`Can not find a comment for the id: ${id}.`);
  ownOrAll(
    ctx,
    found.issue,
    found.comment.authorId,
    'EDIT_OWN_COMMENTS',
    'EDIT_ALL_COMMENTS',
    403,
    'You do not have the permission to edit this comment.',
  );
  return found;
}

async function putCommentProperty(ctx: RouteContext): Promise<RouteResult> {
  const { issue, comment } = editableComment(ctx);
  const value = await ctx.json<JsonValue>();
  const created = setProperty(mutationOf(ctx), { type: 'comment', issue, comment }, propertyKey(ctx), value);
  return { status: created ? 201 : 200 };
}

function removeCommentProperty(ctx: RouteContext): RouteResult {
  const { issue, comment } = editableComment(ctx);
  deleteProperty(mutationOf(ctx), { type: 'comment', issue, comment }, propertyKey(ctx));
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// Worklogs

function timeTrackingOn(ctx: RouteContext): void {
  if (!ctx.site.data.settings.timeTrackingEnabled)
    throw notFound('Time tracking is disabled. Enable time tracking to access worklogs.');
}

function visibleWorklog(ctx: RouteContext, issue: Issue): Worklog {
  const id = ctx.params.id ?? ctx.params.worklogId ?? '';
  const worklog = rendererFor(ctx)
    .visibleWorklogs(issue)
    .find((w) => w.id === id);
  if (!worklog) throw notFound(`Cannot find worklog with id: ${id}.`);
  return worklog;
}

/** The adjustEstimate query parameters; `allowed` lists the modes the operation documents. */
function adjustEstimateOf(
  ctx: RouteContext,
  allowed: ReadonlyArray<AdjustEstimate['mode']>,
  manualParam: 'reduceBy' | 'increaseBy',
): AdjustEstimate {
  const mode = (ctx.query.get('adjustEstimate') ?? 'auto').trim().toLowerCase();
  if (!(allowed as string[]).includes(mode))
    throw jiraError(400, [`Invalid value '${mode}' for adjustEstimate; use one of ${allowed.join(', ')}.`]);
  if (mode === 'new') {
    const seconds = parseDuration(ctx.query.get('newEstimate') ?? '');
    if (seconds === undefined) throw jiraError(400, [], { newEstimate: 'You must supply a valid new estimate.' });
    return { mode: 'new', newEstimateSeconds: seconds };
  }
  if (mode === 'manual') {
    const seconds = parseDuration(ctx.query.get(manualParam) ?? '');
    if (seconds === undefined)
      throw jiraError(400, [], {
        [manualParam]:
          manualParam === 'reduceBy'
            ? 'You must supply a valid amount of time to reduce the estimate by.'
            : 'You must supply a valid amount of time to increase the estimate by.',
      });
    return { mode: 'manual', seconds };
  }
  return { mode: mode as 'auto' | 'leave' };
}

/** Seconds from timeSpentSeconds or timeSpent (Jira duration); undefined when neither is given. */
function spentOf(body: Record<string, unknown>, errors: FieldErrors): number | undefined {
  if (body.timeSpentSeconds !== undefined && body.timeSpentSeconds !== null) {
    const n = body.timeSpentSeconds;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0)
      errors.add('timeLogged', 'You must indicate the time spent working.');
    return typeof n === 'number' ? n : undefined;
  }
  if (body.timeSpent !== undefined && body.timeSpent !== null) {
    const n = parseDuration(body.timeSpent);
    if (n === undefined) errors.add('timeLogged', 'Invalid time duration entered.');
    else if (n <= 0) errors.add('timeLogged', 'You must indicate the time spent working.');
    return n;
  }
  return undefined;
}

function startedOf(value: unknown, errors: FieldErrors): number | undefined {
  const ms = parseJiraDateTime(value);
  if (ms === undefined)
    errors.add('started', `Could not parse the started date '${String(value)}': use yyyy-MM-dd'T'HH:mm:ss.SSSZ.`);
  return ms;
}

function worklogComment(value: unknown, errors: FieldErrors): AdfDoc | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || value.type !== 'doc' || value.version !== 1 || !Array.isArray(value.content)) {
    errors.add('comment', 'The worklog comment must be an Atlassian Document (see the Atlassian Document Format).');
    return undefined;
  }
  return value as unknown as AdfDoc;
}

function worklogResult(ctx: RouteContext, issue: Issue, worklog: Worklog, status: number): RouteResult {
  return {
    status,
    body: rendererFor(ctx).worklog(issue, worklog, { properties: expandOf(ctx).has('properties') }),
  };
}

async function postWorklog(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  requireIssuePermission(
    ctx,
    issue,
    'WORK_ON_ISSUES',
    400,
    'You do not have the permission to associate a worklog to this issue.',
  );
  const adjust = adjustEstimateOf(ctx, ['auto', 'leave', 'new', 'manual'], 'reduceBy');
  const body = await bodyObject(ctx);
  const m = mutationOf(ctx);
  const errors = new FieldErrors();
  const started =
    body.started === undefined || body.started === null
      ? (errors.add('started', 'Started date is required.'), undefined)
      : startedOf(body.started, errors);
  const seconds = spentOf(body, errors);
  if (seconds === undefined && !('timeLogged' in errors.errors))
    errors.add('timeLogged', 'You must indicate the time spent working.');
  const comment = worklogComment(body.comment, errors);
  const visibility = errors.attempt('commentLevel', () => visibilityOf(m, ctx, issue, body.visibility));
  const properties = propertiesOf(body.properties, errors);
  errors.throwIfAny();
  const worklog = addWorklog(m, issue, {
    started: started!,
    timeSpentSeconds: seconds!,
    adjustEstimate: adjust,
    ...(comment ? { comment } : {}),
    ...(visibility ? { visibility } : {}),
    ...(properties ? { properties } : {}),
  });
  return worklogResult(ctx, issue, worklog, 201);
}

async function putWorklog(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  timeTrackingOn(ctx);
  const worklog = visibleWorklog(ctx, issue);
  ownOrAll(
    ctx,
    issue,
    worklog.authorId,
    'EDIT_OWN_WORKLOGS',
    'EDIT_ALL_WORKLOGS',
    400,
    'You do not have the permission to edit this worklog.',
  );
  const adjust = adjustEstimateOf(ctx, ['auto', 'leave', 'new'], 'reduceBy');
  const body = await bodyObject(ctx);
  const m = mutationOf(ctx);
  const errors = new FieldErrors();
  const input: {
    started?: number;
    timeSpentSeconds?: number;
    comment?: AdfDoc | null;
    visibility?: Visibility | null;
    adjustEstimate: AdjustEstimate;
  } = { adjustEstimate: adjust };
  if (body.started !== undefined && body.started !== null) {
    const started = startedOf(body.started, errors);
    if (started !== undefined) input.started = started;
  }
  const seconds = spentOf(body, errors);
  if (seconds !== undefined) input.timeSpentSeconds = seconds;
  if (body.comment === null) input.comment = null;
  else {
    const comment = worklogComment(body.comment, errors);
    if (comment) input.comment = comment;
  }
  if (body.visibility === null) input.visibility = null;
  else if (body.visibility !== undefined) {
    const v = errors.attempt('commentLevel', () => visibilityOf(m, ctx, issue, body.visibility));
    if (v) input.visibility = v;
  }
  errors.throwIfAny();
  return worklogResult(ctx, issue, editWorklog(m, issue, worklog.id, input), 200);
}

function removeWorklog(ctx: RouteContext): RouteResult {
  const issue = visibleIssue(ctx);
  timeTrackingOn(ctx);
  const worklog = visibleWorklog(ctx, issue);
  ownOrAll(
    ctx,
    issue,
    worklog.authorId,
    'DELETE_OWN_WORKLOGS',
    'DELETE_ALL_WORKLOGS',
    400,
    'You do not have the permission to delete this worklog.',
  );
  const adjust = adjustEstimateOf(ctx, ['auto', 'leave', 'new', 'manual'], 'increaseBy');
  deleteWorklog(mutationOf(ctx), issue, worklog.id, adjust);
  return { status: 204 };
}

async function putWorklogProperty(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  timeTrackingOn(ctx);
  const id = ctx.params.worklogId ?? '';
  if (!/^\d+$/.test(id)) throw jiraError(400, [`The worklog ID '${id}' is invalid.`]);
  const worklog = visibleWorklog(ctx, issue);
  ownOrAll(
    ctx,
    issue,
    worklog.authorId,
    'EDIT_OWN_WORKLOGS',
    'EDIT_ALL_WORKLOGS',
    403,
    'You do not have the permission to edit this worklog.',
  );
  const value = await ctx.json<JsonValue>();
  const created = setProperty(mutationOf(ctx), { type: 'worklog', issue, worklog }, propertyKey(ctx), value);
  return { status: created ? 201 : 200 };
}

export function registerCommentWorklogWriteRoutes(table: RouteTable): void {
  const I = '/rest/api/3/issue/{issueIdOrKey}';
  const onIssue = { write: true, issueOf: pathIssueId } as const;
  const onComment = {
    write: true,
    issueOf: (ctx: Pick<RouteContext, 'site' | 'params'>) => propertyComment(ctx)?.issue.id,
  } as const;
  table.post(`${I}/comment`, { handler: postComment, ...onIssue });
  table.put(`${I}/comment/{id}`, { handler: putComment, ...onIssue });
  table.delete(`${I}/comment/{id}`, { handler: removeComment, ...onIssue });
  table.put('/rest/api/3/comment/{commentId}/properties/{propertyKey}', { handler: putCommentProperty, ...onComment });
  table.delete('/rest/api/3/comment/{commentId}/properties/{propertyKey}', {
    handler: removeCommentProperty,
    ...onComment,
  });
  table.post(`${I}/worklog`, { handler: postWorklog, ...onIssue });
  table.put(`${I}/worklog/{id}`, { handler: putWorklog, ...onIssue });
  table.delete(`${I}/worklog/{id}`, { handler: removeWorklog, ...onIssue });
  table.put(`${I}/worklog/{worklogId}/properties/{propertyKey}`, { handler: putWorklogProperty, ...onIssue });
}

/**
 * Watchers, votes and issue properties: POST/DELETE /issue/{k}/watchers, POST/DELETE
 * /issue/{k}/votes, PUT/DELETE /issue/{k}/properties/{key}, POST /issue/properties/multi and
 * the task it starts (GET /task/{id}) (docs/design.md §5.15).
 *
 * - Watchers: the body of POST is the account id as a JSON string (an empty body adds the
 *   caller); adding or removing anyone but yourself needs Manage watcher list (403).
 * - Votes: the caller's own vote only — Jira has no way to vote for someone else, so restores
 *   cannot bring other users' votes back. Removing a vote that was never cast answers 404.
 * - Properties: values up to 32,768 characters of JSON; setting needs Edit issues (403),
 *   deleting answers 404 without it (as the spec documents).
 * - Bulk properties (`/issue/properties/multi`, ≤ 100 issues × ≤ 10 properties) is asynchronous
 *   in Jira: it answers 303 with `Location: …/rest/api/3/task/{id}`. The simulator applies the
 *   properties at once and records a finished task whose `result` lists the issue ids that were
 *   updated and those that failed (missing, invisible or not editable), the shape Jira leaves
 *   undocumented. When the caller may edit none of the issues the answer is 403.
 */
import { jiraError, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { MAX_PROPERTY_LENGTH } from '../mutate/context.js';
import { deleteProperty, setProperty } from '../mutate/properties.js';
import { addVote, addWatcher, removeVote, removeWatcher } from '../mutate/social.js';
import { restBase } from '../render/common.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { JsonValue } from '../world/site.js';
import type { Site } from '../world/types.js';
import { renderContext } from './read-params.js';
import {
  INVALID_PAYLOAD,
  holds,
  isObject,
  mutationOf,
  pathIssueId,
  projectOfIssue,
  requireIssuePermission,
  visibleIssue,
} from './write-common.js';

export const MULTI_PROPERTIES_MAX_ISSUES = 100;
export const MULTI_PROPERTIES_MAX_PER_ISSUE = 10;

// ---------------------------------------------------------------------------------------------
// Watchers

const MANAGE_WATCHERS_MESSAGE = 'You do not have the permission to manage the watcher list.';

async function postWatcher(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  const text = (await ctx.req.text()).trim();
  let accountId = ctx.principal.accountId;
  if (text !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw jiraError(400, [
        'The request body must be the account ID as a JSON string, e.g. "5b10ac8d82e05b22cc7d4ef5".',
      ]);
    }
    if (typeof parsed !== 'string' || parsed === '')
      throw jiraError(400, [
        'The request body must be the account ID as a JSON string, e.g. "5b10ac8d82e05b22cc7d4ef5".',
      ]);
    accountId = parsed;
  }
  if (accountId !== ctx.principal.accountId)
    requireIssuePermission(ctx, issue, 'MANAGE_WATCHERS', 403, MANAGE_WATCHERS_MESSAGE);
  addWatcher(mutationOf(ctx), issue, accountId);
  return { status: 204 };
}

function deleteWatcher(ctx: RouteContext): RouteResult {
  const issue = visibleIssue(ctx);
  const accountId = ctx.query.get('accountId')?.trim();
  if (!accountId) throw jiraError(400, ['The accountId query parameter is required.']);
  if (accountId !== ctx.principal.accountId)
    requireIssuePermission(ctx, issue, 'MANAGE_WATCHERS', 403, MANAGE_WATCHERS_MESSAGE);
  if (!ctx.sim.world.accounts.has(accountId)) throw notFound(`The user "${accountId}" does not exist.`);
  removeWatcher(mutationOf(ctx), issue, accountId);
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// Votes

function postVote(ctx: RouteContext): RouteResult {
  addVote(mutationOf(ctx), visibleIssue(ctx));
  return { status: 204 };
}

function deleteVote(ctx: RouteContext): RouteResult {
  if (!removeVote(mutationOf(ctx), visibleIssue(ctx)))
    throw notFound('Cannot remove a vote for an issue that the user has not already voted for.');
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// Issue properties

async function putProperty(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  requireIssuePermission(ctx, issue, 'EDIT_ISSUES', 403, 'You do not have permission to edit issues in this project.');
  const value = await ctx.json<JsonValue>();
  const created = setProperty(mutationOf(ctx), { type: 'issue', issue }, ctx.params.propertyKey ?? '', value);
  return { status: created ? 201 : 200 };
}

function removeProperty(ctx: RouteContext): RouteResult {
  const issue = visibleIssue(ctx);
  requireIssuePermission(ctx, issue, 'EDIT_ISSUES', 404, 'You do not have permission to edit issues in this project.');
  deleteProperty(mutationOf(ctx), { type: 'issue', issue }, ctx.params.propertyKey ?? '');
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// Bulk properties and tasks

interface Task {
  id: string;
  submittedBy: string;
  at: number;
  message: string;
  result: JsonValue;
}

const tasks = new WeakMap<Site, { next: number; byId: Map<string, Task> }>();

function taskStore(site: Site): { next: number; byId: Map<string, Task> } {
  let store = tasks.get(site);
  if (!store) tasks.set(site, (store = { next: 10000, byId: new Map() }));
  return store;
}

function taskSelf(ctx: RouteContext, id: string): string {
  return `${restBase(renderContext(ctx))}/task/${id}`;
}

async function multiProperties(ctx: RouteContext): Promise<RouteResult> {
  const body = await ctx.json<unknown>();
  const issues = isObject(body) ? body.issues : undefined;
  if (!isObject(body) || Object.keys(body).some((k) => k !== 'issues') || !Array.isArray(issues))
    throw jiraError(400, [INVALID_PAYLOAD]);
  if (issues.length === 0 || issues.length > MULTI_PROPERTIES_MAX_ISSUES)
    throw jiraError(400, [`Specify between 1 and ${MULTI_PROPERTIES_MAX_ISSUES} issues.`]);
  const requests: Array<{ issueId: string; properties: Array<[string, JsonValue]> }> = [];
  for (const item of issues) {
    if (!isObject(item) || typeof item.issueID !== 'number' || !Number.isSafeInteger(item.issueID))
      throw jiraError(400, ['Each entry needs an integer issueID.']);
    const props = item.properties;
    if (
      !isObject(props) ||
      Object.keys(props).length === 0 ||
      Object.keys(props).length > MULTI_PROPERTIES_MAX_PER_ISSUE
    )
      throw jiraError(400, [`Each issue takes between 1 and ${MULTI_PROPERTIES_MAX_PER_ISSUE} properties.`]);
    const entries: Array<[string, JsonValue]> = [];
    for (const [key, value] of Object.entries(props)) {
      if (key === '' || key.length > 255) throw jiraError(400, ['The property key must be 1 to 255 characters long.']);
      if (JSON.stringify(value ?? null).length > MAX_PROPERTY_LENGTH)
        throw jiraError(400, [`The property value cannot be longer than ${MAX_PROPERTY_LENGTH} characters.`]);
      entries.push([key, value as JsonValue]);
    }
    requests.push({ issueId: String(item.issueID), properties: entries });
  }
  const m = mutationOf(ctx);
  const successful: string[] = [];
  const failed: Array<{ issueId: string; error: string }> = [];
  let forbidden = 0;
  for (const r of requests) {
    let issue;
    try {
      issue = visibleIssue(ctx, r.issueId);
    } catch {
      failed.push({ issueId: r.issueId, error: 'Issue does not exist or you do not have permission to see it.' });
      continue;
    }
    if (!holds(ctx, projectOfIssue(ctx, issue), 'EDIT_ISSUES', issue)) {
      forbidden += 1;
      failed.push({ issueId: r.issueId, error: 'You do not have permission to edit issues in this project.' });
      continue;
    }
    for (const [key, value] of r.properties) setProperty(m, { type: 'issue', issue }, key, value);
    successful.push(issue.id);
  }
  if (forbidden > 0 && successful.length === 0 && forbidden === failed.length)
    throw jiraError(403, ['You do not have permission to edit the issues in this request.']);
  const store = taskStore(ctx.site);
  const id = String(store.next++);
  store.byId.set(id, {
    id,
    submittedBy: ctx.principal.accountId,
    at: ctx.now,
    message: failed.length === 0 ? 'Completed' : `Completed with ${failed.length} failures`,
    result: { successful, failed },
  });
  return { status: 303, headers: { location: taskSelf(ctx, id) } };
}

function getTask(ctx: RouteContext): RouteResult {
  const id = ctx.params.taskId ?? '';
  const task = taskStore(ctx.site).byId.get(id);
  if (!task || task.submittedBy !== ctx.principal.accountId) throw notFound(`Task with id '${id}' was not found.`);
  return {
    body: {
      self: taskSelf(ctx, id),
      id,
      status: 'COMPLETE',
      message: task.message,
      result: task.result,
      // Jira's numeric user ids do not exist for Cloud accounts; 0 stands for "not given".
      submittedBy: 0,
      progress: 100,
      elapsedRuntime: 0,
      submitted: task.at,
      started: task.at,
      finished: task.at,
      lastUpdate: task.at,
    },
  };
}

export function registerSocialWriteRoutes(table: RouteTable): void {
  const I = '/rest/api/3/issue/{issueIdOrKey}';
  const onIssue = { write: true, issueOf: pathIssueId } as const;
  table.post(`${I}/watchers`, { handler: postWatcher, ...onIssue });
  table.delete(`${I}/watchers`, { handler: deleteWatcher, ...onIssue });
  table.post(`${I}/votes`, { handler: postVote, ...onIssue });
  table.delete(`${I}/votes`, { handler: deleteVote, ...onIssue });
  table.put(`${I}/properties/{propertyKey}`, { handler: putProperty, ...onIssue });
  table.delete(`${I}/properties/{propertyKey}`, { handler: removeProperty, ...onIssue });
  table.post('/rest/api/3/issue/properties/multi', { handler: multiProperties, write: true });
  table.get('/rest/api/3/task/{taskId}', getTask);
}

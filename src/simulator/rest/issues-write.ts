/**
 * Issue writes: POST /issue, POST /issue/bulk, PUT /issue/{k}, DELETE /issue/{k} and
 * POST /issue/{k}/transitions (docs/design.md §5.15).
 *
 * Create takes the fields of the project's create screen for the issue type (createmeta), plus
 * `update` operations, `properties` and an optional `transition` applied right after creation.
 * The server sets id, key, created, updated, creator, status, resolution date, votes and
 * watches: naming them in `fields` is a 400 ("cannot be set … not on the appropriate screen"),
 * like any field off the screen; unknown top-level members of the body are ignored. New issues
 * rank after every ranked issue of the site. Bulk create applies each element on its own and
 * answers `{issues, errors[{failedElementNumber, status, elementErrors}]}`: 201 when any element
 * succeeded, 400 when none did. Edit takes the fields of the edit screen (editmeta) and ignores
 * `transition`; transitions take the fields of the transition's screen.
 */
import { SimHttpError, jiraError } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { addComment } from '../mutate/comments.js';
import { createIssue, deleteIssue, editIssueFields, transitionIssue } from '../mutate/issues.js';
import { addIssueLink } from '../mutate/links.js';
import { setProperty } from '../mutate/properties.js';
import { addWorklog } from '../mutate/worklogs.js';
import { type MutationContext, MAX_PROPERTY_LENGTH, validation } from '../mutate/context.js';
import { type IssueRenderer, parseFieldSelection, projectIssueTypeIds } from '../render/issue.js';
import { restBase } from '../render/common.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Issue, JsonValue, Project } from '../world/site.js';
import { canBrowseProject, findProject } from '../world/queries.js';
import { initialStatusId, workflowFor, availableTransitions } from '../world/workflow.js';
import { type InputScope, type PreparedInput, fieldsAndUpdate, prepareInput, projectRef } from './issue-input.js';
import { boolParam, listParam, rendererFor } from './read-params.js';
import {
  FieldErrors,
  INVALID_PAYLOAD,
  bodyObject,
  holds,
  isAdmin,
  isObject,
  mutationOf,
  pathIssueId,
  projectOfIssue,
  visibleIssue,
} from './write-common.js';

/** Jira's limit on issues in one bulk create. */
export const BULK_CREATE_MAX = 50;

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** `properties` of IssueUpdateDetails: [{key, value}] with Jira's key and size limits. */
function entityProperties(value: unknown, errors: FieldErrors): Record<string, JsonValue> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    errors.messages.push('The properties must be an array of {key, value} objects.');
    return undefined;
  }
  const out: Record<string, JsonValue> = {};
  for (const p of value) {
    if (!isObject(p) || typeof p.key !== 'string' || p.key === '' || p.key.length > 255) {
      errors.messages.push('Each property needs a key of 1 to 255 characters.');
      continue;
    }
    const text = JSON.stringify(p.value ?? null);
    if (text.length > MAX_PROPERTY_LENGTH) {
      errors.messages.push(`The property value cannot be longer than ${MAX_PROPERTY_LENGTH} characters.`);
      continue;
    }
    out[p.key] = JSON.parse(text) as JsonValue;
  }
  return out;
}

/** Adds the links, comments and worklogs an `update` asked for, after the field changes. */
function applyExtras(m: MutationContext, issue: Issue, input: PreparedInput): void {
  for (const l of input.links) {
    addIssueLink(m, {
      typeId: l.typeId,
      inwardIssueId: l.otherIs === 'inward' ? l.otherIssueId : issue.id,
      outwardIssueId: l.otherIs === 'inward' ? issue.id : l.otherIssueId,
    });
  }
  for (const c of input.comments) addComment(m, issue, c);
  for (const w of input.worklogs) addWorklog(m, issue, w);
}

function historyMetadataOf(body: Record<string, unknown>): JsonValue | undefined {
  return isObject(body.historyMetadata) ? (body.historyMetadata as JsonValue) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Create

interface Created {
  issue: Issue;
  transitioned: boolean;
}

function issueTypeOf(ctx: RouteContext, project: Project, value: unknown): string {
  if (value === undefined || value === null) return validation('issuetype', 'Specify an issue type');
  const ids = projectIssueTypeIds(ctx.site, project);
  const ref = isObject(value) ? value : {};
  const wanted =
    typeof ref.id === 'string' || typeof ref.id === 'number'
      ? ids.find((id) => id === String(ref.id))
      : typeof ref.name === 'string'
        ? ids.find((id) => ctx.site.data.issueTypes.get(id)?.name.toLowerCase() === String(ref.name).toLowerCase())
        : undefined;
  if (!wanted) return validation('issuetype', 'The issue type selected is invalid.');
  const type = ctx.site.data.issueTypes.get(wanted)!;
  if (type.subtask && !ctx.site.data.settings.subtasksEnabled)
    return validation('issuetype', 'Sub-tasks are disabled: the issue type cannot be a sub-task type.');
  return wanted;
}

/** Validates and applies one IssueUpdateDetails of a create; throws SimHttpError on failure. */
function createOne(ctx: RouteContext, renderer: IssueRenderer, body: unknown): Created {
  if (!isObject(body)) throw jiraError(400, [INVALID_PAYLOAD]);
  const { fields, update } = fieldsAndUpdate(body);
  const m = mutationOf(ctx);
  const ref = projectRef(fields.project);
  const project = ref === undefined ? undefined : findProject(ctx.site, ref);
  if (!project || project.status !== 'live' || !canBrowseProject(ctx.site, m.actorId, project))
    return validation('project', 'Specify a valid project ID or key');
  if (!holds(ctx, project, 'CREATE_ISSUES'))
    throw jiraError(403, ['You do not have permission to create issues in this project.']);
  const issueTypeId = issueTypeOf(ctx, project, fields.issuetype);

  const errors = new FieldErrors();
  const scope: InputScope = { ctx, m, scope: { project, issueTypeId } };
  const input = prepareInput(
    scope,
    fields,
    update,
    {
      screen: new Set(renderer.createFieldIds(project, issueTypeId)),
      skip: new Set(['project', 'issuetype']),
      allowLinks: holds(ctx, project, 'LINK_ISSUES'),
    },
    errors,
  );
  if (input.changes.summary === undefined && !('summary' in errors.errors))
    errors.add('summary', 'You must specify a summary of the issue.');
  const properties = entityProperties(body.properties, errors);

  let transitionId: string | undefined;
  if (body.transition !== undefined && body.transition !== null) {
    const t = isObject(body.transition) ? body.transition.id : undefined;
    transitionId = typeof t === 'string' || typeof t === 'number' ? String(t) : undefined;
    const workflow = workflowFor(ctx.site, project, issueTypeId);
    const initial = workflow ? initialStatusId(workflow) : undefined;
    const ok = workflow?.transitions.some(
      (x) =>
        x.id === transitionId &&
        ((x.type === 'directed' && initial !== undefined && x.from.includes(initial)) ||
          (x.type === 'global' && x.to !== initial)),
    );
    if (!ok) errors.messages.push(`Transition id '${transitionId ?? ''}' is not valid for this issue.`);
    else if (!holds(ctx, project, 'TRANSITION_ISSUES'))
      errors.messages.push('You do not have permission to transition this issue.');
  }
  errors.throwIfAny();

  // Jira's default assignee ("Automatic") when the request does not name one.
  if (!('assignee' in fields) && !('assignee' in update) && project.assigneeType === 'PROJECT_LEAD')
    input.changes.assignee = project.leadAccountId;
  const issue = createIssue(m, {
    project: project.id,
    issueTypeId,
    fields: input.changes,
    ...(properties ? { properties } : {}),
    rankLast: true,
  });
  applyExtras(m, issue, input);
  if (transitionId !== undefined) transitionIssue(m, issue, transitionId);
  return { issue, transitioned: transitionId !== undefined };
}

function createdBody(ctx: RouteContext, created: Created): Record<string, unknown> {
  const base = restBase({ sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId });
  const out: Record<string, unknown> = {
    id: created.issue.id,
    key: created.issue.key,
    self: `${base}/issue/${created.issue.id}`,
  };
  if (created.transitioned) out.transition = { status: 200, errorCollection: { errorMessages: [], errors: {} } };
  return out;
}

async function postIssue(ctx: RouteContext): Promise<RouteResult> {
  const body = await bodyObject(ctx);
  const created = createOne(ctx, rendererFor(ctx), body);
  return { status: 201, body: createdBody(ctx, created) };
}

/** A bulk-create answer in the CreatedIssues shape (the spec's schema for both 201 and 400). */
function bulkFailure(message: string): SimHttpError {
  return new SimHttpError(400, {
    issues: [],
    errors: [{ status: 400, elementErrors: { errorMessages: [message], errors: {} } }],
  });
}

async function postIssues(ctx: RouteContext): Promise<RouteResult> {
  let body: unknown;
  try {
    body = await ctx.json<unknown>();
  } catch (e) {
    if (e instanceof SimHttpError) throw bulkFailure(((e.body as { errorMessages: string[] }).errorMessages ?? [])[0]!);
    throw e;
  }
  const updates = isObject(body) ? body.issueUpdates : undefined;
  if (!Array.isArray(updates)) throw bulkFailure('The request must list the issues to create in issueUpdates.');
  if (updates.length === 0) throw bulkFailure('Provide at least one issue to create in issueUpdates.');
  if (updates.length > BULK_CREATE_MAX)
    throw bulkFailure(`You can create at most ${BULK_CREATE_MAX} issues in one request.`);
  const renderer = rendererFor(ctx);
  const issues: Array<Record<string, unknown>> = [];
  const errors: Array<Record<string, unknown>> = [];
  updates.forEach((update, index) => {
    try {
      issues.push(createdBody(ctx, createOne(ctx, renderer, update)));
    } catch (e) {
      if (!(e instanceof SimHttpError)) throw e;
      const b = e.body as { errorMessages?: string[]; errors?: Record<string, string> };
      errors.push({
        status: e.status,
        elementErrors: { errorMessages: b.errorMessages ?? [], errors: b.errors ?? {} },
        failedElementNumber: index,
      });
    }
  });
  return { status: issues.length > 0 ? 201 : 400, body: { issues, errors } };
}

// ---------------------------------------------------------------------------------------------
// Edit

function overridesAllowed(ctx: RouteContext): boolean {
  const overrides =
    boolParam(ctx.query, 'overrideScreenSecurity', false) || boolParam(ctx.query, 'overrideEditableFlag', false);
  if (overrides && !isAdmin(ctx))
    throw jiraError(403, [
      'You do not have the permission to use the overrideScreenSecurity or overrideEditableFlag parameters.',
    ]);
  return overrides;
}

async function putIssue(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  const override = overridesAllowed(ctx);
  const project = projectOfIssue(ctx, issue);
  if (!holds(ctx, project, 'EDIT_ISSUES', issue))
    throw jiraError(403, ['You do not have permission to edit issues in this project.']);
  const body = await bodyObject(ctx);
  const { fields, update } = fieldsAndUpdate(body);
  const m = mutationOf(ctx);
  const renderer = rendererFor(ctx);
  const screen = new Set(Object.keys(renderer.editmeta(issue).fields as object));
  if (override)
    for (const d of renderer.applicableFields(issue)) if (d.orderable && d.id !== 'project') screen.add(d.id);
  const errors = new FieldErrors();
  const scope: InputScope = {
    ctx,
    m,
    scope: { project, issueTypeId: String(issue.fields.issuetype), issue },
  };
  const input = prepareInput(
    scope,
    fields,
    update,
    {
      screen,
      allowComment: holds(ctx, project, 'ADD_COMMENTS', issue),
      allowWorklog: holds(ctx, project, 'WORK_ON_ISSUES', issue) && ctx.site.data.settings.timeTrackingEnabled,
      allowLinks: holds(ctx, project, 'LINK_ISSUES', issue),
    },
    errors,
  );
  const properties = entityProperties(body.properties, errors);
  errors.throwIfAny();
  // `transition` is ignored on edit, as Jira documents; notifyUsers only affects e-mail.
  editIssueFields(m, issue, input.changes, historyMetadataOf(body));
  applyExtras(m, issue, input);
  for (const [key, value] of Object.entries(properties ?? {})) setProperty(m, { type: 'issue', issue }, key, value);
  if (!boolParam(ctx.query, 'returnIssue', false)) return { status: 204 };
  const fresh = rendererFor(ctx);
  return {
    status: 200,
    body: fresh.bean(issue, { fields: parseFieldSelection(undefined, 'all'), expand: listParam(ctx.query, 'expand') }),
  };
}

// ---------------------------------------------------------------------------------------------
// Delete

function removeIssue(ctx: RouteContext): RouteResult {
  const issue = visibleIssue(ctx);
  if (!holds(ctx, projectOfIssue(ctx, issue), 'DELETE_ISSUES', issue))
    throw jiraError(403, ['You do not have permission to delete issues in this project.']);
  deleteIssue(mutationOf(ctx), issue, { deleteSubtasks: boolParam(ctx.query, 'deleteSubtasks', false) });
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// Transitions

async function doTransition(ctx: RouteContext): Promise<RouteResult> {
  const issue = visibleIssue(ctx);
  const body = await bodyObject(ctx);
  const raw = isObject(body.transition) ? body.transition.id : undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') throw jiraError(400, ["Missing 'transition' identifier"]);
  const transitionId = String(raw);
  const project = projectOfIssue(ctx, issue);
  if (!holds(ctx, project, 'TRANSITION_ISSUES', issue))
    throw jiraError(400, ['You do not have permission to transition this issue.']);
  const transition = availableTransitions(ctx.site, issue).find((t) => t.id === transitionId);
  if (!transition) throw jiraError(400, [`Transition id '${transitionId}' is not valid for this issue.`]);
  const screen = new Set(
    transition.screenId ? (ctx.site.data.screens.get(transition.screenId)?.tabs.flatMap((t) => t.fieldIds) ?? []) : [],
  );
  const { fields, update } = fieldsAndUpdate(body);
  const m = mutationOf(ctx);
  const errors = new FieldErrors();
  const input = prepareInput(
    { ctx, m, scope: { project, issueTypeId: String(issue.fields.issuetype), issue } },
    fields,
    update,
    {
      screen,
      allowComment: holds(ctx, project, 'ADD_COMMENTS', issue),
      allowWorklog: holds(ctx, project, 'WORK_ON_ISSUES', issue) && ctx.site.data.settings.timeTrackingEnabled,
    },
    errors,
  );
  const properties = entityProperties(body.properties, errors);
  errors.throwIfAny();
  transitionIssue(m, issue, transitionId, { fields: input.changes });
  applyExtras(m, issue, input);
  for (const [key, value] of Object.entries(properties ?? {})) setProperty(m, { type: 'issue', issue }, key, value);
  return { status: 204 };
}

export function registerIssueWriteRoutes(table: RouteTable): void {
  const I = '/rest/api/3/issue';
  table.post(I, { handler: postIssue, write: true });
  table.post(`${I}/bulk`, { handler: postIssues, write: true });
  table.put(`${I}/{issueIdOrKey}`, { handler: putIssue, write: true, issueOf: pathIssueId });
  table.delete(`${I}/{issueIdOrKey}`, { handler: removeIssue, write: true, issueOf: pathIssueId });
  table.post(`${I}/{issueIdOrKey}/transitions`, { handler: doTransition, write: true, issueOf: pathIssueId });
}

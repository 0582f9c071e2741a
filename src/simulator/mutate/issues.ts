/**
 * Issue mutations: create, edit, transition, delete, move. See context.ts for the contract.
 */
import type { ChangeHistory, ChangeItem, FieldDef, Issue, IssueType, JsonValue, Project } from '../world/site.js';
import { emitSiteEvent } from '../world/events.js';
import { nextId } from '../world/factory.js';
import { EMPTY_SET, propertiesFrom } from '../world/empty.js';
import { rankFieldId } from '../world/fields.js';
import { rankForIssueId } from '../world/lexorank.js';
import {
  availableTransitions,
  initialStatusId,
  statusCategoryKey,
  workflowFor,
  workflowOfIssue,
} from '../world/workflow.js';
import { rankAfterLast } from './agile.js';
import { removeAttachmentRecord } from './attachments.js';
import { type MutationContext, addHistory, failure, requireProject, sameValue, touch, validation } from './context.js';
import { type FieldScope, changeItems, normaliseFieldValue, plainItem } from './fields.js';
import { removeLinkRecord } from './links.js';

export interface CreateIssueInput {
  /** Project id or key. */
  project: string;
  issueTypeId: string;
  /** Stored-form values by field id; `summary` is required. Reporter defaults to the actor. */
  fields: Record<string, unknown>;
  properties?: Record<string, JsonValue>;
  /**
   * Rank the issue after every ranked issue of the site (what Jira does for an issue created
   * through the REST API). Default: a rank derived from the issue id, which the generator uses.
   */
  rankLast?: boolean;
}

function fieldDef(ctx: MutationContext, fieldId: string): FieldDef {
  const def = ctx.site.data.fields.get(fieldId);
  if (!def)
    return validation(fieldId, `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`);
  return def;
}

function issueTypesOf(ctx: MutationContext, project: Project): IssueType[] {
  const scheme = ctx.site.data.issueTypeSchemes.get(project.issueTypeSchemeId);
  return (scheme?.issueTypeIds ?? []).map((id) => ctx.site.data.issueTypes.get(id)).filter((t): t is IssueType => !!t);
}

function checkParent(ctx: MutationContext, project: Project, type: IssueType, parentId: unknown): void {
  if (type.subtask) {
    if (typeof parentId !== 'string') return validation('parent', 'Parent is required for sub-tasks.');
    const parent = ctx.site.data.issues.get(parentId)!;
    const parentType = ctx.site.data.issueTypes.get(String(parent.fields.issuetype));
    if (parent.projectId !== project.id || parentType?.subtask)
      return validation('parent', 'Given parent work item does not belong to appropriate hierarchy.');
    return;
  }
  if (parentId === undefined) return;
  const parent = ctx.site.data.issues.get(String(parentId))!;
  const parentType = ctx.site.data.issueTypes.get(String(parent.fields.issuetype));
  if (!parentType || parentType.hierarchyLevel !== type.hierarchyLevel + 1)
    return validation('parent', 'Given parent work item does not belong to appropriate hierarchy.');
}

/** Creates an issue in the initial status of its workflow, with the next key of its project. */
export function createIssue(ctx: MutationContext, input: CreateIssueInput): Issue {
  const data = ctx.site.data;
  const project = requireProject(ctx, input.project);
  if (project.status !== 'live') return validation('project', 'Specify a valid project ID or key');
  const type = issueTypesOf(ctx, project).find((t) => t.id === input.issueTypeId);
  if (!type) return validation('issuetype', 'Specify a valid issue type');
  const scope: FieldScope = { project, issueTypeId: type.id };
  const fields: Record<string, unknown> = {};
  if (input.fields.summary === undefined) return validation('summary', 'You must specify a summary of the issue.');
  for (const [fieldId, value] of Object.entries(input.fields)) {
    if (fieldId === 'project' || fieldId === 'issuetype') continue;
    const v = normaliseFieldValue(ctx, scope, fieldDef(ctx, fieldId), value);
    if (v !== undefined) fields[fieldId] = v;
  }
  checkParent(ctx, project, type, fields.parent);
  const workflow = workflowFor(ctx.site, project, type.id);
  if (!workflow) return failure(`No workflow is configured for issue type ${type.name} in project ${project.key}.`);

  const id = nextId(data, 'issue');
  project.issueCounter += 1;
  const key = `${project.key}-${project.issueCounter}`;
  const stored = fields;
  stored.project = project.id;
  stored.issuetype = type.id;
  stored.status = initialStatusId(workflow);
  if (stored.reporter === undefined && data.fields.has('reporter')) stored.reporter = ctx.actorId;
  if (stored.priority === undefined && data.fields.has('priority')) {
    const def = [...data.priorities.values()].find((p) => p.isDefault);
    if (def) stored.priority = def.id;
  }
  const tt = stored.timetracking as { originalEstimateSeconds?: number; remainingEstimateSeconds?: number } | undefined;
  if (tt?.originalEstimateSeconds !== undefined && tt.remainingEstimateSeconds === undefined)
    stored.timetracking = { ...tt, remainingEstimateSeconds: tt.originalEstimateSeconds };
  const rankId = rankFieldId(ctx.site);
  if (rankId) stored[rankId] = input.rankLast ? rankAfterLast(ctx.site, rankId) : rankForIssueId(id);

  const issue: Issue = {
    id,
    key,
    previousKeys: [],
    projectId: project.id,
    created: ctx.now,
    updated: ctx.now,
    creatorId: ctx.actorId,
    fields: stored,
    statusCategoryChangeDate: ctx.now,
    comments: [],
    worklogs: [],
    attachmentIds: [],
    linkIds: [],
    remoteLinks: [],
    watchers: data.settings.watchingEnabled ? new Set([ctx.actorId]) : EMPTY_SET,
    voters: EMPTY_SET,
    properties: propertiesFrom(input.properties),
    changelog: [],
    archived: false,
    version: 1,
  };
  if (statusCategoryKey(ctx.site, String(stored.status)) === 'done' && stored.resolution !== undefined)
    issue.resolutionDate = ctx.now;
  // (Jira's default "autowatch": people watch the issues they create — see watchers above.)
  data.issues.set(id, issue);
  data.issueKeys.set(key, id);
  emitSiteEvent(ctx.site, { type: 'issue_created', at: ctx.now, actorId: ctx.actorId, issue });
  return issue;
}

const NOT_EDITABLE = new Set(['status', 'project', 'resolutiondate', 'created', 'updated', 'creator']);

function projectOf(ctx: MutationContext, issue: Issue): Project {
  return ctx.site.data.projects.get(issue.projectId)!;
}

/** Validates and applies field changes; returns the change items (not yet written). */
function applyFieldChanges(ctx: MutationContext, issue: Issue, changes: Record<string, unknown>): ChangeItem[] {
  const project = projectOf(ctx, issue);
  const newTypeId = changes.issuetype !== undefined ? String(changes.issuetype) : String(issue.fields.issuetype);
  const scope: FieldScope = { project, issueTypeId: newTypeId, issue };
  const next: Array<[FieldDef, unknown]> = [];
  for (const [fieldId, value] of Object.entries(changes)) {
    const def = fieldDef(ctx, fieldId);
    if (NOT_EDITABLE.has(fieldId))
      return validation(fieldId, `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`);
    next.push([def, normaliseFieldValue(ctx, scope, def, value)]);
  }
  // Issue type changes must stay within the project, the hierarchy level and the workflow.
  if (changes.issuetype !== undefined && newTypeId !== issue.fields.issuetype) {
    const current = ctx.site.data.issueTypes.get(String(issue.fields.issuetype))!;
    const target = issueTypesOf(ctx, project).find((t) => t.id === newTypeId);
    if (!target || target.hierarchyLevel !== current.hierarchyLevel)
      return validation('issuetype', 'Specify a valid issue type');
    if (workflowFor(ctx.site, project, target.id)?.id !== workflowOfIssue(ctx.site, issue)?.id)
      return validation(
        'issuetype',
        'The issue type selected is invalid: it uses a different workflow; move the issue instead.',
      );
  }
  const parentChange = next.find(([d]) => d.id === 'parent');
  if (parentChange) {
    const type = ctx.site.data.issueTypes.get(newTypeId)!;
    checkParent(ctx, project, type, parentChange[1]);
  }
  const items: ChangeItem[] = [];
  for (const [def, value] of next) {
    const before = issue.fields[def.id];
    if (sameValue(before, value)) continue;
    items.push(...changeItems(ctx, scope, def, before, value));
    if (value === undefined) delete issue.fields[def.id];
    else issue.fields[def.id] = value;
    if (def.id === 'resolution') {
      if (value === undefined) delete issue.resolutionDate;
      else if (before === undefined) issue.resolutionDate = ctx.now;
    }
  }
  return items;
}

/**
 * Edits fields (stored-form values; null clears). Writes one change history with an item per
 * changed value and bumps `updated`; a no-op edit changes nothing and returns undefined.
 */
export function editIssueFields(
  ctx: MutationContext,
  issue: Issue,
  changes: Record<string, unknown>,
  historyMetadata?: JsonValue,
): ChangeHistory | undefined {
  const items = applyFieldChanges(ctx, issue, changes);
  if (items.length === 0) return undefined;
  const history = addHistory(ctx, issue, items, historyMetadata);
  touch(ctx, issue);
  emitSiteEvent(ctx.site, {
    type: 'issue_updated',
    at: ctx.now,
    actorId: ctx.actorId,
    issue,
    ...(history ? { changelogId: history.id } : {}),
  });
  return history;
}

export interface TransitionOptions {
  /** Fields set on the transition screen (e.g. resolution, assignee). */
  fields?: Record<string, unknown>;
}

/**
 * Moves an issue along a workflow transition available from its current status. Entering a
 * 'done' status sets a resolution (the one given, else the site's default) and resolutionDate;
 * leaving 'done' clears both. statusCategoryChangeDate moves when the category changes.
 */
export function transitionIssue(
  ctx: MutationContext,
  issue: Issue,
  transitionId: string,
  options: TransitionOptions = {},
): ChangeHistory {
  const transition = availableTransitions(ctx.site, issue).find((t) => t.id === transitionId);
  if (!transition) return failure(`Transition id '${transitionId}' is not valid for this issue.`);
  const data = ctx.site.data;
  const extra = { ...(options.fields ?? {}) };
  const fromStatus = String(issue.fields.status);
  const toStatus = transition.to;
  const fromCat = statusCategoryKey(ctx.site, fromStatus);
  const toCat = statusCategoryKey(ctx.site, toStatus);
  const resolutionGiven = Object.prototype.hasOwnProperty.call(extra, 'resolution');
  if (resolutionGiven && toCat !== 'done' && extra.resolution !== null)
    return validation('resolution', 'Resolution can only be set when the issue moves to a done status.');
  if (toCat === 'done' && !resolutionGiven && issue.fields.resolution === undefined) {
    const def = [...data.resolutions.values()].find((r) => r.isDefault) ?? [...data.resolutions.values()][0];
    if (def) extra.resolution = def.id;
  }
  if (toCat !== 'done' && issue.fields.resolution !== undefined) extra.resolution = null;
  const items = applyFieldChanges(ctx, issue, extra);
  const statusDef = data.fields.get('status');
  const scope: FieldScope = { project: projectOf(ctx, issue), issueTypeId: String(issue.fields.issuetype), issue };
  const statusItems = statusDef
    ? changeItems(ctx, scope, statusDef, fromStatus, toStatus)
    : [
        plainItem(
          'status',
          fromStatus,
          data.statuses.get(fromStatus)?.name ?? null,
          toStatus,
          data.statuses.get(toStatus)?.name ?? null,
          'status',
        ),
      ];
  // Jira lists the resolution before the status in a resolving transition.
  const resolutionItems = items.filter((i) => i.fieldId === 'resolution');
  const otherItems = items.filter((i) => i.fieldId !== 'resolution');
  issue.fields.status = toStatus;
  if (fromCat !== toCat) issue.statusCategoryChangeDate = ctx.now;
  const history = addHistory(ctx, issue, [...resolutionItems, ...statusItems, ...otherItems])!;
  touch(ctx, issue);
  emitSiteEvent(ctx.site, { type: 'issue_updated', at: ctx.now, actorId: ctx.actorId, issue, changelogId: history.id });
  return history;
}

/** Ids of the sub-tasks of an issue. */
export function subtaskIdsOf(ctx: MutationContext, issue: Issue): string[] {
  const out: string[] = [];
  for (const other of ctx.site.data.issues.values()) {
    if (other.fields.parent !== issue.id) continue;
    if (ctx.site.data.issueTypes.get(String(other.fields.issuetype))?.subtask) out.push(other.id);
  }
  return out;
}

function removeIssueRecord(ctx: MutationContext, issue: Issue): void {
  const data = ctx.site.data;
  for (const linkId of [...issue.linkIds]) removeLinkRecord(ctx, linkId, false);
  for (const attachmentId of [...issue.attachmentIds]) removeAttachmentRecord(ctx, attachmentId);
  for (const w of issue.worklogs)
    data.worklogDeletions.push({ worklogId: w.id, issueId: issue.id, updatedTime: ctx.now });
  data.issueKeys.delete(issue.key);
  for (const k of issue.previousKeys) if (data.issueKeys.get(k) === issue.id) data.issueKeys.delete(k);
  data.issues.delete(issue.id);
  emitSiteEvent(ctx.site, { type: 'issue_deleted', at: ctx.now, actorId: ctx.actorId, issue });
}

/**
 * Deletes an issue with its comments, worklogs (reported in the deleted-worklog feed),
 * attachments and links (removed from both ends). Sub-tasks go too when deleteSubtasks is set;
 * otherwise an issue with sub-tasks cannot be deleted (400). Children of a deleted epic lose
 * their parent. Returns the ids of every deleted issue.
 */
export function deleteIssue(ctx: MutationContext, issue: Issue, options: { deleteSubtasks?: boolean } = {}): string[] {
  const subtasks = subtaskIdsOf(ctx, issue);
  if (subtasks.length > 0 && !options.deleteSubtasks)
    return failure(`The issue ${issue.key} has subtasks. Delete them first or set deleteSubtasks to true.`);
  const deleted: string[] = [];
  for (const id of subtasks) {
    const sub = ctx.site.data.issues.get(id);
    if (sub) {
      removeIssueRecord(ctx, sub);
      deleted.push(id);
    }
  }
  removeIssueRecord(ctx, issue);
  deleted.push(issue.id);
  for (const other of ctx.site.data.issues.values()) {
    if (other.fields.parent === issue.id) {
      delete other.fields.parent;
      touch(ctx, other, false);
    }
  }
  return deleted;
}

export interface MoveOptions {
  /** Issue type in the target project (default: the same type, else one of the same name or level). */
  issueTypeId?: string;
  /** Status in the target workflow (default: the same status if the workflow has it, else its initial status). */
  statusId?: string;
}

function moveOne(
  ctx: MutationContext,
  issue: Issue,
  target: Project,
  typeId: string,
  statusId?: string,
): ChangeHistory {
  const data = ctx.site.data;
  const source = projectOf(ctx, issue);
  const oldKey = issue.key;
  const items: ChangeItem[] = [
    plainItem('project', source.id, source.name, target.id, target.name, 'project'),
    plainItem('Key', null, oldKey, null, `${target.key}-${target.issueCounter + 1}`),
  ];
  const oldWorkflow = workflowOfIssue(ctx.site, issue);
  const newWorkflow = workflowFor(ctx.site, target, typeId);
  if (!newWorkflow) return failure(`No workflow is configured for the target issue type in project ${target.key}.`);
  const scope: FieldScope = { project: target, issueTypeId: typeId, issue };
  const typeDef = data.fields.get('issuetype');
  if (typeId !== issue.fields.issuetype && typeDef)
    items.push(...changeItems(ctx, scope, typeDef, issue.fields.issuetype, typeId));
  if (oldWorkflow && oldWorkflow.id !== newWorkflow.id)
    items.push(plainItem('Workflow', oldWorkflow.id, oldWorkflow.name, newWorkflow.id, newWorkflow.name));
  const currentStatus = String(issue.fields.status);
  const newStatus =
    statusId ?? (newWorkflow.statusIds.includes(currentStatus) ? currentStatus : initialStatusId(newWorkflow));
  if (!newWorkflow.statusIds.includes(newStatus))
    return validation('status', 'The status is not in the target workflow.');
  const statusDef = data.fields.get('status');
  if (newStatus !== currentStatus && statusDef)
    items.push(...changeItems(ctx, scope, statusDef, currentStatus, newStatus));
  // Project-specific values do not travel.
  for (const fieldId of ['components', 'fixVersions', 'versions']) {
    const def = data.fields.get(fieldId);
    if (def && issue.fields[fieldId] !== undefined) {
      items.push(...changeItems(ctx, { ...scope, project: source }, def, issue.fields[fieldId], undefined));
      delete issue.fields[fieldId];
    }
  }
  if (issue.fields.security !== undefined && source.issueSecuritySchemeId !== target.issueSecuritySchemeId) {
    const def = data.fields.get('security');
    if (def) items.push(...changeItems(ctx, { ...scope, project: source }, def, issue.fields.security, undefined));
    delete issue.fields.security;
  }
  const fromCat = statusCategoryKey(ctx.site, currentStatus);
  const toCat = statusCategoryKey(ctx.site, newStatus);
  if (toCat !== 'done' && issue.fields.resolution !== undefined) {
    const def = data.fields.get('resolution');
    if (def) items.push(...changeItems(ctx, scope, def, issue.fields.resolution, undefined));
    delete issue.fields.resolution;
    delete issue.resolutionDate;
  }
  target.issueCounter += 1;
  const newKey = `${target.key}-${target.issueCounter}`;
  issue.previousKeys.push(oldKey);
  issue.key = newKey;
  issue.projectId = target.id;
  issue.fields.project = target.id;
  issue.fields.issuetype = typeId;
  issue.fields.status = newStatus;
  if (fromCat !== toCat) issue.statusCategoryChangeDate = ctx.now;
  data.issueKeys.set(newKey, issue.id);
  const history = addHistory(ctx, issue, items)!;
  touch(ctx, issue);
  emitSiteEvent(ctx.site, {
    type: 'issue_updated',
    at: ctx.now,
    actorId: ctx.actorId,
    issue,
    changelogId: history.id,
    movedFrom: { key: oldKey, projectId: source.id },
  });
  return history;
}

function targetTypeFor(ctx: MutationContext, target: Project, current: IssueType, wanted?: string): IssueType {
  const types = issueTypesOf(ctx, target);
  if (wanted !== undefined) {
    const t = types.find((x) => x.id === wanted);
    if (!t || t.subtask !== current.subtask) return validation('issuetype', 'Specify a valid issue type');
    return t;
  }
  return (
    types.find((t) => t.id === current.id) ??
    types.find((t) => t.name === current.name && t.subtask === current.subtask) ??
    types.find((t) => t.hierarchyLevel === current.hierarchyLevel) ??
    validation('issuetype', `Project ${target.key} has no issue type for ${current.name}.`)
  );
}

/**
 * Moves an issue (with its sub-tasks) to another project: new keys from the target's counter,
 * old keys kept resolvable, 'project' and 'Key' change items (plus issue type, workflow and
 * status when they change; components and versions are cleared). Sub-tasks cannot move alone.
 */
export function moveIssue(
  ctx: MutationContext,
  issue: Issue,
  targetProject: string,
  options: MoveOptions = {},
): ChangeHistory {
  const target = requireProject(ctx, targetProject);
  if (target.status !== 'live') return validation('project', 'Specify a valid project ID or key');
  if (target.id === issue.projectId) return failure('The issue is already in this project.');
  const current = ctx.site.data.issueTypes.get(String(issue.fields.issuetype))!;
  if (current.subtask) return failure('Sub-tasks move with their parent; move the parent issue instead.');
  const type = targetTypeFor(ctx, target, current, options.issueTypeId);
  const subtasks = subtaskIdsOf(ctx, issue);
  const history = moveOne(ctx, issue, target, type.id, options.statusId);
  for (const id of subtasks) {
    const sub = ctx.site.data.issues.get(id)!;
    const subType = targetTypeFor(ctx, target, ctx.site.data.issueTypes.get(String(sub.fields.issuetype))!);
    moveOne(ctx, sub, target, subType.id);
  }
  return history;
}

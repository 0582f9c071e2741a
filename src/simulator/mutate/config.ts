/**
 * Configuration changes a backup must notice: renames (which Jira shows everywhere the object is
 * referenced, since issues store ids), new and renamed field options, group membership, filters,
 * project roles and link types. Each announces a `config_changed` event.
 */
import { notFound } from '../http/errors.js';
import { emitSiteEvent } from '../world/events.js';
import { nextId } from '../world/factory.js';
import type { FieldOption, IssueLinkType } from '../world/site.js';
import { type MutationContext, validation } from './context.js';

function changed(ctx: MutationContext, kind: string, id: string): void {
  emitSiteEvent(ctx.site, { type: 'config_changed', at: ctx.now, actorId: ctx.actorId, kind, id });
}

function checkName(name: unknown, max = 255): string {
  if (typeof name !== 'string' || name.trim() === '') return validation('name', 'The name must not be empty.');
  if (name.length > max) return validation('name', `The name must not exceed ${max} characters.`);
  return name;
}

export function renameStatus(ctx: MutationContext, statusId: string, name: string): void {
  const status = ctx.site.data.statuses.get(statusId);
  if (!status) throw notFound(`The status with id ${statusId} does not exist.`);
  status.name = checkName(name);
  changed(ctx, 'status', statusId);
}

export function renamePriority(ctx: MutationContext, priorityId: string, name: string): void {
  const priority = ctx.site.data.priorities.get(priorityId);
  if (!priority) throw notFound(`The priority with id ${priorityId} does not exist.`);
  priority.name = checkName(name, 60);
  changed(ctx, 'priority', priorityId);
}

export function renameIssueType(ctx: MutationContext, issueTypeId: string, name: string): void {
  const type = ctx.site.data.issueTypes.get(issueTypeId);
  if (!type) throw notFound(`The issue type with id ${issueTypeId} does not exist.`);
  type.name = checkName(name, 60);
  changed(ctx, 'issuetype', issueTypeId);
}

export function renameField(ctx: MutationContext, fieldId: string, name: string): void {
  const field = ctx.site.data.fields.get(fieldId);
  if (!field || !field.custom) throw notFound(`The custom field with id ${fieldId} does not exist.`);
  field.name = checkName(name);
  changed(ctx, 'field', fieldId);
}

/** Adds an option (or a cascading child option when parentOptionId is given) to a field context. */
export function addFieldOption(
  ctx: MutationContext,
  contextId: string,
  value: string,
  parentOptionId?: string,
): FieldOption {
  const context = ctx.site.data.fieldContexts.get(contextId);
  if (!context) throw notFound(`The custom field context with id ${contextId} does not exist.`);
  checkName(value);
  if (parentOptionId !== undefined && !context.options.some((o) => o.id === parentOptionId && !o.optionId))
    return validation('optionId', 'The parent option does not exist.');
  if (context.options.some((o) => o.value === value && o.optionId === parentOptionId))
    return validation('value', `The option '${value}' already exists.`);
  const option: FieldOption = { id: nextId(ctx.site.data, 'generic'), value, disabled: false };
  if (parentOptionId !== undefined) option.optionId = parentOptionId;
  context.options.push(option);
  changed(ctx, 'fieldOption', option.id);
  return option;
}

export function updateFieldOption(
  ctx: MutationContext,
  contextId: string,
  optionId: string,
  patch: { value?: string; disabled?: boolean },
): FieldOption {
  const context = ctx.site.data.fieldContexts.get(contextId);
  const option = context?.options.find((o) => o.id === optionId);
  if (!option) throw notFound(`The option with id ${optionId} does not exist in context ${contextId}.`);
  if (patch.value !== undefined) option.value = checkName(patch.value);
  if (patch.disabled !== undefined) option.disabled = patch.disabled;
  changed(ctx, 'fieldOption', optionId);
  return option;
}

export function addGroupMember(ctx: MutationContext, groupId: string, accountId: string): void {
  const group = ctx.site.data.groups.get(groupId);
  if (!group) throw notFound(`The group with id ${groupId} does not exist.`);
  if (!ctx.world.accounts.has(accountId)) validation('accountId', 'The user does not exist.');
  group.members.add(accountId);
  changed(ctx, 'group', groupId);
}

export function removeGroupMember(ctx: MutationContext, groupId: string, accountId: string): void {
  const group = ctx.site.data.groups.get(groupId);
  if (!group) throw notFound(`The group with id ${groupId} does not exist.`);
  group.members.delete(accountId);
  changed(ctx, 'group', groupId);
}

export function updateFilter(
  ctx: MutationContext,
  filterId: string,
  patch: { name?: string; jql?: string; description?: string },
): void {
  const filter = ctx.site.data.filters.get(filterId);
  if (!filter)
    throw notFound(
      `The selected filter is not available to you, perhaps it has been deleted or had its permissions changed.`,
    );
  if (patch.name !== undefined) filter.name = checkName(patch.name);
  if (patch.jql !== undefined) filter.jql = patch.jql;
  if (patch.description !== undefined) filter.description = patch.description;
  changed(ctx, 'filter', filterId);
}

export function addRoleActor(
  ctx: MutationContext,
  projectId: string,
  roleId: string,
  actor: { user?: string; groupId?: string },
): void {
  const project = ctx.site.data.projects.get(projectId);
  if (!project) throw notFound(`No project could be found with id '${projectId}'.`);
  if (!ctx.site.data.roles.has(roleId)) throw notFound(`The project role with id ${roleId} does not exist.`);
  const actors = project.roleActors.get(roleId) ?? { users: new Set<string>(), groups: new Set<string>() };
  if (actor.user !== undefined) {
    if (!ctx.world.accounts.has(actor.user)) validation('user', 'The user does not exist.');
    actors.users.add(actor.user);
  }
  if (actor.groupId !== undefined) {
    if (!ctx.site.data.groups.has(actor.groupId)) validation('group', 'The group does not exist.');
    actors.groups.add(actor.groupId);
  }
  project.roleActors.set(roleId, actors);
  changed(ctx, 'projectRoleActors', `${projectId}:${roleId}`);
}

export function createIssueLinkType(ctx: MutationContext, input: Omit<IssueLinkType, 'id'>): IssueLinkType {
  checkName(input.name);
  checkName(input.inward);
  checkName(input.outward);
  for (const t of ctx.site.data.issueLinkTypes.values())
    if (t.name.toLowerCase() === input.name.toLowerCase())
      validation('name', 'A link type with that name already exists.');
  const type: IssueLinkType = { id: nextId(ctx.site.data, 'generic'), ...input };
  ctx.site.data.issueLinkTypes.set(type.id, type);
  changed(ctx, 'issueLinkType', type.id);
  return type;
}

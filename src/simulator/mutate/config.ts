/**
 * Configuration changes a backup must notice: renames (which Jira shows everywhere the object is
 * referenced, since issues store ids), new and renamed field options, group membership, filters,
 * project roles and link types. Each announces a `config_changed` event describing the change
 * (the audit log is written from it, world/audit.ts).
 */
import { notFound } from '../http/errors.js';
import { auditItem, valuesChanged, valuesSet } from '../world/audit.js';
import { type ConfigChange, type ConfigKind, emitSiteEvent } from '../world/events.js';
import { nextId } from '../world/factory.js';
import type { FieldContext, FieldOption, IssueLinkType } from '../world/site.js';
import { type MutationContext, validation } from './context.js';

function changed(ctx: MutationContext, kind: ConfigKind, id: string, change: ConfigChange): void {
  emitSiteEvent(ctx.site, { type: 'config_changed', at: ctx.now, actorId: ctx.actorId, kind, id, change });
}

/** A rename: Name from → to (a no-op when the name stays). */
function renamed(id: string, from: string, to: string): ConfigChange {
  const changedValues = valuesChanged({ Name: from }, { Name: to });
  return {
    action: 'updated',
    object: { id, name: to },
    changedValues,
    ...(changedValues.length === 0 ? { noop: true } : {}),
  };
}

/** An option change is a change of its field's configuration, in the context named. */
function optionChange(
  ctx: MutationContext,
  context: FieldContext,
  action: ConfigChange['action'],
  before: Record<string, string | undefined>,
  after: Record<string, string | undefined>,
): ConfigChange {
  const field = ctx.site.data.fields.get(context.fieldId);
  const fieldRef = { id: context.fieldId, name: field?.name ?? context.fieldId };
  const changedValues = valuesChanged(before, after);
  return {
    action,
    object: fieldRef,
    changedValues,
    associated: [auditItem('CUSTOM_FIELD_CONTEXT', context.id, context.name, fieldRef)],
    ...(changedValues.length === 0 ? { noop: true } : {}),
  };
}

function checkName(name: unknown, max = 255): string {
  if (typeof name !== 'string' || name.trim() === '') return validation('name', 'The name must not be empty.');
  if (name.length > max) return validation('name', `The name must not exceed ${max} characters.`);
  return name;
}

export function renameStatus(ctx: MutationContext, statusId: string, name: string): void {
  const status = ctx.site.data.statuses.get(statusId);
  if (!status) throw notFound(`The status with id ${statusId} does not exist.`);
  const from = status.name;
  status.name = checkName(name);
  changed(ctx, 'status', statusId, renamed(statusId, from, status.name));
}

export function renamePriority(ctx: MutationContext, priorityId: string, name: string): void {
  const priority = ctx.site.data.priorities.get(priorityId);
  if (!priority) throw notFound(`The priority with id ${priorityId} does not exist.`);
  const from = priority.name;
  priority.name = checkName(name, 60);
  changed(ctx, 'priority', priorityId, renamed(priorityId, from, priority.name));
}

export function renameIssueType(ctx: MutationContext, issueTypeId: string, name: string): void {
  const type = ctx.site.data.issueTypes.get(issueTypeId);
  if (!type) throw notFound(`The issue type with id ${issueTypeId} does not exist.`);
  const from = type.name;
  type.name = checkName(name, 60);
  changed(ctx, 'issuetype', issueTypeId, renamed(issueTypeId, from, type.name));
}

export function renameField(ctx: MutationContext, fieldId: string, name: string): void {
  const field = ctx.site.data.fields.get(fieldId);
  if (!field || !field.custom) throw notFound(`The custom field with id ${fieldId} does not exist.`);
  const from = field.name;
  field.name = checkName(name);
  changed(ctx, 'field', fieldId, renamed(fieldId, from, field.name));
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
  const parent = parentOptionId === undefined ? undefined : context.options.find((o) => o.id === parentOptionId);
  changed(
    ctx,
    'fieldOption',
    option.id,
    optionChange(ctx, context, 'updated', {}, { Option: parent ? `${parent.value} - ${value}` : value }),
  );
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
  const view = (): Record<string, string> => ({ Option: option.value, 'Option disabled': String(option.disabled) });
  const before = view();
  if (patch.value !== undefined) option.value = checkName(patch.value);
  if (patch.disabled !== undefined) option.disabled = patch.disabled;
  changed(ctx, 'fieldOption', optionId, optionChange(ctx, context!, 'updated', before, view()));
  return option;
}

export function addGroupMember(ctx: MutationContext, groupId: string, accountId: string): void {
  const group = ctx.site.data.groups.get(groupId);
  if (!group) throw notFound(`The group with id ${groupId} does not exist.`);
  if (!ctx.world.accounts.has(accountId)) validation('accountId', 'The user does not exist.');
  const present = group.members.has(accountId);
  group.members.add(accountId);
  changed(ctx, 'group', groupId, membershipChange(group, accountId, 'added', present));
}

/** Group membership is recorded on the user, with the group as the associated item. */
function membershipChange(
  group: { groupId: string; name: string },
  accountId: string,
  action: 'added' | 'removed',
  noop: boolean,
): ConfigChange {
  return {
    action,
    object: { id: accountId, name: accountId },
    changedValues: [],
    associated: [auditItem('GROUP', group.groupId, group.name)],
    ...(noop ? { noop: true } : {}),
  };
}

export function removeGroupMember(ctx: MutationContext, groupId: string, accountId: string): void {
  const group = ctx.site.data.groups.get(groupId);
  if (!group) throw notFound(`The group with id ${groupId} does not exist.`);
  const absent = !group.members.has(accountId);
  group.members.delete(accountId);
  changed(ctx, 'group', groupId, membershipChange(group, accountId, 'removed', absent));
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
  // Announced for listeners; filters are user objects, which the audit log does not record.
  changed(ctx, 'filter', filterId, {
    action: 'updated',
    object: { id: filterId, name: filter.name },
    changedValues: [],
  });
}

export function addRoleActor(
  ctx: MutationContext,
  projectId: string,
  roleId: string,
  actor: { user?: string; groupId?: string },
): void {
  const project = ctx.site.data.projects.get(projectId);
  if (!project) throw notFound(`No project could be found with id '${projectId}'.`);
  const role = ctx.site.data.roles.get(roleId);
  if (!role) throw notFound(`The project role with id ${roleId} does not exist.`);
  if (actor.user !== undefined && !ctx.world.accounts.has(actor.user)) validation('user', 'The user does not exist.');
  if (actor.groupId !== undefined && !ctx.site.data.groups.has(actor.groupId))
    validation('group', 'The group does not exist.');
  const actors = project.roleActors.get(roleId) ?? { users: new Set<string>(), groups: new Set<string>() };
  const groupName = (id: string): string => ctx.site.data.groups.get(id)?.name ?? id;
  const view = (): Record<string, string> => ({
    Users: [...actors.users].sort().join(', '),
    Groups: [...actors.groups].map(groupName).sort().join(', '),
  });
  const before = view();
  if (actor.user !== undefined) actors.users.add(actor.user);
  if (actor.groupId !== undefined) actors.groups.add(actor.groupId);
  project.roleActors.set(roleId, actors);
  const changedValues = valuesChanged(before, view());
  changed(ctx, 'projectRoleActors', `${projectId}:${roleId}`, {
    action: 'added',
    object: { id: roleId, name: role.name },
    changedValues,
    associated: [auditItem('PROJECT', project.id, project.name)],
    ...(changedValues.length === 0 ? { noop: true } : {}),
  });
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
  changed(ctx, 'issueLinkType', type.id, {
    action: 'created',
    object: { id: type.id, name: type.name },
    changedValues: valuesSet({
      Name: type.name,
      'Inward description': type.inward,
      'Outward description': type.outward,
    }),
  });
  return type;
}

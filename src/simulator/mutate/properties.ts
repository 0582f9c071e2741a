/**
 * Entity properties of issues, comments, worklogs and projects: JSON values under keys of at most
 * 255 characters, values of at most 32,768 characters of JSON. Setting a property does not move
 * the issue's `updated` (it is not an issue field), only its version; issue property changes are
 * announced (issue_property_set / issue_property_deleted) for webhooks.
 */
import type { Comment, Issue, JsonValue, Project, Properties, Worklog } from '../world/site.js';
import { emitSiteEvent } from '../world/events.js';
import { EMPTY_PROPERTIES } from '../world/empty.js';
import { MAX_PROPERTY_LENGTH, type MutationContext, failure, touch } from './context.js';

export type PropertyTarget =
  | { type: 'issue'; issue: Issue }
  | { type: 'comment'; issue: Issue; comment: Comment }
  | { type: 'worklog'; issue: Issue; worklog: Worklog }
  | { type: 'project'; project: Project };

function propertiesOf(target: PropertyTarget): Properties {
  switch (target.type) {
    case 'issue':
      return target.issue.properties;
    case 'comment':
      return target.comment.properties;
    case 'worklog':
      return target.worklog.properties;
    case 'project':
      return target.project.properties;
  }
}

/** The target's properties, replacing a shared empty map with a private one first. */
function writable(target: PropertyTarget): Properties {
  const current = propertiesOf(target);
  if (current !== EMPTY_PROPERTIES) return current;
  const fresh: Properties = new Map();
  switch (target.type) {
    case 'issue':
      target.issue.properties = fresh;
      break;
    case 'comment':
      target.comment.properties = fresh;
      break;
    case 'worklog':
      target.worklog.properties = fresh;
      break;
    case 'project':
      target.project.properties = fresh;
      break;
  }
  return fresh;
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) failure('The property key cannot be empty.');
  if (key.length > 255) failure('The property key cannot be longer than 255 characters.');
}

/** Sets a property; returns true when it was created, false when an existing value was replaced. */
export function setProperty(ctx: MutationContext, target: PropertyTarget, key: string, value: JsonValue): boolean {
  checkKey(key);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return failure('The property value must be valid JSON.');
  if (text.length > MAX_PROPERTY_LENGTH)
    return failure(`The property value cannot be longer than ${MAX_PROPERTY_LENGTH} characters.`);
  const props = writable(target);
  const created = !props.has(key);
  props.set(key, JSON.parse(text) as JsonValue);
  if (target.type !== 'project') touch(ctx, target.issue, false);
  if (target.type === 'issue')
    emitSiteEvent(ctx.site, {
      type: 'issue_property_set',
      at: ctx.now,
      actorId: ctx.actorId,
      issue: target.issue,
      propertyKey: key,
    });
  return created;
}

/** Deletes a property; 404 when it does not exist. */
export function deleteProperty(ctx: MutationContext, target: PropertyTarget, key: string): void {
  const props = propertiesOf(target);
  if (!props.delete(key)) failure(`The property with key '${key}' does not exist.`, 404);
  if (target.type !== 'project') touch(ctx, target.issue, false);
  if (target.type === 'issue')
    emitSiteEvent(ctx.site, {
      type: 'issue_property_deleted',
      at: ctx.now,
      actorId: ctx.actorId,
      issue: target.issue,
      propertyKey: key,
    });
}

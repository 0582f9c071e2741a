/**
 * The site's audit log (GET /rest/api/3/auditing/record; docs/design.md §5.16), written from the
 * SiteEvent bus: `emitSiteEvent` calls `recordAudit` before any listener, so every configuration
 * change made through the mutation primitives — by a REST write, a control op, the data generator
 * or a test — is recorded once, at the event's time, with the acting account as author.
 *
 * Recorded: projects, components, versions and project role actors ("projects"), sprints
 * ("sprints"), custom fields and their options ("fields"), statuses ("workflows"), issue types
 * ("issue types"), priorities ("system"), issue link types ("issue linking") and group membership
 * ("group management"). Not recorded: issue-level changes (no ConfigChange on those events),
 * filters (user objects, which Jira does not audit) and changes that changed nothing (`noop`).
 */
import type { ConfigChange, ConfigKind, SiteEvent } from './events.js';
import type { AuditChangedValue, AuditItem, AuditRecord } from './site.js';
import type { Site } from './types.js';

export type AuditKind = ConfigKind | 'project' | 'version' | 'sprint';

interface KindSpec {
  /** AssociatedItemBean.typeName of the changed object. */
  typeName: string;
  category: string;
  summaries: Partial<Record<ConfigChange['action'], string>>;
}

function crud(noun: string): KindSpec['summaries'] {
  return { created: `${noun} created`, updated: `${noun} updated`, deleted: `${noun} deleted` };
}

/** How each kind of change is recorded; null: not audited. */
const KINDS: Record<AuditKind, KindSpec | null> = {
  project: { typeName: 'PROJECT', category: 'projects', summaries: crud('Project') },
  component: { typeName: 'PROJECT_COMPONENT', category: 'projects', summaries: crud('Project component') },
  version: { typeName: 'VERSION', category: 'projects', summaries: crud('Version') },
  projectRoleActors: {
    typeName: 'PROJECT_ROLE',
    category: 'projects',
    summaries: { added: 'Project roles changed', removed: 'Project roles changed', updated: 'Project roles changed' },
  },
  sprint: { typeName: 'SPRINT', category: 'sprints', summaries: crud('Sprint') },
  status: { typeName: 'STATUS', category: 'workflows', summaries: crud('Status') },
  priority: { typeName: 'PRIORITY', category: 'system', summaries: crud('Priority') },
  issuetype: { typeName: 'ISSUE_TYPE', category: 'issue types', summaries: crud('Issue type') },
  field: { typeName: 'CUSTOM_FIELD', category: 'fields', summaries: crud('Custom field') },
  // Options belong to the field's configuration: Jira reports them as changes of the field.
  fieldOption: {
    typeName: 'CUSTOM_FIELD',
    category: 'fields',
    summaries: { created: 'Custom field updated', updated: 'Custom field updated', deleted: 'Custom field updated' },
  },
  group: {
    typeName: 'USER',
    category: 'group management',
    summaries: { added: 'User added to group', removed: 'User removed from group' },
  },
  issueLinkType: { typeName: 'ISSUE_LINK_TYPE', category: 'issue linking', summaries: crud('Issue link type') },
  // Filters are user objects: Jira does not audit them.
  filter: null,
};

/** The kind of a configuration event and, where the event type says more than the action, its summary. */
function describe(event: SiteEvent): { kind: AuditKind; change: ConfigChange; summary?: string } | undefined {
  switch (event.type) {
    case 'project_created':
    case 'project_updated':
    case 'project_deleted':
      return { kind: 'project', change: event.change };
    case 'jira:version_released':
      return { kind: 'version', change: event.change, summary: 'Version released' };
    case 'jira:version_created':
    case 'jira:version_updated':
    case 'jira:version_deleted':
      return { kind: 'version', change: event.change };
    case 'sprint_started':
      return { kind: 'sprint', change: event.change, summary: 'Sprint started' };
    case 'sprint_closed':
      return { kind: 'sprint', change: event.change, summary: 'Sprint completed' };
    case 'sprint_created':
    case 'sprint_updated':
    case 'sprint_deleted':
      return { kind: 'sprint', change: event.change };
    case 'config_changed':
      return { kind: event.kind, change: event.change };
    default:
      return undefined;
  }
}

/** Appends the audit record of a configuration event (nothing for other events). */
export function recordAudit(site: Site, event: SiteEvent): void {
  const described = describe(event);
  if (!described || described.change.noop) return;
  const spec = KINDS[described.kind];
  if (!spec) return;
  const { change } = described;
  const data = site.data;
  data.ids.audit += 1;
  const objectItem: AuditItem = { id: change.object.id, name: change.object.name, typeName: spec.typeName };
  if (change.object.parentId !== undefined) objectItem.parentId = change.object.parentId;
  if (change.object.parentName !== undefined) objectItem.parentName = change.object.parentName;
  data.auditRecords.push({
    id: data.ids.audit,
    summary: described.summary ?? spec.summaries[change.action] ?? `${spec.typeName} ${change.action}`,
    created: event.at,
    category: spec.category,
    eventSource: '',
    authorAccountId: event.actorId,
    objectItem,
    associatedItems: (change.associated ?? []).map((i) => ({ ...i })),
    changedValues: change.changedValues.map((v) => ({ ...v })),
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers for the primitives that describe their changes

/** Named values of an object as the audit log shows them; undefined or '' = no value. */
export type AuditValues = Record<string, string | undefined>;

function norm(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** The changed values of a creation: every value that is set. */
export function valuesSet(values: AuditValues): AuditChangedValue[] {
  const out: AuditChangedValue[] = [];
  for (const [fieldName, v] of Object.entries(values)) {
    const to = norm(v);
    if (to !== undefined) out.push({ fieldName, changedTo: to });
  }
  return out;
}

/** from → to for every value that differs between two views of an object. */
export function valuesChanged(before: AuditValues, after: AuditValues): AuditChangedValue[] {
  const out: AuditChangedValue[] = [];
  for (const fieldName of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = norm(before[fieldName]);
    const to = norm(after[fieldName]);
    if (from === to) continue;
    const v: AuditChangedValue = { fieldName };
    if (from !== undefined) v.changedFrom = from;
    if (to !== undefined) v.changedTo = to;
    out.push(v);
  }
  return out;
}

/** An AssociatedItemBean. */
export function auditItem(
  typeName: string,
  id: string,
  name: string,
  parent?: { id: string; name: string },
): AuditItem {
  const item: AuditItem = { id, name, typeName };
  if (parent) {
    item.parentId = parent.id;
    item.parentName = parent.name;
  }
  return item;
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * The spec's `filter`: every term has at least one match — a case-insensitive substring — in the
 * summary, category, event source, the object's name, parent name and type (and its account id
 * when the object is a user), a changed value (from or to) or the remote address. Associated
 * items and field names are not searched, as the operation's description lists them not.
 */
export function auditMatches(record: AuditRecord, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const o = record.objectItem;
  const haystack = [
    record.summary,
    record.category,
    record.eventSource,
    o.name,
    o.parentName ?? '',
    o.typeName,
    o.typeName === 'USER' ? o.id : '',
    ...record.changedValues.flatMap((v) => [v.changedFrom ?? '', v.changedTo ?? '']),
    record.remoteAddress ?? '',
  ].map((s) => s.toLowerCase());
  return terms.every((t) => {
    const term = t.toLowerCase();
    return haystack.some((s) => s.includes(term));
  });
}

/** Records created in [from, to] (either bound optional), newest first (ties: higher id first). */
export function auditRecordsBetween(site: Site, from?: number, to?: number): AuditRecord[] {
  return site.data.auditRecords
    .filter((r) => (from === undefined || r.created >= from) && (to === undefined || r.created <= to))
    .sort((a, b) => b.created - a.created || b.id - a.id);
}

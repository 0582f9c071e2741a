/**
 * The system fields of a Jira Cloud issue and the small formatting rules issue rendering needs.
 *
 * SYSTEM_FIELDS mirrors the system entries of a real Jira Cloud `/field` catalogue (recorded in
 * ../shared/jira-recorded/atlascode-wiremock/mockedteams/field.json): ids, names, schemas and the
 * navigable/orderable/searchable flags. Note that `comment`, `worklog`, `attachment`,
 * `timetracking` and `issuerestriction` are *not navigable*, so `*navigable` (the default of bulk
 * fetch) leaves them out. A site's own catalogue (SiteData.fields) wins when it defines a field;
 * this table fills the gaps so that derived fields always render.
 */
import type { Site } from '../world/types.js';
import type { FieldDef, FieldSchema, FieldSchemaType } from '../world/site.js';

function sys(
  id: string,
  name: string,
  schema: { type: FieldSchemaType; items?: string } | null,
  flags: { navigable?: boolean; orderable?: boolean; searchable?: boolean; clauseNames?: string[]; adf?: boolean },
): FieldDef {
  const def: FieldDef = {
    id,
    key: id,
    name,
    custom: false,
    schema: schema ? ({ ...schema, system: id } as FieldSchema) : ({ type: 'issuelink', system: id } as FieldSchema),
    searchable: flags.searchable ?? true,
    navigable: flags.navigable ?? true,
    orderable: flags.orderable ?? true,
    clauseNames: flags.clauseNames ?? [id],
  };
  if (flags.adf) def.adf = true;
  return def;
}

/** System fields in the order Jira lists them on an issue. */
export const SYSTEM_FIELDS: readonly FieldDef[] = [
  sys(
    'statuscategorychangedate',
    'Status Category Changed',
    { type: 'datetime' },
    { orderable: false, clauseNames: ['statusCategoryChangedDate'] },
  ),
  sys('issuetype', 'Issue Type', { type: 'issuetype' }, { clauseNames: ['issuetype', 'type'] }),
  sys('parent', 'Parent', null, { clauseNames: ['parent'] }),
  sys('timespent', 'Time Spent', { type: 'number' }, { orderable: false, searchable: false }),
  sys('project', 'Project', { type: 'project' }, { orderable: false }),
  sys('fixVersions', 'Fix versions', { type: 'array', items: 'version' }, { clauseNames: ['fixVersion'] }),
  sys(
    'aggregatetimespent',
    'Σ Time Spent',
    { type: 'number' },
    { orderable: false, searchable: false, clauseNames: [] },
  ),
  sys('statusCategory', 'Status Category', { type: 'statusCategory' }, { orderable: false }),
  sys('resolution', 'Resolution', { type: 'resolution' }, {}),
  sys(
    'resolutiondate',
    'Resolved',
    { type: 'datetime' },
    { orderable: false, clauseNames: ['resolutiondate', 'resolved'] },
  ),
  sys('workratio', 'Work Ratio', { type: 'number' }, { orderable: false }),
  sys('issuerestriction', 'Restrict to', { type: 'issuerestriction' }, { navigable: false, clauseNames: [] }),
  sys('watches', 'Watchers', { type: 'watches' }, { orderable: false, searchable: false, clauseNames: ['watchers'] }),
  sys('lastViewed', 'Last Viewed', { type: 'datetime' }, { orderable: false, searchable: false }),
  sys('created', 'Created', { type: 'datetime' }, { orderable: false, clauseNames: ['created', 'createdDate'] }),
  sys('priority', 'Priority', { type: 'priority' }, {}),
  sys('labels', 'Labels', { type: 'array', items: 'string' }, {}),
  sys(
    'timeestimate',
    'Remaining Estimate',
    { type: 'number' },
    { orderable: false, searchable: false, clauseNames: ['remainingEstimate', 'timeestimate'] },
  ),
  sys(
    'aggregatetimeoriginalestimate',
    'Σ Original Estimate',
    { type: 'number' },
    { orderable: false, searchable: false, clauseNames: [] },
  ),
  sys('versions', 'Affects versions', { type: 'array', items: 'version' }, { clauseNames: ['affectedVersion'] }),
  sys('issuelinks', 'Linked Issues', { type: 'array', items: 'issuelinks' }, { clauseNames: ['issueLink'] }),
  sys('assignee', 'Assignee', { type: 'user' }, {}),
  sys('updated', 'Updated', { type: 'datetime' }, { orderable: false, clauseNames: ['updated', 'updatedDate'] }),
  sys('status', 'Status', { type: 'status' }, { orderable: false }),
  sys('components', 'Components', { type: 'array', items: 'component' }, { clauseNames: ['component'] }),
  sys(
    'timeoriginalestimate',
    'Original estimate',
    { type: 'number' },
    { orderable: false, searchable: false, clauseNames: ['originalEstimate', 'timeoriginalestimate'] },
  ),
  sys('description', 'Description', { type: 'string' }, { adf: true }),
  sys('timetracking', 'Time tracking', { type: 'timetracking' }, { navigable: false, clauseNames: [] }),
  sys('security', 'Security Level', { type: 'securitylevel' }, { clauseNames: ['level'] }),
  sys(
    'attachment',
    'Attachment',
    { type: 'array', items: 'attachment' },
    { navigable: false, clauseNames: ['attachments'] },
  ),
  sys(
    'aggregatetimeestimate',
    'Σ Remaining Estimate',
    { type: 'number' },
    { orderable: false, searchable: false, clauseNames: [] },
  ),
  sys('summary', 'Summary', { type: 'string' }, {}),
  sys('creator', 'Creator', { type: 'user' }, { orderable: false }),
  sys('subtasks', 'Sub-tasks', { type: 'array', items: 'issuelinks' }, { orderable: false, searchable: false }),
  sys('reporter', 'Reporter', { type: 'user' }, {}),
  sys(
    'aggregateprogress',
    'Σ Progress',
    { type: 'progress' },
    { orderable: false, searchable: false, clauseNames: [] },
  ),
  sys('environment', 'Environment', { type: 'string' }, { adf: true }),
  sys('duedate', 'Due date', { type: 'date' }, { clauseNames: ['due', 'duedate'] }),
  sys('progress', 'Progress', { type: 'progress' }, { orderable: false, searchable: false }),
  sys('votes', 'Votes', { type: 'votes' }, { orderable: false, searchable: false }),
  sys('comment', 'Comment', { type: 'comments-page' }, { navigable: false }),
  sys('worklog', 'Log Work', { type: 'array', items: 'worklog' }, { navigable: false, clauseNames: [] }),
];

const SYSTEM_BY_ID = new Map(SYSTEM_FIELDS.map((f) => [f.id, f]));

/** True for the ids of Jira's system issue fields. */
export function isSystemField(id: string): boolean {
  return SYSTEM_BY_ID.has(id);
}

/** A field's definition: the site's catalogue first, then Jira's system fields. */
export function fieldDefOf(site: Site, id: string): FieldDef | undefined {
  return site.data.fields.get(id) ?? SYSTEM_BY_ID.get(id);
}

/** Every field definition the site knows: its catalogue plus any system field it lacks. */
export function allFieldDefs(site: Site): FieldDef[] {
  const out = [...site.data.fields.values()];
  for (const f of SYSTEM_FIELDS) if (!site.data.fields.has(f.id)) out.push(f);
  return out;
}

/** A field's schema as Jira's JsonTypeBean (type, items, system, custom, customId). */
export function jsonTypeBean(def: FieldDef): Record<string, unknown> {
  const out: Record<string, unknown> = { type: def.schema.type };
  if (def.schema.items !== undefined) out.items = def.schema.items;
  if (def.schema.system !== undefined) out.system = def.schema.system;
  if (def.schema.custom !== undefined) out.custom = def.schema.custom;
  if (def.schema.customId !== undefined) out.customId = def.schema.customId;
  return out;
}

const GH_SPRINT = 'com.pyxis.greenhopper.jira:gh-sprint';
const GH_RANK = 'com.pyxis.greenhopper.jira:gh-lexo-rank';

/** The id of the site's Sprint custom field, if it has one. */
export function sprintFieldId(site: Site): string | undefined {
  for (const f of site.data.fields.values()) if (f.schema.custom === GH_SPRINT) return f.id;
  return undefined;
}

/** The id of the site's Rank custom field, if it has one. */
export function rankFieldId(site: Site): string | undefined {
  for (const f of site.data.fields.values()) if (f.schema.custom === GH_RANK) return f.id;
  return undefined;
}

export function isSprintField(def: FieldDef): boolean {
  return def.schema.custom === GH_SPRINT;
}

// ---------------------------------------------------------------------------------------------
// Durations (Jira's default time-tracking settings: 8-hour days, 5-day weeks)

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 8 * HOUR;
const WEEK = 5 * DAY;

/** Seconds as Jira's pretty duration, e.g. 12000 → "3h 20m", 0 → "0m". */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['w', WEEK],
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.length > 0 ? parts.join(' ') : '0m';
}

// ---------------------------------------------------------------------------------------------
// Rendered (HTML view) dates: "30/Apr/25 1:14 PM", as in renderedFields

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function zonedParts(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
  } catch {
    return zonedParts(ms, 'UTC');
  }
  const parts = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    y: Number(parts.year),
    mo: Number(parts.month),
    d: Number(parts.day),
    h: Number(parts.hour) % 24,
    mi: Number(parts.minute),
  };
}

/** Offset of a time zone from UTC at an instant, in ms (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi);
  return asUtc - (ms - (ms % 60_000));
}

/** The instant of a wall-clock time in a time zone. */
export function zonedWallTimeToMs(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = guess - zoneOffsetMs(guess, timeZone);
  return guess - zoneOffsetMs(first, timeZone);
}

export function formatRenderedDateTime(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  const h12 = p.h % 12 === 0 ? 12 : p.h % 12;
  const ampm = p.h < 12 ? 'AM' : 'PM';
  return `${String(p.d).padStart(2, '0')}/${MONTHS[p.mo - 1]}/${String(p.y % 100).padStart(2, '0')} ${h12}:${String(p.mi).padStart(2, '0')} ${ampm}`;
}

/** 'YYYY-MM-DD' → "07/May/25". */
export function formatRenderedDate(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return `${m[3]}/${MONTHS[Number(m[2]) - 1]}/${m[1]!.slice(2)}`;
}

/**
 * Ground truth: a normalized, JSON-serialisable dump of everything a site holds, read straight
 * from the stored data (no API, no permissions). Backups and restores are compared against it.
 * The format is documented in docs/design.md §5 ("Ground truth dump"). In short:
 *
 *   - every id is a string (board and sprint ids too, also inside the Sprint field);
 *   - every time is an ISO-8601 UTC string with milliseconds ("2025-03-01T12:00:00.000Z");
 *   - collections are arrays sorted by id (numeric ids numerically), sets are sorted arrays,
 *     properties are objects;
 *   - issue field values are the stored forms of world/site.ts, except date-time values (ISO
 *     strings) and sprint ids (strings); absent fields mean "no value";
 *   - attachments carry the size and SHA-256 of their bytes.
 *
 * Serialise with canonicalJson (core) for byte-stable output: the same seed and size give the
 * same bytes (test/simulator/generator.test.ts).
 */
import type { Account, Site } from './types.js';
import type {
  Attachment,
  ChangeHistory,
  Comment,
  Dashboard,
  Filter,
  Issue,
  JsonValue,
  Project,
  Properties,
  SharePermission,
  Worklog,
} from './site.js';
import { canonicalJson } from '../../core/index.js';
import { contentSha256 } from './content.js';
import { fieldKind } from '../mutate/fields.js';

export const GROUND_TRUTH_FORMAT = 'tidemark-sim-ground-truth/1';

type Obj = Record<string, unknown>;

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Sorts decimal-string ids numerically, anything else by code units. */
export function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function byId<T extends { id: string | number }>(items: Iterable<T>): T[] {
  return [...items].sort((x, y) => compareIds(String(x.id), String(y.id)));
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort(compareIds);
}

function props(p: Properties): Obj {
  const out: Obj = {};
  for (const k of [...p.keys()].sort()) out[k] = p.get(k) as JsonValue;
  return out;
}

function clean<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function share(p: SharePermission): Obj {
  return clean({ ...p });
}

function filterDump(f: Filter): Obj {
  return {
    id: f.id,
    name: f.name,
    description: f.description,
    ownerAccountId: f.ownerAccountId,
    jql: f.jql,
    favouritedBy: sorted(f.favouritedBy),
    sharePermissions: f.sharePermissions.map(share),
    editPermissions: f.editPermissions.map(share),
    columns: [...f.columns],
  };
}

function dashboardDump(d: Dashboard): Obj {
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    ownerAccountId: d.ownerAccountId,
    layout: d.layout,
    sharePermissions: d.sharePermissions.map(share),
    editPermissions: d.editPermissions.map(share),
    gadgets: byId(d.gadgets).map((g) => ({
      id: g.id,
      moduleKey: g.moduleKey,
      title: g.title,
      color: g.color,
      position: { ...g.position },
      properties: props(g.properties),
    })),
  };
}

function projectDump(p: Project): Obj {
  const roleActors: Obj = {};
  for (const roleId of sorted(p.roleActors.keys())) {
    const a = p.roleActors.get(roleId)!;
    roleActors[roleId] = { users: sorted(a.users), groups: sorted(a.groups) };
  }
  return clean({
    id: p.id,
    key: p.key,
    previousKeys: [...p.previousKeys],
    name: p.name,
    description: p.description,
    leadAccountId: p.leadAccountId,
    projectTypeKey: p.projectTypeKey,
    style: p.style,
    categoryId: p.categoryId,
    url: p.url,
    assigneeType: p.assigneeType,
    avatarId: p.avatarId,
    isPrivate: p.isPrivate,
    status: p.status,
    components: byId(p.components.values()).map((c) => clean({ ...c })),
    versions: byId(p.versions.values()).map((v) => clean({ ...v })),
    roleActors,
    properties: props(p.properties),
    issueTypeSchemeId: p.issueTypeSchemeId,
    workflowSchemeId: p.workflowSchemeId,
    screenSchemeId: p.screenSchemeId,
    issueTypeScreenSchemeId: p.issueTypeScreenSchemeId,
    permissionSchemeId: p.permissionSchemeId,
    notificationSchemeId: p.notificationSchemeId,
    issueSecuritySchemeId: p.issueSecuritySchemeId,
    issueCounter: p.issueCounter,
  });
}

function fieldValues(site: Site, issue: Issue): Obj {
  const out: Obj = {};
  for (const fieldId of Object.keys(issue.fields).sort()) {
    const value = issue.fields[fieldId];
    if (value === undefined || value === null) continue;
    const def = site.data.fields.get(fieldId);
    const kind = def ? fieldKind(def) : undefined;
    if (kind === 'datetime' && typeof value === 'number') out[fieldId] = isoTime(value);
    else if (kind === 'sprint' && Array.isArray(value)) out[fieldId] = value.map(String);
    else out[fieldId] = value;
  }
  return out;
}

function commentDump(c: Comment): Obj {
  return clean({
    id: c.id,
    authorId: c.authorId,
    updateAuthorId: c.updateAuthorId,
    body: c.body,
    created: isoTime(c.created),
    updated: isoTime(c.updated),
    visibility: c.visibility ? clean({ ...c.visibility }) : undefined,
    jsdPublic: c.jsdPublic,
    properties: props(c.properties),
  });
}

function worklogDump(w: Worklog): Obj {
  return clean({
    id: w.id,
    authorId: w.authorId,
    updateAuthorId: w.updateAuthorId,
    comment: w.comment,
    created: isoTime(w.created),
    updated: isoTime(w.updated),
    started: isoTime(w.started),
    timeSpentSeconds: w.timeSpentSeconds,
    visibility: w.visibility ? clean({ ...w.visibility }) : undefined,
    properties: props(w.properties),
  });
}

function attachmentDump(site: Site, a: Attachment): Obj {
  const content = site.data.contents.get(a.contentId);
  return {
    id: a.id,
    filename: a.filename,
    authorId: a.authorId,
    created: isoTime(a.created),
    size: a.size,
    mimeType: a.mimeType,
    sha256: content ? contentSha256(content) : null,
    contentId: a.contentId,
    mediaId: a.mediaId,
  };
}

function historyDump(h: ChangeHistory): Obj {
  return clean({
    id: h.id,
    authorId: h.authorId,
    created: isoTime(h.created),
    items: h.items.map((i) => clean({ ...i })),
    historyMetadata: h.historyMetadata,
  });
}

/** The ground truth of one issue (as in `dumpSite`). */
export function issueDump(site: Site, issue: Issue): Obj {
  const attachments = issue.attachmentIds
    .map((id) => site.data.attachments.get(id))
    .filter((a): a is Attachment => a !== undefined);
  return clean({
    id: issue.id,
    key: issue.key,
    previousKeys: [...issue.previousKeys],
    projectId: issue.projectId,
    created: isoTime(issue.created),
    updated: isoTime(issue.updated),
    creatorId: issue.creatorId,
    fields: fieldValues(site, issue),
    resolutionDate: issue.resolutionDate === undefined ? undefined : isoTime(issue.resolutionDate),
    statusCategoryChangeDate: isoTime(issue.statusCategoryChangeDate),
    comments: issue.comments.map(commentDump),
    worklogs: issue.worklogs.map(worklogDump),
    attachments: byId(attachments).map((a) => attachmentDump(site, a)),
    linkIds: sorted(issue.linkIds),
    remoteLinks: byId(issue.remoteLinks).map((l) => clean(structuredClone(l) as unknown as Obj)),
    watchers: sorted(issue.watchers),
    voters: sorted(issue.voters),
    properties: props(issue.properties),
    changelog: issue.changelog.map(historyDump),
    archived: issue.archived,
  });
}

function userDump(site: Site, account: Account | undefined, accountId: string, membership: string): Obj {
  const base: Obj = { accountId, membership, siteAdmin: site.admins.has(accountId) };
  if (!account) return { ...base, known: false };
  return {
    ...base,
    accountType: account.accountType,
    displayName: account.displayName,
    emailAddress: account.emailAddress,
    active: account.active,
    timeZone: account.timeZone,
    locale: account.locale,
  };
}

function rankOrder(site: Site): Obj {
  const rankField = [...site.data.fields.values()].find(
    (f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-lexo-rank',
  );
  const out: Obj = {};
  if (!rankField) return out;
  const byProject = new Map<string, Array<[string, string]>>();
  for (const issue of site.data.issues.values()) {
    const rank = issue.fields[rankField.id];
    if (typeof rank !== 'string') continue;
    const list = byProject.get(issue.projectId) ?? [];
    list.push([rank, issue.key]);
    byProject.set(issue.projectId, list);
  }
  for (const projectId of sorted(byProject.keys())) {
    const key = site.data.projects.get(projectId)?.key ?? projectId;
    out[key] = byProject
      .get(projectId)!
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compareIds(a[1], b[1])))
      .map(([, k]) => k);
  }
  return out;
}

/**
 * The ground truth of a site. Pass the world's accounts to describe users (else users are listed
 * by id only).
 */
export function dumpSite(site: Site, accounts?: ReadonlyMap<string, Account>): Obj {
  const dump = dumpWithoutIssues(site, accounts);
  dump.issues = sortedIssues(site).map((i) => issueDump(site, i));
  return dump;
}

function sortedIssues(site: Site): Issue[] {
  return byId(site.data.issues.values());
}

/**
 * The canonical JSON of `dumpSite(site, accounts)` as a sequence of chunks, one issue at a time,
 * so that sites too large for one string (a large site's dump is hundreds of megabytes) can be
 * streamed. The concatenated chunks equal canonicalJson(dumpSite(site, accounts)).
 */
export function* dumpSiteChunks(site: Site, accounts?: ReadonlyMap<string, Account>): Generator<string> {
  const rest = dumpWithoutIssues(site, accounts);
  const keys = [...Object.keys(rest), 'issues'].sort();
  yield '{';
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    yield `${k === 0 ? '' : ','}${JSON.stringify(key)}:`;
    if (key !== 'issues') {
      yield canonicalJson(rest[key]);
      continue;
    }
    yield '[';
    let first = true;
    for (const issue of sortedIssues(site)) {
      yield (first ? '' : ',') + canonicalJson(issueDump(site, issue));
      first = false;
    }
    yield ']';
  }
  yield '}';
}

function dumpWithoutIssues(site: Site, accounts?: ReadonlyMap<string, Account>): Obj {
  const d = site.data;
  const users: Obj[] = [];
  for (const id of sorted(site.members)) users.push(userDump(site, accounts?.get(id), id, 'member'));
  for (const id of sorted(site.customers ?? [])) users.push(userDump(site, accounts?.get(id), id, 'customer'));
  return {
    format: GROUND_TRUTH_FORMAT,
    site: {
      cloudId: site.cloudId,
      name: site.name,
      url: site.url,
      products: [...site.products].sort(),
      settings: { ...d.settings },
    },
    users,
    groups: [...d.groups.values()]
      .sort((a, b) => compareIds(a.groupId, b.groupId))
      .map((g) => ({ groupId: g.groupId, name: g.name, members: sorted(g.members) })),
    config: {
      statusCategories: [...d.statusCategories.values()]
        .sort((a, b) => a.id - b.id)
        .map((c) => ({ ...c, id: String(c.id) })),
      statuses: byId(d.statuses.values()).map((s) => clean({ ...s })),
      priorities: byId(d.priorities.values()).map((p) => ({ ...p })),
      resolutions: byId(d.resolutions.values()).map((r) => ({ ...r })),
      issueTypes: byId(d.issueTypes.values()).map((t) => clean({ ...t })),
      issueTypeSchemes: byId(d.issueTypeSchemes.values()).map((s) =>
        clean({ ...s, issueTypeIds: [...s.issueTypeIds] }),
      ),
      fields: byId(d.fields.values()).map((f) =>
        clean({ ...f, schema: clean({ ...f.schema }), clauseNames: [...f.clauseNames] }),
      ),
      fieldContexts: byId(d.fieldContexts.values()).map((c) =>
        clean({
          ...c,
          projectIds: [...c.projectIds],
          issueTypeIds: [...c.issueTypeIds],
          options: c.options.map((o) => clean({ ...o })),
          defaultOptionIds: [...c.defaultOptionIds],
        }),
      ),
      workflows: byId(d.workflows.values()).map((w) =>
        clean({
          ...w,
          created: isoTime(w.created),
          updated: isoTime(w.updated),
          statusIds: [...w.statusIds],
          transitions: w.transitions.map((t) => clean({ ...t, from: [...t.from] })),
          scope: { ...w.scope },
        }),
      ),
      workflowSchemes: byId(d.workflowSchemes.values()).map((s) => ({
        ...s,
        issueTypeMappings: { ...s.issueTypeMappings },
      })),
      screens: byId(d.screens.values()).map((s) => ({
        ...s,
        tabs: s.tabs.map((t) => ({ ...t, fieldIds: [...t.fieldIds] })),
      })),
      screenSchemes: byId(d.screenSchemes.values()).map((s) => ({ ...s, screens: { ...s.screens } })),
      issueTypeScreenSchemes: byId(d.issueTypeScreenSchemes.values()).map((s) => ({
        ...s,
        mappings: { ...s.mappings },
      })),
      permissionSchemes: byId(d.permissionSchemes.values()).map((s) => ({
        ...s,
        permissions: byId(s.permissions).map((g) => ({
          id: g.id,
          permission: g.permission,
          holder: clean({ ...g.holder }),
        })),
      })),
      notificationSchemes: byId(d.notificationSchemes.values()).map((s) => ({
        ...s,
        events: s.events.map((e) => ({ ...e, recipients: e.recipients.map((r) => clean({ ...r })) })),
      })),
      issueSecuritySchemes: byId(d.issueSecuritySchemes.values()).map((s) =>
        clean({ ...s, levels: byId(s.levels).map((l) => ({ ...l, members: l.members.map((m) => clean({ ...m })) })) }),
      ),
      issueLinkTypes: byId(d.issueLinkTypes.values()).map((t) => ({ ...t })),
      projectCategories: byId(d.projectCategories.values()).map((c) => ({ ...c })),
      roles: byId(d.roles.values()).map((r) => ({ ...r })),
      filters: byId(d.filters.values()).map(filterDump),
      dashboards: byId(d.dashboards.values()).map(dashboardDump),
    },
    projects: byId(d.projects.values()).map(projectDump),
    links: byId(d.links.values()).map((l) => ({ ...l })),
    rankOrder: rankOrder(site),
    boards: byId(d.boards.values()).map((b) =>
      clean({
        ...b,
        id: String(b.id),
        columns: b.columns.map((c) => clean({ ...c, statusIds: [...c.statusIds] })),
        adminAccountIds: sorted(b.adminAccountIds),
        properties: props(b.properties),
      }),
    ),
    sprints: byId(d.sprints.values()).map((s) =>
      clean({
        id: String(s.id),
        name: s.name,
        state: s.state,
        startDate: s.startDate === undefined ? undefined : isoTime(s.startDate),
        endDate: s.endDate === undefined ? undefined : isoTime(s.endDate),
        completeDate: s.completeDate === undefined ? undefined : isoTime(s.completeDate),
        createdDate: isoTime(s.createdDate),
        originBoardId: String(s.originBoardId),
        goal: s.goal,
      }),
    ),
    serviceDesks: byId(d.serviceDesks.values()).map((s) => ({ ...s })),
    requestTypes: byId(d.requestTypes.values()).map((r) => ({ ...r, groupIds: [...r.groupIds] })),
    feeds: {
      worklogUpdated: d.worklogUpdates.map((w) => ({
        worklogId: w.worklogId,
        issueId: w.issueId,
        updatedTime: isoTime(w.updatedTime),
      })),
      worklogDeleted: d.worklogDeletions.map((w) => ({
        worklogId: w.worklogId,
        issueId: w.issueId,
        updatedTime: isoTime(w.updatedTime),
      })),
    },
    userProperties: Object.fromEntries(
      sorted(d.userProperties.keys()).map((id) => [id, props(d.userProperties.get(id)!)]),
    ),
  };
}

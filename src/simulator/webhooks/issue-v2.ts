/**
 * INTERIM issue renderer — the v2 representation Jira uses in webhook payloads and in the Agile
 * 1.0 issue endpoints: `self` URLs under /rest/api/2, and rich-text fields (description,
 * environment, textarea custom fields, comment bodies) as wiki markup instead of ADF.
 *
 * This is a deliberately small stand-in written while the shared issue renderer
 * (src/simulator/render/issue.ts) is built elsewhere. At integration, `renderIssueFieldsV2`
 * should become "render the fields with the shared renderer, then convert to v2" (ADF fields →
 * adfToWiki, self URLs → /rest/api/2), keeping `toV2Urls` and the Agile extras of
 * `renderAgileIssue` (sprint, closedSprints, flagged, epic) here.
 */
import { jiraTimestamp } from '../../core/index.js';
import {
  renderComponentRef,
  renderIssueType,
  renderPriority,
  renderProjectRef,
  renderResolution,
  renderStatus,
  renderUser,
  renderVersion,
  type RenderContext,
} from '../render/common.js';
import { closedSprintsOf, openSprintOf, SPRINT_FIELD_TYPE } from '../mutate/agile.js';
import type { AdfDoc, Comment, FieldDef, Issue, Sprint, Worklog } from '../world/site.js';
import { adfToWiki, type WikiOptions } from './wiki.js';

/** Rewrites every `{siteApi}/rest/api/3/…` URL inside a rendered value to `/rest/api/2/…`. */
export function toV2Urls<T>(ctx: RenderContext, value: T): T {
  const v3 = `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/api/3/`;
  const v2 = `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/api/2/`;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return x.startsWith(v3) ? v2 + x.slice(v3.length) : x;
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) out[k] = walk(v);
      return out;
    }
    return x;
  };
  return walk(value) as T;
}

export function v2Base(ctx: RenderContext): string {
  return `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/api/2`;
}

export function wikiOptions(ctx: RenderContext): WikiOptions {
  const byMedia = new Map<string, string>();
  return {
    mediaName: (id) => {
      if (byMedia.size === 0) for (const a of ctx.site.data.attachments.values()) byMedia.set(a.mediaId, a.filename);
      return byMedia.get(id);
    },
  };
}

function ts(ms: unknown): string | null {
  return typeof ms === 'number' ? jiraTimestamp(ms) : null;
}

/** A sprint as the Sprint field renders it inside an issue. */
export function renderSprintFieldValue(s: Sprint): Record<string, unknown> {
  const out: Record<string, unknown> = { id: s.id, name: s.name, state: s.state, boardId: s.originBoardId };
  out.goal = s.goal ?? '';
  if (s.startDate !== undefined) out.startDate = new Date(s.startDate).toISOString();
  if (s.endDate !== undefined) out.endDate = new Date(s.endDate).toISOString();
  if (s.completeDate !== undefined) out.completeDate = new Date(s.completeDate).toISOString();
  return out;
}

/** A compact issue reference (parent, subtasks, links). */
function issueRef(ctx: RenderContext, issue: Issue): Record<string, unknown> {
  const d = ctx.site.data;
  const fields: Record<string, unknown> = { summary: issue.fields.summary ?? '' };
  const status = d.statuses.get(String(issue.fields.status));
  if (status) fields.status = renderStatus(ctx, status);
  const priority = d.priorities.get(String(issue.fields.priority));
  if (priority) fields.priority = renderPriority(ctx, priority);
  const type = d.issueTypes.get(String(issue.fields.issuetype));
  if (type) fields.issuetype = renderIssueType(ctx, type);
  return { id: issue.id, key: issue.key, self: `${v2Base(ctx)}/issue/${issue.id}`, fields };
}

export function renderCommentV2(ctx: RenderContext, issue: Issue, c: Comment): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${v2Base(ctx)}/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: renderUser(ctx, c.authorId),
    body: adfToWiki(c.body, wikiOptions(ctx)),
    updateAuthor: renderUser(ctx, c.updateAuthorId),
    created: jiraTimestamp(c.created),
    updated: jiraTimestamp(c.updated),
    jsdPublic: c.jsdPublic,
  };
  if (c.visibility) out.visibility = { ...c.visibility };
  return toV2Urls(ctx, out);
}

function renderWorklogV2(ctx: RenderContext, issue: Issue, w: Worklog): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${v2Base(ctx)}/issue/${issue.id}/worklog/${w.id}`,
    author: renderUser(ctx, w.authorId),
    updateAuthor: renderUser(ctx, w.updateAuthorId),
    created: jiraTimestamp(w.created),
    updated: jiraTimestamp(w.updated),
    started: jiraTimestamp(w.started),
    timeSpentSeconds: w.timeSpentSeconds,
    id: w.id,
    issueId: issue.id,
  };
  if (w.comment) out.comment = adfToWiki(w.comment, wikiOptions(ctx));
  if (w.visibility) out.visibility = { ...w.visibility };
  return out;
}

function customValue(ctx: RenderContext, def: FieldDef, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  const d = ctx.site.data;
  const s = def.schema;
  if (s.custom === SPRINT_FIELD_TYPE) {
    const sprints = (Array.isArray(v) ? v : [])
      .map((id) => d.sprints.get(Number(id)))
      .filter((x): x is Sprint => x !== undefined);
    return sprints.length ? sprints.map(renderSprintFieldValue) : null;
  }
  if (def.adf) return adfToWiki(v as AdfDoc, wikiOptions(ctx));
  const option = (id: unknown): unknown => {
    for (const c of d.fieldContexts.values()) {
      if (c.fieldId !== def.id) continue;
      const o = c.options.find((x) => x.id === String(id));
      if (o) return { self: `${v2Base(ctx)}/customFieldOption/${o.id}`, value: o.value, id: o.id };
    }
    return { id: String(id) };
  };
  const one = (type: string | undefined, x: unknown): unknown => {
    switch (type) {
      case 'user':
        return renderUser(ctx, String(x));
      case 'option':
        return option(x);
      case 'datetime':
        return ts(x);
      case 'version': {
        const ver = [...d.projects.values()].map((p) => p.versions.get(String(x))).find((y) => y);
        return ver ? renderVersion(ctx, ver) : { id: String(x) };
      }
      case 'group': {
        const g = d.groups.get(String(x));
        return g ? { name: g.name, groupId: g.groupId, self: `${v2Base(ctx)}/group?groupId=${g.groupId}` } : null;
      }
      default:
        return x;
    }
  };
  if (s.type === 'option-with-child' && typeof v === 'object') {
    const { id, childId } = v as { id: string; childId?: string };
    const out = option(id) as Record<string, unknown>;
    if (childId) out.child = option(childId);
    return out;
  }
  if (s.type === 'array') return Array.isArray(v) ? v.map((x) => one(s.items, x)) : null;
  return one(s.type, v);
}

export interface V2FieldOptions {
  /** Embed the comment and worklog pages (Agile issue beans do; webhook payloads do not). */
  commentsAndWorklogs?: boolean;
  /** Only these field ids (default: all). */
  only?: ReadonlySet<string>;
}

/** The fields of an issue in the v2 representation. */
export function renderIssueFieldsV2(
  ctx: RenderContext,
  issue: Issue,
  options: V2FieldOptions = {},
): Record<string, unknown> {
  const d = ctx.site.data;
  const f = issue.fields;
  const project = d.projects.get(issue.projectId);
  const get = <T>(m: Map<string, T>, id: unknown): T | undefined => (id === undefined ? undefined : m.get(String(id)));
  const user = (id: unknown): unknown => (typeof id === 'string' ? renderUser(ctx, id) : null);
  const wiki = wikiOptions(ctx);
  const type = get(d.issueTypes, f.issuetype);
  const status = get(d.statuses, f.status);
  const priority = get(d.priorities, f.priority);
  const resolution = get(d.resolutions, f.resolution);
  const links = issue.linkIds
    .map((id) => d.links.get(id))
    .filter((l) => l !== undefined)
    .map((l) => {
      const lt = d.issueLinkTypes.get(l.typeId);
      const outward = l.inwardIssueId === issue.id;
      const other = d.issues.get(outward ? l.outwardIssueId : l.inwardIssueId);
      const out: Record<string, unknown> = {
        id: l.id,
        self: `${v2Base(ctx)}/issueLink/${l.id}`,
        type: lt
          ? {
              id: lt.id,
              name: lt.name,
              inward: lt.inward,
              outward: lt.outward,
              self: `${v2Base(ctx)}/issueLinkType/${lt.id}`,
            }
          : { id: l.typeId },
      };
      if (other) out[outward ? 'outwardIssue' : 'inwardIssue'] = issueRef(ctx, other);
      return out;
    });
  const subtasks = [...d.issues.values()].filter((i) => i.fields.parent === issue.id).map((i) => issueRef(ctx, i));
  const parent = typeof f.parent === 'string' ? d.issues.get(f.parent) : undefined;
  const tt = (f.timetracking ?? {}) as { originalEstimateSeconds?: number; remainingEstimateSeconds?: number };
  const spent = issue.worklogs.reduce((n, w) => n + w.timeSpentSeconds, 0);
  const base = v2Base(ctx);
  const out: Record<string, unknown> = {
    statuscategorychangedate: ts(issue.statusCategoryChangeDate),
    issuetype: type ? renderIssueType(ctx, type) : null,
    timespent: spent || null,
    project: project ? renderProjectRef(ctx, project) : null,
    fixVersions: ((f.fixVersions as string[] | undefined) ?? [])
      .map((id) => project?.versions.get(id))
      .filter((v) => v !== undefined)
      .map((v) => renderVersion(ctx, v)),
    aggregatetimespent: spent || null,
    resolution: resolution ? renderResolution(ctx, resolution) : null,
    resolutiondate: ts(issue.resolutionDate),
    workratio: -1,
    lastViewed: null,
    watches: {
      self: `${base}/issue/${issue.key}/watchers`,
      watchCount: issue.watchers.size,
      isWatching: issue.watchers.has(ctx.viewerId),
    },
    created: jiraTimestamp(issue.created),
    priority: priority ? renderPriority(ctx, priority) : null,
    labels: [...((f.labels as string[] | undefined) ?? [])],
    timeestimate: tt.remainingEstimateSeconds ?? null,
    aggregatetimeoriginalestimate: tt.originalEstimateSeconds ?? null,
    versions: ((f.versions as string[] | undefined) ?? [])
      .map((id) => project?.versions.get(id))
      .filter((v) => v !== undefined)
      .map((v) => renderVersion(ctx, v)),
    issuelinks: links,
    assignee: user(f.assignee),
    updated: jiraTimestamp(issue.updated),
    status: status ? renderStatus(ctx, status) : null,
    components: ((f.components as string[] | undefined) ?? [])
      .map((id) => project?.components.get(id))
      .filter((c) => c !== undefined)
      .map((c) => renderComponentRef(ctx, c)),
    timeoriginalestimate: tt.originalEstimateSeconds ?? null,
    description: f.description ? adfToWiki(f.description as AdfDoc, wiki) : null,
    timetracking: {},
    security: null,
    attachment: issue.attachmentIds
      .map((id) => d.attachments.get(id))
      .filter((a) => a !== undefined)
      .map((a) => ({
        self: `${base}/attachment/${a.id}`,
        id: a.id,
        filename: a.filename,
        author: renderUser(ctx, a.authorId),
        created: jiraTimestamp(a.created),
        size: a.size,
        mimeType: a.mimeType,
        content: `${base}/attachment/content/${a.id}`,
      })),
    aggregatetimeestimate: tt.remainingEstimateSeconds ?? null,
    summary: f.summary ?? '',
    creator: user(issue.creatorId),
    subtasks,
    reporter: user(f.reporter),
    aggregateprogress: { progress: spent, total: spent + (tt.remainingEstimateSeconds ?? 0) },
    environment: f.environment ? adfToWiki(f.environment as AdfDoc, wiki) : null,
    duedate: typeof f.duedate === 'string' ? f.duedate : null,
    progress: { progress: spent, total: spent + (tt.remainingEstimateSeconds ?? 0) },
    votes: {
      self: `${base}/issue/${issue.key}/votes`,
      votes: issue.voters.size,
      hasVoted: issue.voters.has(ctx.viewerId),
    },
  };
  if (tt.originalEstimateSeconds !== undefined || tt.remainingEstimateSeconds !== undefined) {
    const t: Record<string, unknown> = {};
    if (tt.originalEstimateSeconds !== undefined) t.originalEstimateSeconds = tt.originalEstimateSeconds;
    if (tt.remainingEstimateSeconds !== undefined) t.remainingEstimateSeconds = tt.remainingEstimateSeconds;
    if (spent) t.timeSpentSeconds = spent;
    out.timetracking = t;
  }
  if (typeof f.security === 'string' && project?.issueSecuritySchemeId) {
    const level = d.issueSecuritySchemes.get(project.issueSecuritySchemeId)?.levels.find((l) => l.id === f.security);
    if (level)
      out.security = {
        self: `${base}/securitylevel/${level.id}`,
        id: level.id,
        description: level.description,
        name: level.name,
      };
  }
  if (parent) out.parent = issueRef(ctx, parent);
  for (const def of d.fields.values()) {
    if (!def.custom) continue;
    out[def.id] = customValue(ctx, def, f[def.id]);
  }
  if (options.commentsAndWorklogs) {
    const comments = issue.comments.map((c) => renderCommentV2(ctx, issue, c));
    out.comment = { comments, maxResults: comments.length, total: comments.length, startAt: 0 };
    // Jira embeds the first 20 worklogs of an issue (the page says so through maxResults/total).
    const worklogs = issue.worklogs.slice(0, 20).map((w) => renderWorklogV2(ctx, issue, w));
    out.worklog = { startAt: 0, maxResults: 20, total: issue.worklogs.length, worklogs };
  }
  if (options.only) for (const k of Object.keys(out)) if (!options.only.has(k)) delete out[k];
  return toV2Urls(ctx, out);
}

/** An issue as webhook payloads carry it: {id, self, key, fields}. */
export function renderIssueV2(ctx: RenderContext, issue: Issue, options: V2FieldOptions = {}): Record<string, unknown> {
  return {
    id: issue.id,
    self: `${v2Base(ctx)}/issue/${issue.id}`,
    key: issue.key,
    fields: renderIssueFieldsV2(ctx, issue, options),
  };
}

/** The Agile 1.0 sprint object (GET /sprint/{id} and friends). */
export function renderAgileSprint(ctx: RenderContext, s: Sprint): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: s.id,
    self: `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/agile/1.0/sprint/${s.id}`,
    state: s.state,
    name: s.name,
  };
  if (s.startDate !== undefined) out.startDate = new Date(s.startDate).toISOString();
  if (s.endDate !== undefined) out.endDate = new Date(s.endDate).toISOString();
  if (s.completeDate !== undefined) out.completeDate = new Date(s.completeDate).toISOString();
  out.createdDate = new Date(s.createdDate).toISOString();
  out.originBoardId = s.originBoardId;
  if (s.goal !== undefined) out.goal = s.goal;
  return out;
}

/** Agile issue bean: the v2 fields plus sprint, closedSprints, flagged and epic. */
export function renderAgileIssue(
  ctx: RenderContext,
  issue: Issue,
  fieldFilter?: ReadonlySet<string>,
): Record<string, unknown> {
  const d = ctx.site.data;
  const agileBase = `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/agile/1.0`;
  const fields = renderIssueFieldsV2(ctx, issue, { commentsAndWorklogs: true });
  const open = openSprintOf(ctx.site, issue);
  fields.sprint = open ? renderAgileSprint(ctx, open) : null;
  fields.closedSprints = closedSprintsOf(ctx.site, issue).map((s) => renderAgileSprint(ctx, s));
  const flaggedField = [...d.fields.values()].find((f) => f.custom && f.name === 'Flagged');
  const flaggedValue = flaggedField ? issue.fields[flaggedField.id] : undefined;
  fields.flagged = Array.isArray(flaggedValue) ? flaggedValue.length > 0 : Boolean(flaggedValue);
  const parent = typeof issue.fields.parent === 'string' ? d.issues.get(issue.fields.parent) : undefined;
  const parentType = parent ? d.issueTypes.get(String(parent.fields.issuetype)) : undefined;
  if (parent && parentType?.hierarchyLevel === 1) {
    const status = d.statuses.get(String(parent.fields.status));
    fields.epic = {
      id: Number(parent.id),
      key: parent.key,
      self: `${agileBase}/epic/${parent.id}`,
      name: String(parent.fields.summary ?? ''),
      summary: String(parent.fields.summary ?? ''),
      color: { key: 'color_1' },
      done: status?.statusCategoryId === 3,
    };
  } else {
    fields.epic = null;
  }
  if (fieldFilter) for (const k of Object.keys(fields)) if (!fieldFilter.has(k)) delete fields[k];
  return {
    expand: 'operations,versionedRepresentations,editmeta,changelog,renderedFields',
    id: issue.id,
    self: `${agileBase}/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
}

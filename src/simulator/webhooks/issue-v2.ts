/**
 * Issues in the v2 representation Jira uses in webhook payloads and in the Agile 1.0 issue
 * endpoints: `self` URLs under /rest/api/2, and rich-text fields (description, environment,
 * textarea custom fields, comment bodies, worklog comments) as wiki markup instead of ADF.
 *
 * The fields are rendered by the shared issue renderer (render/issue.ts) — so an issue has the
 * same fields and values here as in GET issue, search and bulk fetch — and then converted:
 * ADF → wiki markup (`adfToWiki`) and v3 URLs → v2 (`toV2Urls`). Webhook payloads leave out the
 * fields recorded Jira Cloud payloads never carry (`statusCategory`, `issuerestriction`, and the
 * comment and worklog pages except in `jira:issue_deleted`); Agile issue beans keep every field
 * and add `sprint`, `closedSprints`, `flagged` and `epic` (`renderAgileIssue`).
 */
import { type RenderContext } from '../render/common.js';
import { IssueRenderer, parseFieldSelection } from '../render/issue.js';
import { closedSprintsOf, openSprintOf } from '../mutate/agile.js';
import type { AdfDoc, Comment, FieldDef, Issue, Sprint } from '../world/site.js';
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

const TEXTAREA = 'com.atlassian.jira.plugin.system.customfieldtypes:textarea';

function isRichText(def: FieldDef): boolean {
  return def.adf === true || def.schema.custom === TEXTAREA;
}

function wiki(value: unknown, options: WikiOptions): unknown {
  return value !== null && typeof value === 'object' ? adfToWiki(value as AdfDoc, options) : value;
}

/** A rendered comment (or comment page entry) with its ADF body as wiki markup. */
function commentToV2(comment: Record<string, unknown>, options: WikiOptions): Record<string, unknown> {
  return { ...comment, body: wiki(comment.body, options) };
}

export function renderCommentV2(ctx: RenderContext, issue: Issue, c: Comment): Record<string, unknown> {
  const rendered = new IssueRenderer(ctx).comment(issue, c);
  return toV2Urls(ctx, commentToV2(rendered, wikiOptions(ctx)));
}

export interface V2FieldOptions {
  /** Embed the comment and worklog pages (Agile issue beans and issue_deleted payloads do). */
  commentsAndWorklogs?: boolean;
  /** Leave out the fields recorded webhook payloads never carry (statusCategory, issuerestriction). */
  webhook?: boolean;
  /** Only these field ids (default: all). */
  only?: ReadonlySet<string>;
}

const NOT_IN_WEBHOOKS = ['statusCategory', 'issuerestriction'];

/** The fields of an issue in the v2 representation: the shared renderer's fields, converted. */
export function renderIssueFieldsV2(
  ctx: RenderContext,
  issue: Issue,
  options: V2FieldOptions = {},
): Record<string, unknown> {
  const renderer = new IssueRenderer(ctx);
  const bean = renderer.bean(issue, { fields: parseFieldSelection(undefined, 'all') });
  const fields = bean.fields as Record<string, unknown>;
  const wikiOpts = wikiOptions(ctx);
  for (const def of renderer.applicableFields(issue)) {
    if (isRichText(def) && def.id in fields) fields[def.id] = wiki(fields[def.id], wikiOpts);
  }
  if (options.commentsAndWorklogs) {
    const page = fields.comment as { comments: Array<Record<string, unknown>> } | undefined;
    if (page) page.comments = page.comments.map((c) => commentToV2(c, wikiOpts));
    const worklogs = fields.worklog as { worklogs: Array<Record<string, unknown>> } | undefined;
    if (worklogs)
      worklogs.worklogs = worklogs.worklogs.map((w) =>
        w.comment === undefined ? w : { ...w, comment: wiki(w.comment, wikiOpts) },
      );
  } else {
    delete fields.comment;
    delete fields.worklog;
  }
  if (options.webhook) for (const k of NOT_IN_WEBHOOKS) delete fields[k];
  if (options.only) for (const k of Object.keys(fields)) if (!options.only.has(k)) delete fields[k];
  return toV2Urls(ctx, fields);
}

/** An issue as webhook payloads carry it: {id, self, key, fields}. */
export function renderIssueV2(ctx: RenderContext, issue: Issue, options: V2FieldOptions = {}): Record<string, unknown> {
  return {
    id: issue.id,
    self: `${v2Base(ctx)}/issue/${issue.id}`,
    key: issue.key,
    fields: renderIssueFieldsV2(ctx, issue, { webhook: true, ...options }),
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

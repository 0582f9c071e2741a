/**
 * Issue-centric reads: GET issue, issue and changelog bulk fetch, changelogs, links, remote links,
 * watchers, votes, issue properties, transitions, edit and create metadata.
 *
 * 404 covers both "not found" and "cannot browse" for everything reached through an issue, with
 * Jira's message; moved keys and any letter case resolve (world/queries.ts findIssue).
 */
import { badRequest, forbidden, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import {
  parseFieldSelection,
  parsePropertySelection,
  projectIssueTypeIds,
  splitList,
  type IssueRenderer,
  type Json,
} from '../render/issue.js';
import { renderIssueType, renderUser, restBase } from '../render/common.js';
import { fieldDefOf, jsonTypeBean } from '../render/issue-fields.js';
import type { RouteContext, RouteResult } from '../services.js';
import { digest, signToken, simSecret, verifyToken } from '../search/tokens.js';
import type { ChangeHistory, Issue, Project } from '../world/site.js';
import { findIssue, findProject, hasProjectPermission, isSiteAdmin } from '../world/queries.js';
import {
  boolParam,
  browsableIssue,
  idList,
  jsonObject,
  listParam,
  pageBean,
  pageParams,
  rendererFor,
} from './read-params.js';
import { INVALID_PAYLOAD } from './search.js';

/** Histories embedded per issue by expand=changelog. */
export const GET_ISSUE_CHANGELOG_LIMIT = 100;
export const BULKFETCH_CHANGELOG_LIMIT = 40;
export const BULKFETCH_MAX_ISSUES = 100;
export const CHANGELOG_BULKFETCH_MAX_ISSUES = 1000;
export const CHANGELOG_BULKFETCH_DEFAULT = 1000;
export const CHANGELOG_BULKFETCH_CAP = 10000;
const TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;

function issueParam(ctx: RouteContext): string {
  return ctx.params.issueIdOrKey ?? '';
}

// ---- GET issue --------------------------------------------------------------------------------

function getIssue(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  const fieldsByKeys = boolParam(ctx.query, 'fieldsByKeys', false);
  const properties = listParam(ctx.query, 'properties');
  const body = renderer.bean(issue, {
    fields: parseFieldSelection(listParam(ctx.query, 'fields'), 'all', fieldsByKeys),
    expand: listParam(ctx.query, 'expand'),
    ...(properties.length > 0 ? { properties: parsePropertySelection(properties) } : {}),
    changelogLimit: GET_ISSUE_CHANGELOG_LIMIT,
  });
  return { body, objects: 1 };
}

// ---- bulk fetch ---------------------------------------------------------------------------------

const BULKFETCH_KEYS = new Set(['issueIdsOrKeys', 'fields', 'expand', 'properties', 'fieldsByKeys']);

function stringArray(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return splitList(value);
  if (!Array.isArray(value)) throw badRequest(INVALID_PAYLOAD);
  return splitList(value.map((v) => String(v)));
}

async function bulkFetch(ctx: RouteContext): Promise<RouteResult> {
  const body = await jsonObject(ctx);
  for (const k of Object.keys(body)) if (!BULKFETCH_KEYS.has(k)) throw badRequest(INVALID_PAYLOAD);
  const raw = body.issueIdsOrKeys;
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) throw badRequest(INVALID_PAYLOAD);
  const requested = ((raw as unknown[] | undefined) ?? []).map((v) => String(v).trim()).filter((v) => v !== '');
  if (requested.length === 0) throw badRequest('You must provide at least one issue ID or key in issueIdsOrKeys.');
  if (requested.length > BULKFETCH_MAX_ISSUES)
    throw badRequest(`You can request a maximum of ${BULKFETCH_MAX_ISSUES} issues in issueIdsOrKeys.`);
  const properties = stringArray(body.properties);
  if (properties.length > 5) throw badRequest('A maximum of 5 issue property keys can be specified.');

  const renderer = rendererFor(ctx);
  const found = new Map<string, Issue>();
  for (const idOrKey of requested) {
    const issue = findIssue(ctx.site, idOrKey);
    // Missing and invisible issues are left out of both lists (the spec: issueErrors is only for
    // retriable failures).
    if (issue && renderer.canBrowse(issue)) found.set(issue.id, issue);
  }
  const issues = [...found.values()].sort((a, b) => Number(a.id) - Number(b.id));
  const selection = parseFieldSelection(stringArray(body.fields), 'navigable', body.fieldsByKeys === true);
  const expand = stringArray(body.expand);
  return {
    body: {
      issues: issues.map((i) =>
        renderer.bean(i, {
          fields: selection,
          expand,
          ...(properties.length > 0 ? { properties: parsePropertySelection(properties) } : {}),
          changelogLimit: BULKFETCH_CHANGELOG_LIMIT,
        }),
      ),
      issueErrors: [],
    },
    objects: issues.length,
  };
}

// ---- changelogs -----------------------------------------------------------------------------------

interface ChangelogToken {
  b: string;
  /** Last (issue id, history created, history id) returned. */
  k: [number, number, number];
  e: number;
}

function historyKey(issue: Issue, h: ChangeHistory): [number, number, number] {
  return [Number(issue.id), h.created, Number(h.id)];
}

function compareTriples(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const CHANGELOG_BULK_KEYS = new Set(['issueIdsOrKeys', 'fieldIds', 'maxResults', 'nextPageToken']);

async function changelogBulkFetch(ctx: RouteContext): Promise<RouteResult> {
  const body = await jsonObject(ctx);
  for (const k of Object.keys(body)) if (!CHANGELOG_BULK_KEYS.has(k)) throw badRequest(INVALID_PAYLOAD);
  if (body.issueIdsOrKeys !== undefined && !Array.isArray(body.issueIdsOrKeys)) throw badRequest(INVALID_PAYLOAD);
  const requested = ((body.issueIdsOrKeys as unknown[] | undefined) ?? [])
    .map((v) => String(v).trim())
    .filter((v) => v !== '');
  if (requested.length === 0) throw badRequest('You must provide at least one issue ID or key in issueIdsOrKeys.');
  if (requested.length > CHANGELOG_BULKFETCH_MAX_ISSUES)
    throw badRequest(`You can request the changelogs of at most ${CHANGELOG_BULKFETCH_MAX_ISSUES} issues.`);
  const fieldIds = stringArray(body.fieldIds);
  if (fieldIds.length > 10) throw badRequest('You can filter changelogs by at most 10 field IDs.');
  let maxResults = CHANGELOG_BULKFETCH_DEFAULT;
  if (body.maxResults !== undefined && body.maxResults !== null) {
    if (typeof body.maxResults !== 'number' || !Number.isFinite(body.maxResults)) throw badRequest(INVALID_PAYLOAD);
    maxResults = Math.trunc(body.maxResults);
    if (maxResults < 1) throw badRequest('maxResults must be at least 1.');
    maxResults = Math.min(maxResults, CHANGELOG_BULKFETCH_CAP);
  }

  const renderer = rendererFor(ctx);
  const issues = new Map<string, Issue>();
  for (const idOrKey of requested) {
    const issue = findIssue(ctx.site, idOrKey);
    if (issue && renderer.canBrowse(issue)) issues.set(issue.id, issue);
  }
  const sorted = [...issues.values()].sort((a, b) => Number(a.id) - Number(b.id));
  const binding = digest(ctx.site.cloudId, sorted.map((i) => i.id).join(','), [...fieldIds].sort().join(','));

  const secret = simSecret(ctx.sim);
  let after: [number, number, number] | undefined;
  const tokenText = body.nextPageToken;
  if (tokenText !== undefined && tokenText !== null && tokenText !== '') {
    const token =
      typeof tokenText === 'string' ? verifyToken<ChangelogToken>(secret, 'changelog', tokenText) : undefined;
    if (!token || token.b !== binding || token.e < ctx.now)
      throw badRequest('The provided nextPageToken is invalid or has expired.');
    after = token.k;
  }

  const only = fieldIds.length > 0 ? new Set(fieldIds) : undefined;
  const entries: Array<{ issue: Issue; history: ChangeHistory; key: [number, number, number] }> = [];
  for (const issue of sorted) {
    const histories = [...issue.changelog].sort((a, b) => a.created - b.created || Number(a.id) - Number(b.id));
    for (const h of histories) {
      if (only && !h.items.some((i) => only.has(i.fieldId ?? i.field))) continue;
      const key = historyKey(issue, h);
      if (after && compareTriples(key, after) <= 0) continue;
      entries.push({ issue, history: h, key });
    }
  }
  const page = entries.slice(0, maxResults);
  const groups: Array<{ issueId: string; changeHistories: Json[] }> = [];
  for (const e of page) {
    let g = groups[groups.length - 1];
    if (!g || g.issueId !== e.issue.id) {
      g = { issueId: e.issue.id, changeHistories: [] };
      groups.push(g);
    }
    g.changeHistories.push(renderer.changelog(e.history, only));
  }
  const out: Json = { issueChangeLogs: groups };
  if (entries.length > page.length) {
    out.nextPageToken = signToken(secret, 'changelog', {
      b: binding,
      k: page[page.length - 1]!.key,
      e: ctx.now + TOKEN_TTL_MS,
    } satisfies ChangelogToken);
  }
  return { body: out, objects: page.length };
}

function issueChangelog(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  const { startAt, maxResults } = pageParams(ctx.query, { defaultMax: 100, cap: 100 });
  const body = pageBean(ctx.url, issue.changelog, startAt, maxResults);
  const values = (body.values as ChangeHistory[]).map((h) => renderer.changelog(h));
  body.values = values;
  return { body, objects: values.length };
}

async function changelogList(ctx: RouteContext): Promise<RouteResult> {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  const body = await jsonObject(ctx);
  const ids = new Set(idList(body.changelogIds, 'changelogIds'));
  if (ids.size > 1000) throw badRequest('You can request at most 1000 changelog IDs.');
  const histories = issue.changelog.filter((h) => ids.has(h.id));
  return {
    body: {
      startAt: 0,
      maxResults: histories.length,
      total: histories.length,
      histories: histories.map((h) => renderer.changelog(h)),
    },
    objects: histories.length,
  };
}

// ---- links ----------------------------------------------------------------------------------------

function issueLink(ctx: RouteContext): RouteResult {
  const id = ctx.params.linkId ?? '';
  if (!/^\d+$/.test(id)) throw badRequest(`The issue link ID '${id}' is invalid.`);
  const notThere = notFound(`No issue link with id '${id}' exists.`);
  if (!ctx.site.data.settings.issueLinkingEnabled) throw notFound('Issue linking is currently disabled.');
  const link = ctx.site.data.links.get(id);
  if (!link) throw notThere;
  const renderer = rendererFor(ctx);
  const inward = ctx.site.data.issues.get(link.inwardIssueId);
  const outward = ctx.site.data.issues.get(link.outwardIssueId);
  if (!inward || !outward || !renderer.canBrowse(inward) || !renderer.canBrowse(outward)) throw notThere;
  const body = renderer.issueLink(link);
  if (!body) throw notThere;
  return { body, objects: 1 };
}

function remoteLinkBody(renderer: IssueRenderer, issue: Issue, link: Issue['remoteLinks'][number]): Json {
  const out: Json = { id: Number(link.id), self: `${restBase(renderer.ctx)}/issue/${issue.key}/remotelink/${link.id}` };
  if (link.globalId !== undefined) out.globalId = link.globalId;
  if (link.application !== undefined) out.application = { ...link.application };
  if (link.relationship !== undefined) out.relationship = link.relationship;
  out.object = JSON.parse(JSON.stringify(link.object)) as Json;
  return out;
}

function remoteLinks(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  if (!ctx.site.data.settings.issueLinkingEnabled) throw forbidden('Issue linking is currently disabled.');
  const globalId = ctx.query.get('globalId');
  if (globalId !== null) {
    const link = issue.remoteLinks.find((l) => l.globalId === globalId);
    if (!link) throw notFound(`No remote issue link with globalId '${globalId}' exists on the issue.`);
    return { body: remoteLinkBody(renderer, issue, link), objects: 1 };
  }
  return { body: issue.remoteLinks.map((l) => remoteLinkBody(renderer, issue, l)), objects: issue.remoteLinks.length };
}

function remoteLink(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  if (!ctx.site.data.settings.issueLinkingEnabled) throw forbidden('Issue linking is currently disabled.');
  const id = ctx.params.linkId ?? '';
  if (!/^\d+$/.test(id)) throw badRequest(`The remote issue link ID '${id}' is invalid.`);
  const link = issue.remoteLinks.find((l) => l.id === id);
  if (link) return { body: remoteLinkBody(renderer, issue, link), objects: 1 };
  for (const other of ctx.site.data.issues.values()) {
    if (other.remoteLinks.some((l) => l.id === id))
      throw badRequest(`The remote issue link with ID '${id}' does not belong to issue '${issue.key}'.`);
  }
  throw notFound(`No remote issue link with ID '${id}' exists.`);
}

// ---- watchers, votes, properties ------------------------------------------------------------------

function canViewVotersAndWatchers(ctx: RouteContext, issue: Issue): boolean {
  const project = ctx.site.data.projects.get(issue.projectId);
  return (
    project !== undefined &&
    hasProjectPermission(ctx.site, ctx.principal.accountId, project, 'VIEW_VOTERS_AND_WATCHERS', issue)
  );
}

function watchers(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  if (!ctx.site.data.settings.watchingEnabled) throw notFound('Watching is disabled.');
  const me = ctx.principal.accountId;
  const visible = canViewVotersAndWatchers(ctx, issue)
    ? [...issue.watchers]
    : [...issue.watchers].filter((a) => a === me);
  const base = restBase(renderer.ctx);
  return {
    body: {
      self: `${base}/issue/${issue.key}/watchers`,
      isWatching: issue.watchers.has(me),
      watchCount: issue.watchers.size,
      watchers: visible.map((a) => renderUser(renderer.ctx, a)),
    },
    identityObjects: visible.length,
  };
}

function votes(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  if (!ctx.site.data.settings.votingEnabled) throw notFound('Voting is disabled.');
  const voters = canViewVotersAndWatchers(ctx, issue) ? [...issue.voters] : [];
  const base = restBase(renderer.ctx);
  return {
    body: {
      self: `${base}/issue/${issue.key}/votes`,
      votes: issue.voters.size,
      hasVoted: issue.voters.has(ctx.principal.accountId),
      voters: voters.map((a) => renderUser(renderer.ctx, a)),
    },
    identityObjects: voters.length,
  };
}

function issuePropertyKeys(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  const base = restBase(renderer.ctx);
  return {
    body: {
      keys: [...issue.properties.keys()].map((key) => ({
        self: `${base}/issue/${issue.key}/properties/${encodeURIComponent(key)}`,
        key,
      })),
    },
  };
}

function issueProperty(ctx: RouteContext): RouteResult {
  const issue = browsableIssue(ctx, issueParam(ctx));
  const key = ctx.params.propertyKey ?? '';
  if (!issue.properties.has(key)) throw notFound(`The property with key '${key}' does not exist.`);
  return { body: { key, value: issue.properties.get(key) }, objects: 1 };
}

// ---- transitions, edit and create metadata --------------------------------------------------------

function transitions(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  const expand = listParam(ctx.query, 'expand');
  const transitionId = ctx.query.get('transitionId');
  const list = renderer.transitions(issue, {
    withFields: expand.includes('transitions.fields'),
    ...(transitionId ? { transitionId } : {}),
  });
  return { body: { expand: 'transitions', transitions: list } };
}

function editmeta(ctx: RouteContext): RouteResult {
  const renderer = rendererFor(ctx);
  const issue = browsableIssue(ctx, issueParam(ctx), renderer);
  const overrides =
    boolParam(ctx.query, 'overrideScreenSecurity', false) || boolParam(ctx.query, 'overrideEditableFlag', false);
  if (overrides && !isSiteAdmin(ctx.site, ctx.principal.accountId))
    throw forbidden(
      'You do not have the permission to use the overrideScreenSecurity or overrideEditableFlag parameters.',
    );
  return { body: renderer.editmeta(issue) };
}

function createProject(ctx: RouteContext): Project {
  const key = ctx.params.projectIdOrKey ?? '';
  const project = findProject(ctx.site, key);
  if (
    !project ||
    project.status !== 'live' ||
    !hasProjectPermission(ctx.site, ctx.principal.accountId, project, 'BROWSE_PROJECTS') ||
    !hasProjectPermission(ctx.site, ctx.principal.accountId, project, 'CREATE_ISSUES')
  ) {
    throw badRequest(
      `No project could be found with key '${key}' or you do not have permission to create issues in it.`,
    );
  }
  return project;
}

function createmetaIssueTypes(ctx: RouteContext): RouteResult {
  const project = createProject(ctx);
  const renderer = rendererFor(ctx);
  const { startAt, maxResults } = pageParams(ctx.query, { defaultMax: 50, cap: 200 });
  const types = projectIssueTypeIds(ctx.site, project).map((id) => {
    const t = renderIssueType(renderer.ctx, ctx.site.data.issueTypes.get(id)!);
    // IssueTypeIssueCreateMetadata has no description; entityId must be a UUID.
    delete t.description;
    if (typeof t.entityId === 'string' && !/^[0-9a-fA-F-]{36}$/.test(t.entityId)) delete t.entityId;
    return t;
  });
  const page = types.slice(startAt, startAt + maxResults);
  return { body: { issueTypes: page, maxResults, startAt, total: types.length } };
}

function createmetaFields(ctx: RouteContext): RouteResult {
  const project = createProject(ctx);
  const typeId = ctx.params.issueTypeId ?? '';
  if (!projectIssueTypeIds(ctx.site, project).includes(typeId))
    throw badRequest(
      `The issue type with id '${typeId}' does not exist or is not available in project '${project.key}'.`,
    );
  const renderer = rendererFor(ctx);
  const { startAt, maxResults } = pageParams(ctx.query, { defaultMax: 50, cap: 200 });
  const fields = renderer.createFieldIds(project, typeId).map((id) => {
    const def = fieldDefOf(ctx.site, id)!;
    const meta = renderer.fieldMeta(def, project, typeId, 'create');
    if (id === 'issuetype') meta.allowedValues = [renderIssueType(renderer.ctx, ctx.site.data.issueTypes.get(typeId)!)];
    return { ...meta, fieldId: def.id, schema: jsonTypeBean(def) };
  });
  const page = fields.slice(startAt, startAt + maxResults);
  return { body: { fields: page, maxResults, startAt, total: fields.length } };
}

export function registerIssueReadRoutes(table: RouteTable): void {
  table.get('/rest/api/3/issue/{issueIdOrKey}', getIssue);
  table.post('/rest/api/3/issue/bulkfetch', bulkFetch);
  table.post('/rest/api/3/changelog/bulkfetch', changelogBulkFetch);
  table.get('/rest/api/3/issue/{issueIdOrKey}/changelog', issueChangelog);
  table.post('/rest/api/3/issue/{issueIdOrKey}/changelog/list', changelogList);
  table.get('/rest/api/3/issueLink/{linkId}', issueLink);
  table.get('/rest/api/3/issue/{issueIdOrKey}/remotelink', remoteLinks);
  table.get('/rest/api/3/issue/{issueIdOrKey}/remotelink/{linkId}', remoteLink);
  table.get('/rest/api/3/issue/{issueIdOrKey}/watchers', watchers);
  table.get('/rest/api/3/issue/{issueIdOrKey}/votes', votes);
  table.get('/rest/api/3/issue/{issueIdOrKey}/properties', issuePropertyKeys);
  table.get('/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', issueProperty);
  table.get('/rest/api/3/issue/{issueIdOrKey}/transitions', transitions);
  table.get('/rest/api/3/issue/{issueIdOrKey}/editmeta', editmeta);
  table.get('/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', createmetaIssueTypes);
  table.get('/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', createmetaFields);
}

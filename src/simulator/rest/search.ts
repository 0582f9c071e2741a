/**
 * Enhanced JQL search: GET/POST /rest/api/3/search/jql, POST /search/approximate-count, and the
 * removed legacy GET/POST /rest/api/3/search (410).
 *
 * Page sizes (docs/design.md §5.11): maxResults defaults to 50 and must lie in 1…5000 (Jira Cloud
 * answers 400 outside that range). Within it the page is silently capped: 5000 when only `id`
 * and/or `key` are requested (no expand, no properties), 100 otherwise. The response carries no
 * maxResults, so the cap shows only as a shorter page with a nextPageToken.
 *
 * Tokens are signed, bound to the site and the JQL text, and expire after 7 days; a token that
 * fails any of that answers 400 before anything else is checked (as measured on Jira Cloud: token,
 * then maxResults range, then the bounded-JQL rule).
 */
import type { RouteTable } from '../http/route-table.js';
import { badRequest, jiraError } from '../http/errors.js';
import { parseFieldSelection, parsePropertySelection, selectsIdsOnly, splitList, type Json } from '../render/issue.js';
import type { RouteContext, RouteResult } from '../services.js';
import { BrowseChecker, compileFor, firstAfter, searchHits, type SearchContext } from '../search/execute.js';
import { JqlError } from '../search/jql.js';
import type { SortValue } from '../search/compile.js';
import { digest, signToken, simSecret, verifyToken } from '../search/tokens.js';
import { boolParam, jsonObject, listParam, rendererFor } from './read-params.js';

export const UNBOUNDED_JQL =
  'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
export const MAX_RESULTS_RANGE = 'The maxResults parameter must be between 1 and 5,000.';
export const BAD_PAGE_TOKEN = 'The provided nextPageToken is invalid or has expired.';
export const INVALID_PAYLOAD = 'Invalid request payload. Refer to the REST API documentation and try again.';
export const LEGACY_SEARCH_REMOVED =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

export const SEARCH_DEFAULT_MAX = 50;
export const SEARCH_ID_CAP = 5000;
export const SEARCH_FIELDS_CAP = 100;
/** Histories embedded per issue by expand=changelog in search results. */
export const SEARCH_CHANGELOG_LIMIT = 20;
const TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;

interface SearchParams {
  jql: string | undefined;
  nextPageToken: string | undefined;
  /** As sent (validated against 1…5000 when present). */
  maxResults: number | undefined;
  fields: string[];
  expand: string[];
  properties: string[];
  fieldsByKeys: boolean;
  reconcileIssues: string[];
}

interface PageToken {
  /** Site and JQL digest. */
  b: string;
  /** Sort key of the last issue of the previous page. */
  k: SortValue[];
  /** Expiry (epoch ms). */
  e: number;
}

function integerFrom(raw: string, name: string): number {
  const t = raw.trim();
  if (!/^[+-]?\d+$/.test(t)) throw badRequest(`The value '${raw}' of the '${name}' parameter is not a valid number.`);
  return Number(t);
}

function fromQuery(q: URLSearchParams): SearchParams {
  const max = q.get('maxResults');
  return {
    jql: q.get('jql') ?? undefined,
    nextPageToken: q.get('nextPageToken') ?? undefined,
    maxResults: max === null || max.trim() === '' ? undefined : integerFrom(max, 'maxResults'),
    fields: listParam(q, 'fields'),
    expand: listParam(q, 'expand'),
    properties: listParam(q, 'properties'),
    fieldsByKeys: boolParam(q, 'fieldsByKeys', false),
    reconcileIssues: listParam(q, 'reconcileIssues').map((v) => String(integerFrom(v, 'reconcileIssues'))),
  };
}

const BODY_KEYS = new Set([
  'jql',
  'nextPageToken',
  'maxResults',
  'fields',
  'expand',
  'properties',
  'fieldsByKeys',
  'failFast',
  'reconcileIssues',
]);

function scalarString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') throw badRequest(INVALID_PAYLOAD);
  return String(v);
}

function stringList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return splitList(v);
  if (!Array.isArray(v)) throw badRequest(INVALID_PAYLOAD);
  return splitList(v.map((x) => String(x)));
}

function fromBody(body: Record<string, unknown>): SearchParams {
  for (const k of Object.keys(body)) if (!BODY_KEYS.has(k)) throw badRequest(INVALID_PAYLOAD);
  let maxResults: number | undefined;
  if ('maxResults' in body) {
    const m = body.maxResults;
    if (typeof m === 'boolean' || (m !== null && typeof m === 'object')) throw badRequest(INVALID_PAYLOAD);
    if (m === null) maxResults = 0;
    else if (typeof m === 'number') maxResults = Math.trunc(m);
    else if (typeof m === 'string' && /^\s*[+-]?\d+\s*$/.test(m)) maxResults = Number(m.trim());
    else throw badRequest(INVALID_PAYLOAD);
  }
  const reconcile = body.reconcileIssues;
  if (reconcile !== undefined && reconcile !== null && !Array.isArray(reconcile)) throw badRequest(INVALID_PAYLOAD);
  return {
    jql: scalarString(body.jql),
    nextPageToken: scalarString(body.nextPageToken),
    maxResults,
    fields: stringList(body.fields),
    expand: stringList(body.expand),
    properties: stringList(body.properties),
    fieldsByKeys: body.fieldsByKeys === true,
    reconcileIssues: ((reconcile as unknown[] | undefined) ?? []).map((v) => {
      if (typeof v === 'number' && Number.isInteger(v)) return String(v);
      if (typeof v === 'string' && /^\d+$/.test(v)) return v;
      throw badRequest(INVALID_PAYLOAD);
    }),
  };
}

function searchContext(ctx: RouteContext): SearchContext {
  return { sim: ctx.sim, site: ctx.site, viewerId: ctx.principal.accountId, now: ctx.now };
}

function binding(ctx: RouteContext, jql: string): string {
  return digest(ctx.site.cloudId, jql.trim());
}

function jqlFailure(e: unknown): never {
  if (e instanceof JqlError) throw jiraError(400, [e.message]);
  throw e;
}

function search(ctx: RouteContext, p: SearchParams): RouteResult {
  const secret = simSecret(ctx.sim);
  const jql = p.jql ?? '';
  let after: SortValue[] | undefined;
  if (p.nextPageToken !== undefined && p.nextPageToken !== '') {
    const token = verifyToken<PageToken>(secret, 'search', p.nextPageToken);
    if (!token || token.b !== binding(ctx, jql) || token.e < ctx.now || !Array.isArray(token.k))
      throw badRequest(BAD_PAGE_TOKEN);
    after = token.k;
  }
  if (p.maxResults !== undefined && (p.maxResults < 1 || p.maxResults > SEARCH_ID_CAP))
    throw badRequest(MAX_RESULTS_RANGE);
  if (p.properties.length > 5) throw badRequest('A maximum of 5 issue property keys can be specified.');
  if (p.reconcileIssues.length > 50) throw badRequest('The reconcileIssues parameter accepts at most 50 issue ids.');

  const sctx = searchContext(ctx);
  const browse = new BrowseChecker(ctx.site, ctx.principal.accountId);
  let compiled;
  try {
    compiled = compileFor(sctx, jql, browse);
  } catch (e) {
    jqlFailure(e);
  }
  if (!compiled.bounded) throw badRequest(UNBOUNDED_JQL);

  const selection = parseFieldSelection(p.fields, 'none', p.fieldsByKeys);
  const idsOnly = selectsIdsOnly(selection) && p.expand.length === 0 && p.properties.length === 0;
  const pageSize = Math.min(p.maxResults ?? SEARCH_DEFAULT_MAX, idsOnly ? SEARCH_ID_CAP : SEARCH_FIELDS_CAP);

  const hits = searchHits(sctx, compiled, browse, new Set(p.reconcileIssues));
  const start = after ? firstAfter(hits, compiled, after) : 0;
  const page = hits.slice(start, start + pageSize);
  const more = start + page.length < hits.length;

  const renderer = rendererFor(ctx);
  const expand = new Set(p.expand);
  const names: Record<string, string> = {};
  const schema: Record<string, Json> = {};
  const withKey = selection.include.has('key') || selection.include.has('issuekey');
  const issues = page.map((hit) => {
    const issue = ctx.site.data.issues.get(hit.doc.id) ?? hit.doc.issue;
    if (idsOnly) return withKey ? { id: issue.id, key: issue.key } : { id: issue.id };
    return renderer.bean(issue, {
      fields: selection,
      expand,
      ...(p.properties.length > 0 ? { properties: parsePropertySelection(p.properties) } : {}),
      changelogLimit: SEARCH_CHANGELOG_LIMIT,
      collect: { names, schema },
    });
  });

  const body: Json = { issues };
  if (more) {
    const last = page[page.length - 1]!;
    body.nextPageToken = signToken(secret, 'search', {
      b: binding(ctx, jql),
      k: last.key,
      e: ctx.now + TOKEN_TTL_MS,
    } satisfies PageToken);
  }
  body.isLast = !more;
  if (expand.has('names')) body.names = names;
  if (expand.has('schema')) body.schema = schema;
  return { body, objects: idsOnly ? 0 : issues.length };
}

function approximateCount(ctx: RouteContext, body: Record<string, unknown>): RouteResult {
  for (const k of Object.keys(body)) if (k !== 'jql') throw badRequest(INVALID_PAYLOAD);
  const jql = scalarString(body.jql) ?? '';
  const sctx = searchContext(ctx);
  const browse = new BrowseChecker(ctx.site, ctx.principal.accountId);
  let compiled;
  try {
    compiled = compileFor(sctx, jql, browse);
  } catch (e) {
    jqlFailure(e);
  }
  if (!compiled.bounded) throw badRequest(UNBOUNDED_JQL);
  return { body: { count: searchHits(sctx, compiled, browse).length } };
}

const legacyRemoved = (): RouteResult => {
  throw jiraError(410, [LEGACY_SEARCH_REMOVED]);
};

export function registerSearchRoutes(table: RouteTable): void {
  table.get('/rest/api/3/search/jql', (ctx) => search(ctx, fromQuery(ctx.query)));
  table.post('/rest/api/3/search/jql', async (ctx) => search(ctx, fromBody(await jsonObject(ctx))));
  table.post('/rest/api/3/search/approximate-count', async (ctx) => approximateCount(ctx, await jsonObject(ctx)));
  table.get('/rest/api/3/search', legacyRemoved);
  table.post('/rest/api/3/search', legacyRemoved);
}

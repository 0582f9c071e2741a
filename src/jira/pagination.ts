/**
 * Pagination for every shape Jira uses (jira-rest-api.md §1.2). Each helper is an async generator
 * of pages; `items()` flattens them. All of them read the *echoed* page size (Jira caps silently),
 * never trust `total` to stay stable, and stop with a clear error if a malformed answer would make
 * them loop.
 */
import { JiraError } from './errors.js';
import type { JiraClient, JiraResult, RequestOptions } from './client.js';
import { splitRouteKey, type ResponseBody, type RouteKey } from './routes.js';

export type PageShape =
  /** {startAt, maxResults, total, isLast, values[]} */
  | 'page-bean'
  /** {startAt, maxResults, total, <list>[]} — comments, worklogs, changelog histories */
  | { legacy: 'comments' | 'worklogs' | 'histories' }
  /** {issues[], nextPageToken?, isLast} (search/jql; token in query for GET, body for POST) */
  | 'token'
  /** {issueChangeLogs[], nextPageToken?} (changelog bulk fetch; token in body) */
  | 'bulk-token'
  /** {values[], since, until, lastPage, nextPage} (worklog updated/deleted feeds) */
  | 'since-until'
  /** {offset, limit, total, records[]} (audit records) */
  | 'offset-limit'
  /** {startAt, maxResults, isLast, values[]} (Agile 1.0) */
  | 'agile'
  /** {start, limit, size, isLastPage, values[]} (JSM) */
  | 'jsm';

type AnyBody = Record<string, unknown>;

function malformed(key: string, why: string): JiraError {
  return new JiraError('server', `${key}: malformed paginated answer (${why})`, { route: splitRouteKey(key).route });
}

function list(body: AnyBody, field: string, key: string): unknown[] {
  const v = body[field];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw malformed(key, `${field} is not a list`);
  return v;
}

function withParam<K extends RouteKey>(
  options: RequestOptions<K>,
  inBody: boolean,
  values: Record<string, unknown>,
): RequestOptions<K> {
  if (inBody)
    return {
      ...options,
      body: { ...((options.body as object | undefined) ?? {}), ...values } as RequestOptions<K>['body'],
    };
  return {
    ...options,
    query: { ...((options.query as object | undefined) ?? {}), ...values } as RequestOptions<K>['query'],
  };
}

/** Yields every page of a paginated operation. */
export async function* pages<K extends RouteKey>(
  client: JiraClient,
  key: K,
  shape: PageShape,
  options: RequestOptions<K> = {},
): AsyncGenerator<JiraResult<ResponseBody<K>>> {
  const isPost = key.startsWith('POST ');
  if (shape === 'token' || shape === 'bulk-token') {
    let token: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await client.request(
        key,
        token === undefined ? options : withParam(options, isPost, { nextPageToken: token }),
      );
      yield page;
      const body = (page.body ?? {}) as AnyBody;
      const next = body.nextPageToken;
      if (typeof next !== 'string' || next === '' || body.isLast === true) return;
      if (seen.has(next)) throw malformed(key, 'nextPageToken repeated');
      seen.add(next);
      token = next;
    }
  }
  if (shape === 'since-until') {
    let since: number | undefined;
    for (;;) {
      const page = await client.request(key, since === undefined ? options : withParam(options, false, { since }));
      yield page;
      const body = (page.body ?? {}) as AnyBody;
      if (body.lastPage === true || list(body, 'values', key).length === 0) return;
      const until = Number(body.until);
      if (!Number.isFinite(until) || (since !== undefined && until <= since))
        throw malformed(key, 'until did not advance');
      since = until;
    }
  }
  if (shape === 'offset-limit') {
    let offset = 0;
    for (;;) {
      const page = await client.request(key, withParam(options, isPost, { offset }));
      yield page;
      const body = (page.body ?? {}) as AnyBody;
      const records = list(body, 'records', key);
      const total = Number(body.total);
      offset += records.length;
      if (records.length === 0 || (Number.isFinite(total) && offset >= total)) return;
    }
  }
  if (shape === 'jsm') {
    let start = 0;
    for (;;) {
      const page = await client.request(key, withParam(options, false, { start }));
      yield page;
      const body = (page.body ?? {}) as AnyBody;
      const values = list(body, 'values', key);
      if (body.isLastPage === true || values.length === 0) return;
      start += values.length;
    }
  }
  // startAt-based shapes: PageBean, Agile, legacy lists.
  const field = typeof shape === 'object' ? shape.legacy : 'values';
  let startAt = Number(((isPost ? options.body : options.query) as AnyBody | undefined)?.startAt ?? 0);
  for (;;) {
    const page = await client.request(key, withParam(options, isPost, { startAt }));
    yield page;
    const body = (page.body ?? {}) as AnyBody;
    const values = list(body, field, key);
    if (values.length === 0 || body.isLast === true) return;
    if (body.isLast === undefined) {
      // Legacy lists have no isLast: stop when the page reaches total (which may shrink meanwhile).
      const total = Number(body.total);
      if (!Number.isFinite(total) || startAt + values.length >= total) return;
    }
    startAt += values.length;
  }
}

const ITEM_FIELD: Record<string, string> = {
  'page-bean': 'values',
  token: 'issues',
  'bulk-token': 'issueChangeLogs',
  'since-until': 'values',
  'offset-limit': 'records',
  agile: 'values',
  jsm: 'values',
};

/** Yields every item of every page. */
export async function* items<K extends RouteKey, T = unknown>(
  client: JiraClient,
  key: K,
  shape: PageShape,
  options: RequestOptions<K> = {},
): AsyncGenerator<T> {
  const field = typeof shape === 'object' ? shape.legacy : ITEM_FIELD[shape]!;
  for await (const page of pages(client, key, shape, options)) {
    for (const item of list((page.body ?? {}) as AnyBody, field, key)) yield item as T;
  }
}

/** Collects an async iterable into an array (for small lists). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

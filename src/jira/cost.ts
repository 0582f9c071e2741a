/**
 * The points cost model (docs/design.md §5.3), used to estimate a request's cost before it is sent
 * and to settle its real cost from the answer: 1 point per request, +1 per core object and +2 per
 * identity object in the response's main collection, writes 1 point in total, identifier-only
 * search results free.
 */
const IDENTITY_ROUTES = [
  // Watchers and voters are lists of users: identity objects.
  /^GET \/rest\/api\/3\/issue\/\{issueIdOrKey\}\/(watchers|votes)$/,
  /^GET \/rest\/api\/3\/users?(\/|$)/,
  /^GET \/rest\/api\/3\/user\//,
  /^GET \/rest\/api\/3\/group/,
  /^GET \/rest\/api\/3\/myself$/,
  /^GET \/rest\/api\/3\/permissionscheme/,
  /^GET \/rest\/api\/3\/project\/\{[^}]+\}\/role(\/\{id\})?$/,
];

const COLLECTION_KEYS = [
  'issues',
  'values',
  'comments',
  'worklogs',
  'histories',
  'issueChangeLogs',
  'records',
  'issueLinkTypes',
] as const;

export function isWriteMethod(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Read-only POSTs: searches and bulk fetches. They cost like reads and may be retried. */
const READ_POSTS = new Set([
  'POST /rest/api/3/search/jql',
  'POST /rest/api/3/search/approximate-count',
  'POST /rest/api/3/issue/bulkfetch',
  'POST /rest/api/3/changelog/bulkfetch',
  'POST /rest/api/3/comment/list',
  'POST /rest/api/3/worklog/list',
  'POST /rest/api/3/issue/{issueIdOrKey}/changelog/list',
  'POST /rest/api/3/workflows',
  'POST /rest/api/3/workflowscheme/read',
]);

/** Reads that return no object of Jira's data (metadata, counts): they cost the base point only. */
const NO_OBJECT_READS = new Set(['GET /rest/api/3/serverInfo', 'POST /rest/api/3/search/approximate-count']);

export function isReadOnly(key: string): boolean {
  return key.startsWith('GET ') || READ_POSTS.has(key);
}

export function isIdentityRoute(key: string): boolean {
  return IDENTITY_ROUTES.some((re) => re.test(key));
}

/** Counts the objects of a response body's main collection. */
export function countObjects(key: string, body: unknown): number {
  if (body === undefined || body === null) return 0;
  if (Array.isArray(body)) return body.length;
  if (typeof body !== 'object') return 0;
  const obj = body as Record<string, unknown>;
  if (key.endsWith('/search/jql')) {
    const issues = Array.isArray(obj.issues) ? (obj.issues as Array<Record<string, unknown>>) : [];
    // Identifier-only results are free.
    return issues.filter(
      (i) => i.fields !== undefined && Object.keys(i).some((k) => !['id', 'key', 'self', 'expand'].includes(k)),
    ).length;
  }
  if (key.endsWith('/changelog/bulkfetch')) {
    const logs = Array.isArray(obj.issueChangeLogs)
      ? (obj.issueChangeLogs as Array<{ changeHistories?: unknown[] }>)
      : [];
    return logs.reduce((n, l) => n + (l.changeHistories?.length ?? 0), 0);
  }
  if (NO_OBJECT_READS.has(key)) return 0;
  if (key.endsWith('/watchers')) return Array.isArray(obj.watchers) ? obj.watchers.length : 0;
  // A project's role map names its roles (identity objects); a role's actors are users and groups.
  if (key === 'GET /rest/api/3/project/{projectIdOrKey}/role') return Object.keys(obj).length;
  if (key === 'GET /rest/api/3/project/{projectIdOrKey}/role/{id}')
    return Array.isArray(obj.actors) ? obj.actors.length : 0;
  if (key === 'GET /rest/api/3/permissionscheme')
    return Array.isArray(obj.permissionSchemes) ? obj.permissionSchemes.length : 0;
  if (key.endsWith('/votes')) return Array.isArray(obj.voters) ? obj.voters.length : 0;
  if (key.endsWith('/properties') && Array.isArray(obj.keys)) return 0;
  for (const k of COLLECTION_KEYS) if (Array.isArray(obj[k])) return (obj[k] as unknown[]).length;
  return 1;
}

/**
 * Points a request is expected to cost before it is sent: writes 1; reads 1 + the objects it is
 * expected to return (default: one, or none for metadata reads), identity objects counting 2.
 */
/**
 * Objects assumed for a read whose caller gave no `expectObjects`: reservations must not be lower
 * than what a request costs, or an hour could go over its cap. The governor also learns each
 * route's largest cost and reserves at least that; the difference is given back at settlement.
 */
export const UNKNOWN_READ_OBJECTS = 100;

/** Points to reserve for a request before it is sent: an upper bound of what it will cost. */
export function estimatePoints(key: string, expectObjects?: number): number {
  if (!isReadOnly(key)) return 1;
  const objects = expectObjects ?? (NO_OBJECT_READS.has(key) ? 0 : UNKNOWN_READ_OBJECTS);
  return 1 + (isIdentityRoute(key) ? 2 : 1) * objects;
}

/**
 * Points a response cost, from its route and body. A 429 costs nothing; so does a 401, which the
 * gateway answers before the request reaches Jira [I]; any other error answer costs 1.
 */
export function pointsOf(key: string, status: number, body: unknown): number {
  if (status === 429 || status === 401) return 0;
  if (status >= 400 || !isReadOnly(key)) return 1;
  const n = countObjects(key, body);
  return 1 + (isIdentityRoute(key) ? 2 * n : n);
}

/**
 * The api.atlassian.com routes outside /ex/jira:
 *
 *   GET  /oauth/token/accessible-resources  sites of the token's grant: [{id, name, url, scopes, avatarUrl}]
 *   GET  /me                                the acting account's profile (read:me)
 *   POST /app/report-accounts/              personal-data reporting (report:personal-data)
 *
 * Errors use the gateway's {code, message} envelope.
 */
import { gatewayError, SimHttpError } from '../http/errors.js';
import { jsonResponse } from '../http/respond.js';
import type { Principal, SimServices } from '../services.js';
import { isIdentityScope } from './scopes.js';
import type { AuthSettings } from './settings.js';

/** At most this many accounts per report-accounts request. */
export const REPORT_ACCOUNTS_MAX = 90;

export async function handleApiRoute(
  req: Request,
  path: string,
  sim: SimServices,
  authenticate: (authorization: string | null) => Principal,
  settings: () => AuthSettings,
): Promise<Response> {
  try {
    const route = routeOf(req.method, path);
    if (!route) throw gatewayError(404, 'Not Found');
    if ('allowed' in route) {
      return jsonResponse(405, { code: 405, message: 'Method Not Allowed' }, { allow: route.allowed });
    }
    const principal = authenticate(req.headers.get('authorization'));
    switch (route.name) {
      case 'accessible-resources':
        return jsonResponse(200, accessibleResources(sim, principal));
      case 'me':
        requireScope(principal, 'read:me');
        return jsonResponse(200, me(sim, principal));
      case 'report-accounts':
        requireScope(principal, 'report:personal-data');
        return await reportAccounts(req, sim, settings());
    }
  } catch (e) {
    if (e instanceof SimHttpError) return jsonResponse(e.status, e.body, e.headers);
    throw e;
  }
}

type Route = { name: 'accessible-resources' | 'me' | 'report-accounts' } | { allowed: string };

function routeOf(method: string, path: string): Route | undefined {
  const table: Record<string, [string, 'accessible-resources' | 'me' | 'report-accounts']> = {
    '/oauth/token/accessible-resources': ['GET', 'accessible-resources'],
    '/me': ['GET', 'me'],
    '/app/report-accounts/': ['POST', 'report-accounts'],
    '/app/report-accounts': ['POST', 'report-accounts'],
  };
  const entry = table[path];
  if (!entry) return undefined;
  return method.toUpperCase() === entry[0] ? { name: entry[1] } : { allowed: entry[0] };
}

function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.has(scope)) throw gatewayError(401, 'Unauthorized; scope does not match');
}

function accessibleResources(sim: SimServices, principal: Principal): unknown[] {
  const scopes = [...principal.scopes].filter((s) => !isIdentityScope(s));
  const out: unknown[] = [];
  for (const site of sim.world.sites.values()) {
    if (!principal.cloudIds.has(site.cloudId)) continue;
    out.push({
      id: site.cloudId,
      name: site.name,
      url: site.url,
      scopes,
      avatarUrl: `${sim.urls.base}/site-avatars/240/${encodeURIComponent(site.name)}.png`,
    });
  }
  return out;
}

function me(sim: SimServices, principal: Principal): Record<string, unknown> {
  const account = sim.world.accounts.get(principal.accountId)!;
  const out: Record<string, unknown> = {
    account_type: account.accountType,
    account_id: account.accountId,
    email: account.loginEmail,
    email_verified: true,
    name: account.displayName,
    picture: `${sim.urls.base}/avatar/${encodeURIComponent(account.accountId)}?s=128`,
    account_status: account.active ? 'active' : 'inactive',
    nickname: account.displayName,
    zoneinfo: account.timeZone,
    locale: account.locale.replace('_', '-'),
    extended_profile: {},
  };
  if (account.profileUpdatedAt !== undefined) out.last_updated = new Date(account.profileUpdatedAt).toISOString();
  return out;
}

async function reportAccounts(req: Request, sim: SimServices, settings: AuthSettings): Promise<Response> {
  const bad = (message: string): SimHttpError => gatewayError(400, message);
  let body: unknown;
  try {
    body = JSON.parse(await req.text());
  } catch {
    throw bad('The request body is not valid JSON.');
  }
  const accounts = (body as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(accounts)) throw bad('The request body must be {"accounts": [{"accountId", "updatedAt"}]}.');
  if (accounts.length > REPORT_ACCOUNTS_MAX)
    throw bad(`At most ${REPORT_ACCOUNTS_MAX} accounts can be reported in one request; got ${accounts.length}.`);
  const headers = { 'cycle-period': String(settings.reportCyclePeriodSeconds) };
  const results: Array<{ accountId: string; status: 'closed' | 'updated' }> = [];
  for (const [i, entry] of accounts.entries()) {
    const { accountId, updatedAt } = (entry ?? {}) as { accountId?: unknown; updatedAt?: unknown };
    if (typeof accountId !== 'string' || accountId === '')
      throw bad(`accounts[${i}].accountId must be a non-empty string.`);
    const at = typeof updatedAt === 'string' && ISO_8601.test(updatedAt) ? Date.parse(updatedAt) : NaN;
    if (Number.isNaN(at)) throw bad(`accounts[${i}].updatedAt must be an ISO 8601 date-time.`);
    const account = sim.world.accounts.get(accountId);
    if (!account || !account.active) results.push({ accountId, status: 'closed' });
    else if (account.profileUpdatedAt !== undefined && account.profileUpdatedAt > at)
      results.push({ accountId, status: 'updated' });
  }
  if (results.length === 0) return new Response(null, { status: 204, headers });
  return jsonResponse(200, { accounts: results }, headers);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

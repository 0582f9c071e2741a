/**
 * Dynamic webhooks (POST/GET/DELETE /rest/api/3/webhook, PUT /rest/api/3/webhook/refresh) for
 * OAuth 2.0 apps.
 *
 * - Only apps may call these (403 otherwise: a service-account credential is not an app).
 * - Registrations belong to (site, app, registering account). An app has one URL: registering
 *   with a different URL than the app's live registrations on the site is a 400.
 * - Each entry of a registration request succeeds or fails on its own
 *   ({createdWebhookId} | {errors}): events must be supported, jqlFilter is required and must
 *   stay in the documented subset, and an app may hold at most 5 live webhooks per user per site
 *   (Atlassian's limit for OAuth 2.0 apps).
 * - A webhook expires 30 days after registration or its last refresh; expired webhooks stop
 *   delivering, disappear from the list and are removed; refresh and delete ignore ids that are
 *   unknown, expired or another app's (as documented).
 */
import { jiraError } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import type { RouteContext, RouteResult } from '../services.js';
import { webhookDeliveryOf } from '../webhooks/delivery.js';
import { checkJqlValues, JqlError, parseWebhookJql } from '../webhooks/jql.js';
import type { WebhookRegistration } from '../world/site.js';
import type { Site } from '../world/types.js';

export const WEBHOOK_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const MAX_WEBHOOKS_PER_APP_USER = 5;
const MAX_PAGE = 100;

export const WEBHOOK_EVENTS = new Set([
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
  'comment_created',
  'comment_updated',
  'comment_deleted',
  'issue_property_set',
  'issue_property_deleted',
  'sprint_created',
  'sprint_updated',
  'sprint_closed',
  'sprint_deleted',
  'sprint_started',
  'jira:version_released',
  'jira:version_unreleased',
  'jira:version_created',
  'jira:version_moved',
  'jira:version_updated',
  'jira:version_merged',
  'jira:version_deleted',
]);

/** Removes the site's expired registrations. */
export function purgeExpiredWebhooks(site: Site, now: number): void {
  for (const [id, reg] of site.data.webhooks) if (reg.expirationDate <= now) site.data.webhooks.delete(id);
}

function requireApp(ctx: RouteContext): string {
  if (!ctx.sim.world.apps.has(ctx.principal.clientId))
    throw jiraError(403, ['Only Connect and OAuth 2.0 apps can use this operation.']);
  purgeExpiredWebhooks(ctx.site, ctx.now);
  webhookDeliveryOf(ctx.sim).attach(ctx.site);
  return ctx.principal.clientId;
}

function appWebhooks(ctx: RouteContext, clientId: string): WebhookRegistration[] {
  return [...ctx.site.data.webhooks.values()].filter((w) => w.clientId === clientId);
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

async function register(ctx: RouteContext): Promise<RouteResult> {
  const clientId = requireApp(ctx);
  const body = await ctx.json<unknown>();
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw jiraError(400, ['The request body must be a JSON object.']);
  const { url, webhooks } = body as { url?: unknown; webhooks?: unknown };
  if (typeof url !== 'string' || url.trim() === '') throw jiraError(400, [], { url: 'The webhook URL is required.' });
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw jiraError(400, [], { url: 'The webhook URL is not a valid URL.' });
  }
  if (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:')
    throw jiraError(400, [], { url: 'The webhook URL must use HTTPS.' });
  if (!Array.isArray(webhooks) || webhooks.length === 0)
    throw jiraError(400, [], { webhooks: 'At least one webhook must be given.' });
  const existing = appWebhooks(ctx, clientId);
  const otherUrl = existing.find((w) => w.url !== url);
  if (otherUrl)
    throw jiraError(400, [
      `Only one URL can be registered per app. This app already has webhooks registered for ${otherUrl.url}.`,
    ]);

  let live = existing.filter((w) => w.accountId === ctx.principal.accountId).length;
  const results: Array<{ createdWebhookId: number } | { errors: string[] }> = [];
  for (const entry of webhooks as unknown[]) {
    const errors: string[] = [];
    const e = (entry ?? {}) as Record<string, unknown>;
    const events = stringList(e.events);
    if (!events || events.length === 0) errors.push('At least one event is required.');
    else for (const ev of events) if (!WEBHOOK_EVENTS.has(ev)) errors.push(`The event ${ev} is not supported.`);
    if (typeof e.jqlFilter !== 'string' || e.jqlFilter.trim() === '') {
      errors.push('The jqlFilter is required.');
    } else {
      try {
        checkJqlValues(ctx.site, parseWebhookJql(e.jqlFilter));
      } catch (err) {
        if (!(err instanceof JqlError)) throw err;
        errors.push(err.message);
      }
    }
    const fieldIdsFilter = e.fieldIdsFilter === undefined ? undefined : stringList(e.fieldIdsFilter);
    if (e.fieldIdsFilter !== undefined && !fieldIdsFilter) errors.push('fieldIdsFilter must be a list of field ids.');
    // System field ids are always accepted; custom fields must exist on the site.
    for (const f of fieldIdsFilter ?? [])
      if (/^customfield_\d+$/.test(f) && !ctx.site.data.fields.has(f)) errors.push(`The field ${f} does not exist.`);
    const keysFilter = e.issuePropertyKeysFilter === undefined ? undefined : stringList(e.issuePropertyKeysFilter);
    if (e.issuePropertyKeysFilter !== undefined && !keysFilter)
      errors.push('issuePropertyKeysFilter must be a list of property keys.');
    if (errors.length === 0 && live >= MAX_WEBHOOKS_PER_APP_USER)
      errors.push(`The limit of ${MAX_WEBHOOKS_PER_APP_USER} webhooks per app per user on this site has been reached.`);
    if (errors.length > 0) {
      results.push({ errors });
      continue;
    }
    ctx.site.data.ids.webhook += 1;
    const reg: WebhookRegistration = {
      id: ctx.site.data.ids.webhook,
      clientId,
      accountId: ctx.principal.accountId,
      url,
      events: [...events!],
      jqlFilter: e.jqlFilter as string,
      expirationDate: ctx.now + WEBHOOK_LIFETIME_MS,
    };
    if (fieldIdsFilter) reg.fieldIdsFilter = [...fieldIdsFilter];
    if (keysFilter) reg.issuePropertyKeysFilter = [...keysFilter];
    ctx.site.data.webhooks.set(reg.id, reg);
    live += 1;
    results.push({ createdWebhookId: reg.id });
  }
  return { body: { webhookRegistrationResult: results } };
}

function list(ctx: RouteContext): RouteResult {
  const clientId = requireApp(ctx);
  const raw = (name: string, fallback: number): number => {
    const v = ctx.query.get(name);
    if (v === null || v === '') return fallback;
    if (!/^\d+$/.test(v)) throw jiraError(400, [`The '${name}' parameter must be a non-negative number.`]);
    return Number(v);
  };
  const startAt = raw('startAt', 0);
  const maxResults = Math.min(raw('maxResults', 100) || 100, MAX_PAGE);
  const all = appWebhooks(ctx, clientId);
  const slice = all.slice(startAt, startAt + maxResults);
  const base = `${ctx.sim.urls.siteApi(ctx.site.cloudId)}/rest/api/3/webhook`;
  const isLast = startAt + slice.length >= all.length;
  const out: Record<string, unknown> = {
    self: `${base}?startAt=${startAt}&maxResults=${maxResults}`,
    maxResults,
    startAt,
    total: all.length,
    isLast,
    values: slice.map((w) => {
      const v: Record<string, unknown> = { id: w.id, jqlFilter: w.jqlFilter };
      if (w.fieldIdsFilter) v.fieldIdsFilter = [...w.fieldIdsFilter];
      if (w.issuePropertyKeysFilter) v.issuePropertyKeysFilter = [...w.issuePropertyKeysFilter];
      v.events = [...w.events];
      v.expirationDate = w.expirationDate;
      v.url = w.url;
      return v;
    }),
  };
  if (!isLast) out.nextPage = `${base}?startAt=${startAt + maxResults}&maxResults=${maxResults}`;
  return { body: out, objects: slice.length };
}

async function idsBody(ctx: RouteContext): Promise<number[]> {
  const body = await ctx.json<unknown>();
  const ids = body !== null && typeof body === 'object' ? (body as { webhookIds?: unknown }).webhookIds : undefined;
  if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'number' || !Number.isInteger(x)))
    throw jiraError(400, [], { webhookIds: 'The list of webhook ids is required.' });
  return ids as number[];
}

async function refresh(ctx: RouteContext): Promise<RouteResult> {
  const clientId = requireApp(ctx);
  const ids = await idsBody(ctx);
  const expirationDate = ctx.now + WEBHOOK_LIFETIME_MS;
  for (const id of ids) {
    const w = ctx.site.data.webhooks.get(id);
    if (w && w.clientId === clientId) w.expirationDate = expirationDate;
  }
  return { body: { expirationDate } };
}

async function remove(ctx: RouteContext): Promise<RouteResult> {
  const clientId = requireApp(ctx);
  const ids = await idsBody(ctx);
  for (const id of ids) {
    const w = ctx.site.data.webhooks.get(id);
    if (w && w.clientId === clientId) ctx.site.data.webhooks.delete(id);
  }
  return { status: 202 };
}

export function registerWebhookRoutes(table: RouteTable): void {
  table.post('/rest/api/3/webhook', { handler: register, write: true });
  table.get('/rest/api/3/webhook', list);
  table.put('/rest/api/3/webhook/refresh', { handler: refresh, write: true });
  table.delete('/rest/api/3/webhook', { handler: remove, write: true });
}

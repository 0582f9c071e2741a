/**
 * Delivery of dynamic webhooks. Listens to SiteEvents; for each event, finds the registrations it
 * matches and POSTs one v2-shaped payload per app to the app's URL, signed with the app's client
 * secret. Deliveries are queued and run asynchronously: they never block, slow down or fail the
 * API request (or generator step) that caused the event.
 *
 * A registration matches an event when
 *   - it has not expired (expirationDate > now) and lists the event;
 *   - its app still exists, and is shared (distributed) or the registration was made by the app's
 *     owner (Atlassian: "for non-public OAuth apps, webhooks are delivered only if there is a match
 *     between the app owner and the user who registered a dynamic webhook");
 *   - issue events: the registering account can browse the issue and the issue matches the
 *     jqlFilter; jira:issue_updated also needs a changed field in fieldIdsFilter when that is set;
 *     issue_property_* needs the key in issuePropertyKeysFilter when that is set;
 *   - sprint events: the registering account can see the sprint; version events: it can browse
 *     the version's project. (jqlFilter selects issues and does not apply to these.)
 *
 * Each delivery: POST with `Authorization: Bearer <JWT HS256>` (claims: see jwt.ts),
 * `X-Atlassian-Webhook-Identifier` (unique per delivery, the same on retries),
 * `X-Atlassian-Webhook-Flow: Primary`, and on retries `X-Atlassian-Webhook-Retry: <n>`.
 * A delivery fails on a connection error or an answer of 408, 409, 425, 429 or 5xx (Jira's
 * documented retry conditions) and is retried up to 5 times, waiting 1, 2, 4, 8 and 15 minutes on
 * the simulator clock (about 30 minutes in all, the window Atlassian announces). Any other answer
 * ends the delivery.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import { canViewSprint } from '../rest/agile-access.js';
import type { SimServices } from '../services.js';
import { onSiteEvent, type SiteEvent } from '../world/events.js';
import { canBrowseIssue, canBrowseProject } from '../world/queries.js';
import type { WebhookRegistration } from '../world/site.js';
import type { Site } from '../world/types.js';
import { matchesJql, parseWebhookJql, type JqlQuery } from './jql.js';
import { queryStringHash, signJwtHs256 } from './jwt.js';
import { buildPayload, changelogOf, webhookEventName } from './payload.js';

export type OutboundFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface WebhookDeliveryOptions {
  /** How deliveries reach the network (default: the global fetch). */
  outboundFetch?: OutboundFetch;
  /** Waits before each retry, in ms; its length is the retry limit. */
  retryDelaysMs?: number[];
  /** Deliveries in flight (including those waiting to retry) beyond which new ones are dropped. */
  maxPending?: number;
  /** Network timeout of one attempt (real time), ms. */
  attemptTimeoutMs?: number;
}

export const DEFAULT_RETRY_DELAYS_MS = [60_000, 120_000, 240_000, 480_000, 900_000];
const RETRY_STATUSES = new Set([408, 409, 425, 429]);
/** Lifetime of a delivery JWT (Connect's three minutes). */
export const JWT_LIFETIME_SECONDS = 180;

export interface DeliveryAttempt {
  identifier: string;
  cloudId: string;
  clientId: string;
  url: string;
  webhookEvent: string;
  webhookIds: number[];
  /** 0 for the first attempt, then the retry number. */
  attempt: number;
  at: number;
  status?: number;
  error?: string;
  outcome: 'delivered' | 'retrying' | 'failed' | 'dropped';
}

interface Delivery {
  identifier: string;
  site: Site;
  clientId: string;
  accountId: string;
  url: string;
  webhookEvent: string;
  webhookIds: number[];
  body: string;
}

export class WebhookDelivery {
  /** Every attempt, in order (tests and the control API read it). */
  readonly attempts: DeliveryAttempt[] = [];
  private readonly fetch: OutboundFetch;
  private readonly delays: number[];
  private readonly maxPending: number;
  private readonly timeoutMs: number;
  private readonly subscriptions = new Map<Site, () => void>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private readonly parsed = new Map<string, JqlQuery | null>();
  private createdChangelogs = 0;

  constructor(
    private readonly sim: SimServices,
    options: WebhookDeliveryOptions = {},
  ) {
    this.fetch = options.outboundFetch ?? ((url, init) => fetch(url, init));
    this.delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.maxPending = options.maxPending ?? 10_000;
    this.timeoutMs = options.attemptTimeoutMs ?? 10_000;
    for (const site of sim.world.sites.values()) if (site.data.webhooks.size > 0) this.attach(site);
  }

  private get clock(): Clock {
    return this.sim.clock;
  }

  /** Starts listening to a site's events (idempotent). */
  attach(site: Site): void {
    if (this.subscriptions.has(site)) return;
    this.subscriptions.set(
      site,
      onSiteEvent(site, (s, e) => this.onEvent(s, e)),
    );
  }

  /** Stops listening to every site. Deliveries already queued still run. */
  close(): void {
    for (const off of this.subscriptions.values()) off();
    this.subscriptions.clear();
  }

  /** Deliveries queued, running or waiting to retry. */
  get pending(): number {
    return this.inflight.size;
  }

  /** Resolves when no delivery is queued, running or waiting to retry. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Resolves once at least `count` attempts have been recorded. */
  waitForAttempts(count: number): Promise<void> {
    if (this.attempts.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  private log(a: DeliveryAttempt): void {
    this.attempts.push(a);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.attempts.length >= this.waiters[i]!.count) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  private query(reg: WebhookRegistration): JqlQuery | null {
    let q = this.parsed.get(reg.jqlFilter);
    if (q === undefined) {
      try {
        q = parseWebhookJql(reg.jqlFilter);
      } catch {
        q = null;
      }
      this.parsed.set(reg.jqlFilter, q);
    }
    return q;
  }

  private matches(site: Site, reg: WebhookRegistration, event: SiteEvent): boolean {
    switch (event.type) {
      case 'issue_created':
      case 'issue_updated':
      case 'issue_deleted':
      case 'comment_created':
      case 'comment_updated':
      case 'comment_deleted':
      case 'issue_property_set':
      case 'issue_property_deleted': {
        if (!canBrowseIssue(site, reg.accountId, event.issue)) return false;
        const q = this.query(reg);
        if (!q || !matchesJql({ site, accountId: reg.accountId }, q, event.issue)) return false;
        if (event.type === 'issue_updated' && reg.fieldIdsFilter?.length) {
          const items = changelogOf(event)?.items ?? [];
          if (!items.some((i) => reg.fieldIdsFilter!.includes(i.fieldId ?? i.field))) return false;
        }
        if (
          (event.type === 'issue_property_set' || event.type === 'issue_property_deleted') &&
          reg.issuePropertyKeysFilter?.length
        )
          return reg.issuePropertyKeysFilter.includes(event.propertyKey);
        return true;
      }
      case 'sprint_created':
      case 'sprint_updated':
      case 'sprint_started':
      case 'sprint_closed':
      case 'sprint_deleted':
        return canViewSprint(site, reg.accountId, event.sprint);
      case 'jira:version_created':
      case 'jira:version_updated':
      case 'jira:version_released':
      case 'jira:version_deleted': {
        const p = site.data.projects.get(event.version.projectId);
        return p !== undefined && canBrowseProject(site, reg.accountId, p);
      }
      default:
        return false;
    }
  }

  private onEvent(site: Site, event: SiteEvent): void {
    try {
      if (site.data.webhooks.size === 0) return;
      const name = webhookEventName(event);
      if (!name) return;
      const now = this.clock.now();
      const byApp = new Map<string, WebhookRegistration[]>();
      for (const reg of site.data.webhooks.values()) {
        if (reg.expirationDate <= now || !reg.events.includes(name)) continue;
        const app = this.sim.world.apps.get(reg.clientId);
        if (!app || (!app.distributed && reg.accountId !== app.ownerAccountId)) continue;
        if (!this.matches(site, reg, event)) continue;
        byApp.set(reg.clientId, [...(byApp.get(reg.clientId) ?? []), reg]);
      }
      for (const [clientId, regs] of byApp) {
        const first = regs[0]!;
        const payload = buildPayload(
          {
            sim: this.sim,
            site,
            viewerId: first.accountId,
            createdChangelogId: () => String(++this.createdChangelogs),
          },
          event,
          name,
        );
        payload.matchedWebhookIds = regs.map((r) => r.id);
        this.enqueue({
          identifier: randomUUID(),
          site,
          clientId,
          accountId: first.accountId,
          url: first.url,
          webhookEvent: name,
          webhookIds: regs.map((r) => r.id),
          body: JSON.stringify(payload),
        });
      }
    } catch {
      // A broken registration must never fail the change that triggered the event.
    }
  }

  private enqueue(d: Delivery): void {
    if (this.inflight.size >= this.maxPending) {
      this.log({ ...this.base(d), attempt: 0, at: this.clock.now(), outcome: 'dropped' });
      return;
    }
    const task: Promise<void> = Promise.resolve()
      .then(() => this.run(d))
      .catch(() => undefined)
      .finally(() => this.inflight.delete(task));
    this.inflight.add(task);
  }

  private base(d: Delivery): Omit<DeliveryAttempt, 'attempt' | 'at' | 'outcome'> {
    return {
      identifier: d.identifier,
      cloudId: d.site.cloudId,
      clientId: d.clientId,
      url: d.url,
      webhookEvent: d.webhookEvent,
      webhookIds: d.webhookIds,
    };
  }

  private async run(d: Delivery): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const at = this.clock.now();
      const app = this.sim.world.apps.get(d.clientId);
      if (!app) {
        this.log({ ...this.base(d), attempt, at, outcome: 'failed', error: 'app no longer exists' });
        return;
      }
      const iat = Math.floor(at / 1000);
      const jwt = signJwtHs256(
        {
          iss: d.site.cloudId,
          aud: d.clientId,
          sub: d.accountId,
          iat,
          exp: iat + JWT_LIFETIME_SECONDS,
          qsh: queryStringHash('POST', d.url),
        },
        app.clientSecret,
      );
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${jwt}`,
        'user-agent': 'Atlassian Webhook HTTP Client',
        'x-atlassian-webhook-identifier': d.identifier,
        'x-atlassian-webhook-flow': 'Primary',
      };
      if (attempt > 0) headers['x-atlassian-webhook-retry'] = String(attempt);
      let status: number | undefined;
      let error: string | undefined;
      try {
        const res = await this.fetch(d.url, {
          method: 'POST',
          headers,
          body: d.body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      if (status !== undefined && status >= 200 && status < 300) {
        this.log({ ...this.base(d), attempt, at, status, outcome: 'delivered' });
        return;
      }
      const retryable = status === undefined || RETRY_STATUSES.has(status) || status >= 500;
      const delay = this.delays[attempt];
      const record: DeliveryAttempt = { ...this.base(d), attempt, at, outcome: 'failed' };
      if (status !== undefined) record.status = status;
      if (error !== undefined) record.error = error;
      if (!retryable || delay === undefined) {
        this.log(record);
        return;
      }
      record.outcome = 'retrying';
      this.log(record);
      await this.clock.sleep(delay);
    }
  }
}

const installed = new WeakMap<SimServices, WebhookDelivery>();

/** Creates (or replaces) the webhook delivery of a simulator. */
export function installWebhookDelivery(sim: SimServices, options: WebhookDeliveryOptions = {}): WebhookDelivery {
  installed.get(sim)?.close();
  const d = new WebhookDelivery(sim, options);
  installed.set(sim, d);
  return d;
}

/** The simulator's webhook delivery, installed with defaults on first use. */
export function webhookDeliveryOf(sim: SimServices): WebhookDelivery {
  return installed.get(sim) ?? installWebhookDelivery(sim);
}

/**
 * The Tidemark server's HTTP application (SaaS and embedded). For now: connecting Jira sites
 * through the vendor's OAuth 2.0 (3LO) app, listing and disconnecting them.
 *
 *   GET  /                      connections page
 *   GET  /connect               starts a consent: redirects to Atlassian with a session-bound state
 *   GET  /oauth/callback        Atlassian's redirect: checks state and session, stores the grant
 *   POST /connections/{id}/disconnect   deletes the grant's tokens (CSRF-protected form)
 *   GET  /api/connections       JSON list of connections (no secrets)
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import {
  escapeHtmlText,
  isTidemarkError,
  safeEqual,
  sha256Hex,
  systemClock,
  silentLogger,
  type Clock,
  type Logger,
} from '../core/index.js';
import {
  TIDEMARK_SCOPES,
  accessibleResources,
  apiRequestInput,
  assertCompliantRequest,
  authorizationUrl,
  exchangeCode,
  newAuthorizationState,
  type OAuthAppConfig,
  type TokenVault,
} from '../jira/index.js';
import { SessionStore } from './sessions.js';

export interface ServerAppOptions {
  /** The vendor app (the SaaS holds its secret). redirectUri must be {publicUrl}/oauth/callback. */
  app: OAuthAppConfig;
  vault: TokenVault;
  clock?: Clock;
  fetch?: typeof fetch;
  logger?: Logger;
  scopes?: string[];
  /** How long a started consent stays valid. Default 30 minutes. */
  consentTtlMs?: number;
  secureCookies?: boolean;
}

export function createServerApp(options: ServerAppOptions): Hono {
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? fetch;
  const logger = options.logger ?? silentLogger;
  const sessions = new SessionStore(() => clock.now(), undefined, options.secureCookies ?? false);
  const consentTtl = options.consentTtlMs ?? 30 * 60_000;
  const app = new Hono();

  app.onError((e, c) => {
    logger.error('request failed', { error: e instanceof Error ? e.message : String(e) });
    if (c.req.path.startsWith('/api/') || (isTidemarkError(e) && e.kind === 'policy' && c.req.method !== 'GET')) {
      return isTidemarkError(e)
        ? c.json({ error: e.kind, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }, 400)
        : c.json({ error: 'internal', message: 'internal error' }, 500);
    }
    const message = isTidemarkError(e) ? e.message : 'internal error';
    const hint = isTidemarkError(e) && e.hint ? `<p>${escapeHtmlText(e.hint)}</p>` : '';
    return c.html(
      page('Something went wrong', `<p>${escapeHtmlText(message)}</p>${hint}`),
      isTidemarkError(e) ? 400 : 500,
    );
  });

  // Policy guard on every input: the vendor may hold its own app secret here, nothing else.
  app.use('*', async (c, next) => {
    assertCompliantRequest(await apiRequestInput(c.req), true);
    await next();
  });

  app.get('/', (c) => {
    const session = sessions.get(c);
    const flash = session.flash ? `<p class="flash">${escapeHtmlText(session.flash)}</p>` : '';
    delete session.flash;
    const rows = options.vault
      .list()
      .map(
        (g) =>
          `<tr><td>${g.sites.map((s) => escapeHtmlText(s.name)).join(', ')}</td><td>${escapeHtmlText(g.status)}</td><td>${g.scopes.length} scopes</td>` +
          `<td><form method="post" action="/connections/${encodeURIComponent(g.id)}/disconnect"><input type="hidden" name="csrf" value="${session.csrf}"><button>Disconnect</button></form></td></tr>`,
      )
      .join('');
    return c.html(
      page(
        'Jira connections',
        `${flash}<p><a href="/connect">Connect a Jira Cloud site</a> — you will approve Tidemark on Atlassian's consent page; Tidemark never asks for an API token.</p>` +
          `<table><thead><tr><th>Sites</th><th>Status</th><th>Scopes</th><th></th></tr></thead><tbody>${rows}</tbody></table>`,
      ),
    );
  });

  app.get('/connect', (c) => {
    const session = sessions.get(c);
    const { state } = newAuthorizationState();
    const now = clock.now();
    session.consents = session.consents.filter((p) => p.createdAt > now - consentTtl).slice(-4);
    session.consents.push({ stateHash: sha256Hex(state), createdAt: now });
    return c.redirect(authorizationUrl(options.app, options.scopes ?? Object.keys(TIDEMARK_SCOPES), state), 302);
  });

  app.get('/oauth/callback', async (c) => {
    const state = c.req.query('state') ?? '';
    const session = sessions.find(c);
    const now = clock.now();
    const pending = session?.consents.find(
      (p) => safeEqual(p.stateHash, sha256Hex(state)) && p.createdAt > now - consentTtl,
    );
    if (!state || !session || !pending) {
      logger.warn('consent callback refused: unknown state or session');
      return c.html(
        page(
          'Connection not verified',
          '<p>This consent response does not belong to a connection started from this browser session (missing, unknown or expired state). Nothing was stored.</p><p><a href="/connect">Start again</a></p>',
        ),
        400,
      );
    }
    session.consents = session.consents.filter((p) => p !== pending);
    const error = c.req.query('error');
    const code = c.req.query('code');
    if (error || !code) {
      session.flash = `Atlassian did not grant access (${error ?? 'no code'}). Nothing was stored.`;
      return c.redirect('/', 303);
    }
    const tokens = await exchangeCode(fetchFn, options.app, code);
    const sites = await accessibleResources(fetchFn, options.app.apiBaseUrl, tokens.accessToken);
    const id = `grant_${randomUUID()}`;
    await options.vault.put({
      id,
      kind: '3lo',
      clientId: options.app.clientId,
      scopes: tokens.scope.split(' ').filter(Boolean),
      sites: sites.map((s) => ({ cloudId: s.id, name: s.name, url: s.url })),
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
      accessToken: tokens.accessToken,
      accessExpiresAt: now + tokens.expiresIn * 1000,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    logger.info('site connected', { grantId: id, sites: sites.map((s) => s.id) });
    session.flash = `Connected ${sites.map((s) => s.name).join(', ') || 'no sites (the consent granted none)'}.`;
    return c.redirect('/', 303);
  });

  app.post('/connections/:id/disconnect', async (c) => {
    const session = sessions.find(c);
    const form = await c.req.parseBody();
    if (!session || typeof form.csrf !== 'string' || !safeEqual(form.csrf, session.csrf)) {
      return c.html(page('Refused', '<p>The form was not sent from this session.</p>'), 403);
    }
    const removed = await options.vault.delete(c.req.param('id'));
    session.flash = removed ? 'Disconnected; the tokens were deleted.' : 'No such connection.';
    return c.redirect('/', 303);
  });

  app.get('/api/connections', (c) =>
    c.json(
      options.vault.list().map((g) => ({
        id: g.id,
        sites: g.sites,
        scopes: g.scopes,
        status: g.status,
        createdAt: new Date(g.createdAt).toISOString(),
      })),
    ),
  );

  return app;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtmlText(title)} — Tidemark</title></head><body><h1>${escapeHtmlText(title)}</h1>${body}</body></html>`;
}

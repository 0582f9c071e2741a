/**
 * The vendor-hosted token broker for on-prem installations.
 *
 * It holds the vendor app's client secret and the grants' refresh tokens (sealed), and gives paired
 * installations short-lived access tokens — never a refresh token or the secret. Installations
 * prove themselves with Ed25519-signed, short-lived, single-use assertions. Every issued token is
 * logged (installation, sites, scopes, token fingerprint). Backup data never passes through here.
 *
 * HTTP surface (a fetch handler; `tidemark broker` serves it):
 *   POST /admin/pairing-codes            admin: issue a one-time pairing code
 *   GET  /admin/installations            admin: list installations
 *   POST /admin/installations/{id}/revoke admin: revoke an installation
 *   GET  /admin/audit                    admin: the audit log
 *   POST /v1/pair                        {code, name, publicKey} → {installationId}
 *   POST /v1/consent                     (assertion sub=consent) → {sessionId, authorizeUrl}
 *   POST /v1/consent/status              (assertion sub=consent-status, sessionId) → {status, grantId?, sites?}
 *   GET  /oauth/callback                 Atlassian redirects here after consent
 *   POST /v1/token                       (assertion sub=token, grantId) → {access_token, expires_in, scope, sites}
 *   GET  /v1/grants                      (assertion sub=grants) → the installation's grants
 *   POST /v1/disconnect                  (assertion sub=disconnect, grantId) → tokens deleted
 */
import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import {
  TidemarkError,
  escapeHtmlText,
  isTidemarkError,
  safeEqual,
  sha256Hex,
  systemClock,
  type Clock,
  type Logger,
  silentLogger,
} from '../core/index.js';
import {
  TIDEMARK_SCOPES,
  TokenVault,
  accessibleResources,
  apiRequestInput,
  assertCompliantRequest,
  authorizationUrl,
  exchangeCode,
  peekClaims,
  refreshRenewer,
  tokenFingerprint,
  verifyAssertion,
  type OAuthAppConfig,
  type VaultStorage,
} from '../jira/index.js';
import { BrokerStateStore, type AuditLog, type Installation } from './state.js';

export interface BrokerOptions {
  /** Public base URL of the broker (assertion audience; the OAuth callback is {publicUrl}/oauth/callback). */
  publicUrl: string;
  /** The vendor app. Its redirectUri must be {publicUrl}/oauth/callback. */
  app: OAuthAppConfig;
  /** Bearer token for /admin endpoints (compared in constant time). */
  adminToken: string;
  masterKey: Uint8Array;
  stateStorage: VaultStorage;
  vaultStorage: VaultStorage;
  audit: AuditLog;
  clock?: Clock;
  fetch?: typeof fetch;
  logger?: Logger;
  scopes?: string[];
  pairingCodeTtlMs?: number;
  consentTtlMs?: number;
}

export class TokenBroker {
  readonly app: Hono;
  private readonly opts: BrokerOptions;
  private readonly clock: Clock;
  private readonly fetchFn: typeof fetch;
  private readonly state: BrokerStateStore;
  private vault: TokenVault | undefined;
  private readonly seenJti = new Map<string, number>();
  private readonly logger: Logger;

  constructor(options: BrokerOptions) {
    this.opts = { ...options, publicUrl: options.publicUrl.replace(/\/+$/, '') };
    this.clock = options.clock ?? systemClock;
    this.fetchFn = options.fetch ?? fetch;
    this.logger = options.logger ?? silentLogger;
    this.state = new BrokerStateStore(options.stateStorage, options.masterKey);
    this.app = this.routes();
  }

  /** The fetch handler to serve. */
  fetch = (req: Request): Promise<Response> => Promise.resolve(this.app.fetch(req));

  private async grants(): Promise<TokenVault> {
    this.vault ??= await TokenVault.open({
      storage: this.opts.vaultStorage,
      masterKey: this.opts.masterKey,
      clock: this.clock,
      // Installations receive tokens with at least this long to live.
      refreshMarginMs: 5 * 60_000,
    });
    return this.vault;
  }

  private routes(): Hono {
    const app = new Hono();
    app.onError((e, c) => {
      if (isTidemarkError(e)) {
        const status =
          e.kind === 'auth'
            ? 401
            : e.kind === 'forbidden'
              ? 403
              : e.kind === 'not-found'
                ? 404
                : e.kind === 'needs-reconsent'
                  ? 409
                  : 400;
        return c.json({ error: e.kind, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }, status);
      }
      this.logger.error('broker request failed', { error: e instanceof Error ? e.message : String(e) });
      return c.json({ error: 'internal', message: 'internal error' }, 500);
    });

    // ---- admin ----
    // Policy guard on every API input: no API token, password, basic-auth or customer app secret.
    app.use('*', async (c, next) => {
      assertCompliantRequest(await apiRequestInput(c.req), true);
      await next();
    });
    app.use('/admin/*', async (c, next) => {
      const auth = c.req.header('authorization') ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!token || !safeEqual(sha256Hex(token), sha256Hex(this.opts.adminToken)))
        return c.json({ error: 'auth', message: 'admin token required' }, 401);
      await next();
    });
    app.post('/admin/pairing-codes', async (c) => {
      const code = `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
      const now = this.clock.now();
      const expiresAt = now + (this.opts.pairingCodeTtlMs ?? 15 * 60_000);
      await this.state.update((s) => {
        s.pairingCodes = s.pairingCodes.filter((p) => p.expiresAt > now && !p.usedAt);
        s.pairingCodes.push({ codeHash: sha256Hex(code), createdAt: now, expiresAt });
      });
      return c.json({ code, expiresAt: new Date(expiresAt).toISOString() }, 201);
    });
    app.get('/admin/installations', async (c) => {
      const s = await this.state.read();
      return c.json(
        s.installations.map((i) => ({
          id: i.id,
          name: i.name,
          createdAt: new Date(i.createdAt).toISOString(),
          revoked: i.revokedAt !== undefined,
        })),
      );
    });
    app.post('/admin/installations/:id/revoke', async (c) => {
      const id = c.req.param('id');
      const found = await this.state.update((s) => {
        const inst = s.installations.find((i) => i.id === id);
        if (inst && !inst.revokedAt) inst.revokedAt = this.clock.now();
        return inst !== undefined;
      });
      if (!found) return c.json({ error: 'not-found', message: `no installation ${id}` }, 404);
      const vault = await this.grants();
      for (const g of vault.list().filter((g) => g.owner === id)) await vault.delete(g.id);
      await this.audit({ event: 'revoked', installationId: id });
      return c.json({ revoked: id });
    });
    app.get('/admin/audit', async (c) => c.json(await this.opts.audit.read()));

    // ---- installations ----
    app.post('/v1/pair', async (c) => {
      const body = await jsonBody<{ code?: string; name?: string; publicKey?: string }>(c);
      if (!body.code || !body.publicKey || !body.name)
        throw new TidemarkError('validation', 'pairing needs code, name and publicKey');
      if (!isEd25519PublicKey(body.publicKey))
        throw new TidemarkError('validation', 'publicKey must be an Ed25519 public key (SPKI DER, base64)');
      const now = this.clock.now();
      const installation: Installation = {
        id: `inst_${randomUUID()}`,
        name: body.name.slice(0, 200),
        publicKey: body.publicKey,
        createdAt: now,
      };
      await this.state.update((s) => {
        const code = s.pairingCodes.find((p) => p.codeHash === sha256Hex(body.code!));
        if (!code || code.usedAt || code.expiresAt <= now)
          throw new TidemarkError(
            'auth',
            'the pairing code is unknown, used or expired; ask the broker admin for a new one',
          );
        code.usedAt = now;
        code.usedBy = installation.id;
        s.installations.push(installation);
      });
      await this.audit({ event: 'paired', installationId: installation.id });
      return c.json({ installationId: installation.id }, 201);
    });

    app.post('/v1/consent', async (c) => {
      const { installation } = await this.authenticate(c, 'consent');
      const state = randomBytes(24).toString('base64url');
      const now = this.clock.now();
      const session = {
        id: `cs_${randomUUID()}`,
        installationId: installation.id,
        stateHash: sha256Hex(state),
        createdAt: now,
        expiresAt: now + (this.opts.consentTtlMs ?? 30 * 60_000),
        status: 'pending' as const,
      };
      await this.state.update((s) => {
        s.consentSessions = s.consentSessions.filter((x) => x.expiresAt > now);
        s.consentSessions.push(session);
      });
      await this.audit({ event: 'consent-started', installationId: installation.id });
      const url = authorizationUrl(this.opts.app, this.opts.scopes ?? Object.keys(TIDEMARK_SCOPES), state);
      return c.json({ sessionId: session.id, authorizeUrl: url }, 201);
    });

    app.post('/v1/consent/status', async (c) => {
      const { installation, claims } = await this.authenticate(c, 'consent-status');
      const s = await this.state.read();
      const session = s.consentSessions.find((x) => x.id === claims.sessionId && x.installationId === installation.id);
      if (!session) return c.json({ error: 'not-found', message: 'no such consent session' }, 404);
      const grant = session.grantId ? (await this.grants()).get(session.grantId) : undefined;
      return c.json({
        status: session.status,
        ...(session.error ? { error: session.error } : {}),
        ...(grant ? { grantId: grant.id, sites: grant.sites, scopes: grant.scopes } : {}),
      });
    });

    app.get('/oauth/callback', async (c) => {
      const state = c.req.query('state') ?? '';
      const now = this.clock.now();
      const s = await this.state.read();
      const session = s.consentSessions.find(
        (x) => x.stateHash === sha256Hex(state) && x.status === 'pending' && x.expiresAt > now,
      );
      if (!state || !session)
        return c.html(
          page(
            'Connection failed',
            'This consent link is unknown or has expired. Start again from your Tidemark installation.',
          ),
          400,
        );
      const inst = s.installations.find((i) => i.id === session.installationId);
      const error = c.req.query('error');
      const code = c.req.query('code');
      if (error || !code || !inst || inst.revokedAt) {
        const why = error ?? (!code ? 'no authorization code' : 'installation revoked');
        await this.finishSession(session.id, { status: 'failed', error: why });
        await this.audit({ event: 'consent-failed', installationId: session.installationId, reason: why });
        return c.html(
          page('Connection not made', `Atlassian reported: ${escapeHtmlText(why)}. You can close this window.`),
          400,
        );
      }
      let tokens: Awaited<ReturnType<typeof exchangeCode>>;
      let sites: Awaited<ReturnType<typeof accessibleResources>>;
      try {
        tokens = await exchangeCode(this.fetchFn, this.opts.app, code);
        sites = await accessibleResources(this.fetchFn, this.opts.app.apiBaseUrl, tokens.accessToken);
      } catch (e) {
        const why = isTidemarkError(e) ? e.message : 'the authorization code could not be exchanged';
        await this.finishSession(session.id, { status: 'failed', error: why });
        await this.audit({ event: 'consent-failed', installationId: inst.id, reason: why });
        return c.html(page('Connection not made', `${escapeHtmlText(why)}. Start again from your installation.`), 502);
      }
      const grantId = `grant_${randomUUID()}`;
      await (
        await this.grants()
      ).put({
        id: grantId,
        kind: '3lo',
        clientId: this.opts.app.clientId,
        owner: inst.id,
        scopes: tokens.scope.split(' ').filter(Boolean),
        sites: sites.map((r) => ({ cloudId: r.id, name: r.name, url: r.url })),
        refreshToken: tokens.refreshToken,
        accessToken: tokens.accessToken,
        accessExpiresAt: now + tokens.expiresIn * 1000,
        status: 'active',
        createdAt: now,
        updatedAt: now,
      });
      await this.finishSession(session.id, { status: 'connected', grantId });
      await this.audit({
        event: 'consent-completed',
        installationId: inst.id,
        grantId,
        cloudIds: sites.map((r) => r.id),
      });
      return c.html(
        page(
          'Connected',
          `Tidemark can now back up ${sites.map((r) => escapeHtmlText(r.name)).join(', ')}. You can close this window.`,
        ),
      );
    });

    app.post('/v1/token', async (c) => {
      const { installation, claims } = await this.authenticate(c, 'token');
      const vault = await this.grants();
      const grant = vault.get(String(claims.grantId ?? ''));
      if (!grant || grant.owner !== installation.id) {
        await this.audit({ event: 'refused', installationId: installation.id, reason: 'unknown grant' });
        return c.json({ error: 'not-found', message: 'no such grant for this installation' }, 404);
      }
      const renew = refreshRenewer(this.fetchFn, this.opts.app);
      let accessToken = await vault.accessToken(grant.id, renew);
      // The installation says Jira refused the token it had (by fingerprint): renew instead of
      // handing the same token out again.
      if (typeof claims.refused === 'string' && claims.refused === tokenFingerprint(accessToken)) {
        vault.invalidateAccessToken(grant.id, accessToken);
        accessToken = await vault.accessToken(grant.id, renew);
      }
      const expiresAt = vault.get(grant.id)?.accessExpiresAt ?? this.clock.now();
      const expiresIn = Math.max(0, Math.floor((expiresAt - this.clock.now()) / 1000));
      await this.audit({
        event: 'token-issued',
        installationId: installation.id,
        grantId: grant.id,
        cloudIds: grant.sites.map((x) => x.cloudId),
        scopes: grant.scopes,
        tokenFingerprint: tokenFingerprint(accessToken),
      });
      return c.json({
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: expiresIn,
        scope: grant.scopes.join(' '),
        sites: grant.sites,
      });
    });

    app.get('/v1/grants', async (c) => {
      const { installation } = await this.authenticate(c, 'grants');
      const list = (await this.grants()).list().filter((g) => g.owner === installation.id);
      return c.json(list.map((g) => ({ grantId: g.id, sites: g.sites, scopes: g.scopes, status: g.status })));
    });

    app.post('/v1/disconnect', async (c) => {
      const { installation, claims } = await this.authenticate(c, 'disconnect');
      const vault = await this.grants();
      const grant = vault.get(String(claims.grantId ?? ''));
      if (!grant || grant.owner !== installation.id)
        return c.json({ error: 'not-found', message: 'no such grant for this installation' }, 404);
      await vault.delete(grant.id);
      await this.audit({ event: 'disconnected', installationId: installation.id, grantId: grant.id });
      return c.json({ disconnected: grant.id });
    });
    return app;
  }

  private async finishSession(
    id: string,
    result: { status: 'connected' | 'failed'; grantId?: string; error?: string },
  ): Promise<void> {
    await this.state.update((s) => {
      const session = s.consentSessions.find((x) => x.id === id);
      if (session) Object.assign(session, result);
    });
  }

  /** Verifies the installation's assertion: signature, audience, purpose, lifetime, single use, not revoked. */
  private async authenticate(
    c: Context,
    purpose: string,
  ): Promise<{ installation: Installation; claims: Record<string, unknown> }> {
    const auth = c.req.header('authorization') ?? '';
    const assertion = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!assertion) throw new TidemarkError('auth', 'an installation assertion is required');
    const unverified = peekClaims(assertion);
    const s = await this.state.read();
    const installation = s.installations.find((i) => i.id === unverified.iss);
    if (!installation) throw new TidemarkError('auth', 'unknown installation');
    const now = this.clock.now();
    // Signature first: only the installation itself learns that it was revoked.
    const claims = verifyAssertion(assertion, installation.publicKey, {
      aud: this.opts.publicUrl,
      sub: purpose,
      nowMs: now,
    });
    if (installation.revokedAt) {
      await this.audit({ event: 'refused', installationId: installation.id, reason: 'revoked' });
      throw new TidemarkError('forbidden', 'this installation was revoked at the broker; pair it again to continue', {
        hint: "Ask the vendor's broker admin for a new pairing code and run `tidemark connect --broker URL --pairing-code CODE`.",
      });
    }
    for (const [jti, exp] of this.seenJti) if (exp * 1000 < now - 60_000) this.seenJti.delete(jti);
    if (this.seenJti.has(claims.jti)) {
      await this.audit({ event: 'refused', installationId: installation.id, reason: 'replayed assertion' });
      throw new TidemarkError('auth', 'installation assertion refused: already used');
    }
    this.seenJti.set(claims.jti, claims.exp);
    return { installation, claims };
  }

  private async audit(entry: Omit<Parameters<AuditLog['append']>[0], 'at'>): Promise<void> {
    await this.opts.audit.append({ at: new Date(this.clock.now()).toISOString(), ...entry });
  }
}

function isEd25519PublicKey(der: string): boolean {
  try {
    return (
      createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType === 'ed25519'
    );
  } catch {
    return false;
  }
}

async function jsonBody<T>(c: Context): Promise<T> {
  try {
    return (await c.req.json()) as T;
  } catch {
    throw new TidemarkError('validation', 'the request body must be JSON');
  }
}

function page(title: string, text: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtmlText(title)} — Tidemark</title></head><body><h1>${escapeHtmlText(title)}</h1><p>${text}</p></body></html>`;
}

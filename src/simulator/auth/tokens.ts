/**
 * Grants and tokens of the simulated authorization server: authorization codes, rotating
 * refresh-token families, access tokens, client credentials, and the resolution of a bearer token
 * to a Principal. HTTP parsing lives in token-endpoint.ts and authorize.ts; this file is the model.
 *
 * Model (docs/design.md §5.7):
 * - One Grant per (app, account). Each consent adds the chosen sites to it. Every token of the
 *   grant reaches the grant's current sites.
 * - Each code exchange starts a refresh-token family with the scopes of that consent. Refreshing
 *   rotates: the presented token is marked used and a new one is issued. A used token may be
 *   presented again within the reuse leeway (each time yielding a fresh token; tokens issued and
 *   never used stay valid until their inactivity expiry). Presenting it after the leeway revokes the
 *   whole family.
 * - Only hashes of codes and tokens are stored.
 */
import type { Principal, SimServices } from '../services.js';
import { gatewayError, oauthError, type SimHttpError } from '../http/errors.js';
import type { Account, OAuthApp } from '../world/types.js';
import { clientSecretMatches, newSecret, secretHash } from './secrets.js';
import type { AuthSettings } from './settings.js';
import { randomId } from '../../core/index.js';

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
  refresh_token?: string;
}

export interface Grant {
  id: string;
  clientId: string;
  accountId: string;
  /** Scopes of the latest consent. */
  scopes: string[];
  /** Sites the user chose at consent (resource-level grant); later consents add to them. */
  cloudIds: Set<string>;
  createdAt: number;
  updatedAt: number;
}

interface Family {
  id: string;
  grantId: string;
  clientId: string;
  accountId: string;
  scopes: string[];
  /** offline_access was granted: the family has refresh tokens. */
  offline: boolean;
  createdAt: number;
  revoked?: { at: number; reason: string; accessTokens: boolean };
}

interface RefreshRecord {
  familyId: string;
  issuedAt: number;
  /** When it was first exchanged (rotated away). */
  usedAt?: number;
}

interface CodeRecord {
  clientId: string;
  accountId: string;
  grantId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  usedAt?: number;
  familyId?: string;
}

interface AccessRecord {
  id: string;
  kind: Principal['kind'];
  clientId: string;
  accountId: string;
  scopes: string[];
  expiresAt: number;
  /** 3LO tokens: their family and grant (sites come from the grant). */
  familyId?: string;
  grantId?: string;
  /** Service-account tokens: the credential's sites. */
  cloudIds?: ReadonlySet<string>;
}

const INVALID_REFRESH = 'Unknown or invalid refresh token.';
const INVALID_CODE = 'Invalid authorization code';

const invalidGrant = (description: string): SimHttpError => oauthError(403, 'invalid_grant', description);
const invalidClient = (): SimHttpError => oauthError(401, 'invalid_client', 'Failed to authenticate the client.');
const invalidRequest = (description: string): SimHttpError => oauthError(400, 'invalid_request', description);

export class TokenAuthority {
  private readonly grants = new Map<string, Grant>();
  private readonly families = new Map<string, Family>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly accessTokens = new Map<string, AccessRecord>();
  private issuedSinceSweep = 0;

  constructor(
    private readonly sim: SimServices,
    private readonly settings: () => AuthSettings,
  ) {}

  private now(): number {
    return this.sim.clock.now();
  }

  // ---- grants ------------------------------------------------------------------------------

  grantOf(clientId: string, accountId: string): Grant | undefined {
    return this.grants.get(grantKey(clientId, accountId));
  }

  /** Records a consent: creates the (app, account) grant or adds the chosen sites to it. */
  consent(app: OAuthApp, accountId: string, scopes: string[], cloudIds: Iterable<string>): Grant {
    const now = this.now();
    const key = grantKey(app.clientId, accountId);
    let grant = this.grants.get(key);
    if (!grant) {
      grant = {
        id: randomId('grant'),
        clientId: app.clientId,
        accountId,
        scopes: [],
        cloudIds: new Set(),
        createdAt: now,
        updatedAt: now,
      };
      this.grants.set(key, grant);
    }
    grant.scopes = [...scopes];
    for (const id of cloudIds) grant.cloudIds.add(id);
    grant.updatedAt = now;
    return grant;
  }

  /**
   * Revokes a grant and everything issued under it (what an uninstall, or an account's password
   * change, does to an app's access). Returns false when there was no grant.
   */
  revokeGrant(clientId: string, accountId: string, reason = 'grant revoked'): boolean {
    const key = grantKey(clientId, accountId);
    const grant = this.grants.get(key);
    if (!grant) return false;
    for (const family of this.families.values()) {
      if (family.grantId === grant.id) this.revokeFamily(family, reason, true);
    }
    this.grants.delete(key);
    return true;
  }

  // ---- authorization codes ------------------------------------------------------------------

  /** Issues a single-use authorization code for an approved consent. */
  issueCode(grant: Grant, redirectUri: string, scopes: string[]): string {
    const code = newSecret('code');
    this.codes.set(secretHash(code), {
      clientId: grant.clientId,
      accountId: grant.accountId,
      grantId: grant.id,
      redirectUri,
      scopes: [...scopes],
      expiresAt: this.now() + this.settings().authorizationCodeTtlSeconds * 1000,
    });
    return code;
  }

  exchangeCode(input: { clientId: string; clientSecret: string; code: string; redirectUri: string }): TokenResponse {
    const app = this.authenticateApp(input.clientId, input.clientSecret);
    if (!input.code) throw invalidRequest('code is required');
    if (!input.redirectUri) throw invalidRequest('redirect_uri is required');
    const hash = secretHash(input.code);
    const record = this.codes.get(hash);
    const now = this.now();
    if (!record || record.clientId !== app.clientId) throw invalidGrant(INVALID_CODE);
    if (record.usedAt !== undefined) {
      // RFC 6749 §4.1.2: a replayed code revokes what it was exchanged for.
      const family = record.familyId ? this.families.get(record.familyId) : undefined;
      if (family) this.revokeFamily(family, 'authorization code replayed', true);
      throw invalidGrant(INVALID_CODE);
    }
    if (now >= record.expiresAt) {
      this.codes.delete(hash);
      throw invalidGrant(INVALID_CODE);
    }
    if (record.redirectUri !== input.redirectUri)
      throw invalidGrant('redirect_uri does not match the authorization request');
    const grant = this.grants.get(grantKey(record.clientId, record.accountId));
    if (!grant || grant.id !== record.grantId || !this.accountActive(record.accountId))
      throw invalidGrant(INVALID_CODE);
    record.usedAt = now;
    const family = this.newFamily(grant, record.scopes);
    record.familyId = family.id;
    return this.issueFromFamily(family);
  }

  // ---- refresh tokens -----------------------------------------------------------------------

  refresh(input: { clientId: string; clientSecret: string; refreshToken: string }): TokenResponse {
    const app = this.authenticateApp(input.clientId, input.clientSecret);
    if (!input.refreshToken) throw invalidRequest('refresh_token is required');
    const record = this.refreshTokens.get(secretHash(input.refreshToken));
    if (!record) throw invalidGrant(INVALID_REFRESH);
    const family = this.families.get(record.familyId);
    if (!family || family.revoked || family.clientId !== app.clientId) throw invalidGrant(INVALID_REFRESH);
    const grant = this.grants.get(grantKey(family.clientId, family.accountId));
    if (!grant || grant.id !== family.grantId || !this.accountActive(family.accountId))
      throw invalidGrant(INVALID_REFRESH);
    const s = this.settings();
    const now = this.now();
    if (
      s.refreshTokenAbsoluteLifetimeSeconds !== null &&
      now >= family.createdAt + s.refreshTokenAbsoluteLifetimeSeconds * 1000
    )
      throw invalidGrant(INVALID_REFRESH);
    if (record.usedAt === undefined) {
      if (now >= record.issuedAt + s.refreshTokenInactivitySeconds * 1000) throw invalidGrant(INVALID_REFRESH);
      record.usedAt = now;
    } else if (now > record.usedAt + s.refreshReuseLeewaySeconds * 1000) {
      // Breach detection: a rotated-away token came back after the reuse interval.
      this.revokeFamily(family, 'refresh token reused after the leeway', s.revokeAccessTokensWithFamily);
      throw invalidGrant(INVALID_REFRESH);
    }
    return this.issueFromFamily(family);
  }

  // ---- client credentials -------------------------------------------------------------------

  clientCredentials(input: { clientId: string; clientSecret: string; scope?: string[] }): TokenResponse {
    const cred = this.sim.world.serviceAccounts.get(input.clientId);
    if (!cred) {
      if (this.sim.world.apps.has(input.clientId) && this.appSecretMatches(input.clientId, input.clientSecret))
        throw oauthError(
          400,
          'unauthorized_client',
          'The client is not authorized to use the client_credentials grant.',
        );
      throw invalidClient();
    }
    if (!clientSecretMatches(input.clientSecret, cred.clientSecret)) throw invalidClient();
    if (!this.accountActive(cred.accountId)) throw invalidClient();
    let scopes = [...cred.scopes];
    if (input.scope && input.scope.length > 0) {
      const extra = input.scope.filter((s) => !cred.scopes.includes(s));
      if (extra.length > 0)
        throw oauthError(400, 'invalid_scope', `The credential is not configured for: ${extra.join(' ')}`);
      scopes = input.scope;
    }
    const ttl = this.settings().serviceAccountTokenTtlSeconds;
    const token = newSecret('service-access');
    this.storeAccess(token, {
      id: randomId('tok'),
      kind: 'service-account',
      clientId: cred.clientId,
      accountId: cred.accountId,
      scopes,
      expiresAt: this.now() + ttl * 1000,
      cloudIds: new Set(cred.cloudIds),
    });
    return { access_token: token, expires_in: ttl, token_type: 'Bearer', scope: scopes.join(' ') };
  }

  // ---- direct issuance (tests) --------------------------------------------------------------

  /** Consent and code exchange in one step, for in-process tests that do not need the consent page. */
  issueDirect(app: OAuthApp, account: Account, scopes: string[], cloudIds: string[]): TokenResponse {
    const grant = this.consent(app, account.accountId, scopes, cloudIds);
    return this.issueFromFamily(this.newFamily(grant, scopes));
  }

  // ---- bearer tokens ------------------------------------------------------------------------

  /** Resolves an Authorization header; throws the gateway's 401 when it does not hold a usable token. */
  authenticate(authorization: string | null): Principal {
    const unauthorized = (): SimHttpError => gatewayError(401, 'Unauthorized');
    const match = authorization ? /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization) : null;
    if (!match) throw unauthorized();
    const record = this.accessTokens.get(secretHash(match[1]!));
    if (!record || this.now() >= record.expiresAt) throw unauthorized();
    if (!this.accountActive(record.accountId)) throw unauthorized();
    let cloudIds: ReadonlySet<string>;
    if (record.kind === 'user') {
      const family = this.families.get(record.familyId!);
      if (!family || family.revoked?.accessTokens) throw unauthorized();
      const grant = this.grants.get(grantKey(record.clientId, record.accountId));
      if (!grant || grant.id !== record.grantId) throw unauthorized();
      cloudIds = grant.cloudIds;
    } else {
      if (!this.sim.world.serviceAccounts.has(record.clientId)) throw unauthorized();
      cloudIds = record.cloudIds!;
    }
    return {
      kind: record.kind,
      accountId: record.accountId,
      clientId: record.clientId,
      scopes: new Set(record.scopes),
      cloudIds,
      tokenId: record.id,
    };
  }

  /** Counts for tests and the control API (never the tokens). */
  stats(): { grants: number; families: number; revokedFamilies: number; accessTokens: number; refreshTokens: number } {
    return {
      grants: this.grants.size,
      families: this.families.size,
      revokedFamilies: [...this.families.values()].filter((f) => f.revoked).length,
      accessTokens: this.accessTokens.size,
      refreshTokens: this.refreshTokens.size,
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  private authenticateApp(clientId: string, clientSecret: string): OAuthApp {
    if (!clientId || !clientSecret) throw invalidClient();
    const app = this.sim.world.apps.get(clientId);
    if (!app) {
      const cred = this.sim.world.serviceAccounts.get(clientId);
      if (cred && clientSecretMatches(clientSecret, cred.clientSecret))
        throw oauthError(400, 'unauthorized_client', 'The client is not authorized to use this grant type.');
      throw invalidClient();
    }
    if (!clientSecretMatches(clientSecret, app.clientSecret)) throw invalidClient();
    return app;
  }

  private appSecretMatches(clientId: string, secret: string): boolean {
    const app = this.sim.world.apps.get(clientId);
    return app !== undefined && clientSecretMatches(secret, app.clientSecret);
  }

  private accountActive(accountId: string): boolean {
    return this.sim.world.accounts.get(accountId)?.active === true;
  }

  private newFamily(grant: Grant, scopes: string[]): Family {
    const family: Family = {
      id: randomId('fam'),
      grantId: grant.id,
      clientId: grant.clientId,
      accountId: grant.accountId,
      scopes: [...scopes],
      offline: scopes.includes('offline_access'),
      createdAt: this.now(),
    };
    this.families.set(family.id, family);
    return family;
  }

  private revokeFamily(family: Family, reason: string, accessTokens: boolean): void {
    if (family.revoked) {
      family.revoked.accessTokens ||= accessTokens;
      return;
    }
    family.revoked = { at: this.now(), reason, accessTokens };
    for (const [hash, record] of this.refreshTokens) if (record.familyId === family.id) this.refreshTokens.delete(hash);
  }

  private issueFromFamily(family: Family): TokenResponse {
    const ttl = this.settings().accessTokenTtlSeconds;
    const now = this.now();
    const access = newSecret('access');
    this.storeAccess(access, {
      id: randomId('tok'),
      kind: 'user',
      clientId: family.clientId,
      accountId: family.accountId,
      scopes: family.scopes,
      expiresAt: now + ttl * 1000,
      familyId: family.id,
      grantId: family.grantId,
    });
    const out: TokenResponse = {
      access_token: access,
      expires_in: ttl,
      token_type: 'Bearer',
      scope: family.scopes.join(' '),
    };
    if (family.offline) {
      const refresh = newSecret('refresh');
      this.refreshTokens.set(secretHash(refresh), { familyId: family.id, issuedAt: now });
      out.refresh_token = refresh;
    }
    return out;
  }

  private storeAccess(token: string, record: AccessRecord): void {
    this.accessTokens.set(secretHash(token), record);
    if (++this.issuedSinceSweep >= 1000) this.sweep();
  }

  /** Drops expired access tokens and codes so long benchmarks do not grow without bound. */
  private sweep(): void {
    this.issuedSinceSweep = 0;
    const now = this.now();
    for (const [hash, record] of this.accessTokens) if (now >= record.expiresAt) this.accessTokens.delete(hash);
    for (const [hash, record] of this.codes) if (now >= record.expiresAt) this.codes.delete(hash);
    const inactivity = this.settings().refreshTokenInactivitySeconds * 1000;
    for (const [hash, record] of this.refreshTokens)
      if (now >= record.issuedAt + inactivity && now >= (record.usedAt ?? 0) + inactivity)
        this.refreshTokens.delete(hash);
  }
}

function grantKey(clientId: string, accountId: string): string {
  return `${clientId}\u0000${accountId}`;
}

/**
 * TokenVault: OAuth grants stored encrypted at rest.
 *
 * - The vault file is one sealed envelope (AES-256-GCM, key from HKDF over the master key); no
 *   token, secret or account id is ever on disk in clear.
 * - Refresh is single-flight per grant within a process, and serialised across processes by a
 *   lock file; the vault is re-read under the lock, so a token another process already rotated is
 *   used instead of rotating again.
 * - A rotated refresh token is persisted (atomically) BEFORE the new access token is handed out.
 *   If the process dies between Atlassian's answer and the write, the vault still holds the
 *   previous refresh token, which Atlassian accepts again within its 10-minute reuse leeway.
 * - `invalid_grant` marks the grant "needs re-consent"; every later use fails at once with a
 *   message that says what to do, without calling Atlassian again.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { TidemarkError, registerSecret, systemClock, type Clock } from '../../core/index.js';
import { JiraError } from '../errors.js';
import type { TokenProvider } from '../hooks.js';
import { open, seal, type SealedEnvelope } from './crypto.js';
import { clientCredentials, refreshTokens, type OAuthAppConfig, type TokenResponse } from './oauth.js';

const PURPOSE = 'token vault';

export interface GrantSite {
  cloudId: string;
  name: string;
  url: string;
}

export interface StoredGrant {
  id: string;
  /**
   * '3lo': a consent to the vendor app, refreshed here (SaaS, embedded, and the broker's own vault);
   * 'service-account': a customer-owned client-credentials credential;
   * 'broker': a consent held by the vendor broker — no token or secret here, only the broker's grant id.
   */
  kind: '3lo' | 'service-account' | 'broker';
  clientId: string;
  /** The consenting (or service) account, when known. */
  accountId?: string;
  /** The broker's installation that owns the grant (broker vaults only). */
  owner?: string;
  /** Where the grant's tokens come from (service accounts and broker connections remember it). */
  endpoints?: { authBaseUrl?: string; apiBaseUrl?: string; brokerUrl?: string };
  scopes: string[];
  sites: GrantSite[];
  refreshToken?: string;
  /** Service accounts only: the customer-owned client-credentials secret. */
  clientSecret?: string;
  accessToken?: string;
  accessExpiresAt?: number;
  status: 'active' | 'needs-reconsent';
  statusReason?: string;
  createdAt: number;
  updatedAt: number;
}

interface VaultContent {
  version: 1;
  grants: StoredGrant[];
}

/** Where the sealed vault lives. File-based here; the scale-out control DB can implement the same. */
export interface VaultStorage {
  load(): Promise<Uint8Array | undefined>;
  save(bytes: Uint8Array): Promise<void>;
  /** Runs `fn` holding an exclusive lock shared by every process using this storage. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export class FileVaultStorage implements VaultStorage {
  constructor(
    readonly file: string,
    private readonly clock: Clock = systemClock,
    private readonly staleLockMs = 60_000,
  ) {}

  async load(): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async save(bytes: Uint8Array): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    const fh = await openFile(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
    const dir = await openFile(path.dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const lock = `${this.file}.lock`;
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    for (let attempt = 0; ; attempt++) {
      try {
        const fh = await openFile(lock, 'wx', 0o600);
        await fh.writeFile(JSON.stringify({ at: this.clock.now() }));
        await fh.close();
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > this.staleLockMs) {
          await rm(lock, { force: true });
          continue;
        }
        if (attempt > 600)
          throw new TidemarkError('locked', `the token vault ${this.file} stays locked by another process`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }
}

/** Keeps the sealed vault in memory (tests, ephemeral runs). */
export class MemoryVaultStorage implements VaultStorage {
  bytes: Uint8Array | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  async load(): Promise<Uint8Array | undefined> {
    return this.bytes;
  }
  async save(bytes: Uint8Array): Promise<void> {
    this.bytes = bytes;
  }
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** Renews an access token for a grant: refresh_token for 3LO, client_credentials for service accounts. */
export type Renewer = (grant: StoredGrant) => Promise<TokenResponse>;

export interface TokenVaultOptions {
  storage: VaultStorage;
  masterKey: Uint8Array;
  clock?: Clock;
  /** Refresh this long before expiry. Default 60 s. */
  refreshMarginMs?: number;
}

export class TokenVault {
  private readonly storage: VaultStorage;
  private readonly masterKey: Uint8Array;
  private readonly clock: Clock;
  private readonly margin: number;
  private readonly inflight = new Map<string, Promise<string>>();
  /** Access tokens Jira refused (by grant), so a reload from storage cannot bring them back. */
  private readonly refused = new Map<string, Set<string>>();
  private content: VaultContent = { version: 1, grants: [] };

  private constructor(options: TokenVaultOptions) {
    this.storage = options.storage;
    this.masterKey = options.masterKey;
    this.clock = options.clock ?? systemClock;
    this.margin = options.refreshMarginMs ?? 60_000;
  }

  static async open(options: TokenVaultOptions): Promise<TokenVault> {
    const vault = new TokenVault(options);
    await vault.reload();
    return vault;
  }

  private async reload(): Promise<void> {
    const bytes = await this.storage.load();
    if (!bytes) {
      this.content = { version: 1, grants: [] };
      return;
    }
    let envelope: SealedEnvelope;
    try {
      envelope = JSON.parse(Buffer.from(bytes).toString('utf8')) as SealedEnvelope;
    } catch {
      throw new TidemarkError('corrupt', 'the token vault file is not a sealed envelope (damaged or not a vault)');
    }
    const content = JSON.parse(open(this.masterKey, envelope, PURPOSE).toString('utf8')) as VaultContent;
    for (const g of content.grants) {
      registerSecret(g.refreshToken);
      registerSecret(g.accessToken);
      registerSecret(g.clientSecret);
    }
    this.content = content;
  }

  private async persist(content: VaultContent = this.content): Promise<void> {
    const sealed = seal(this.masterKey, Buffer.from(JSON.stringify(content)), PURPOSE);
    await this.storage.save(Buffer.from(JSON.stringify(sealed)));
  }

  /** Persists `grant` in place of its stored version, and only then adopts it in memory. */
  private async commit(grant: StoredGrant): Promise<void> {
    const content: VaultContent = {
      ...this.content,
      grants: this.content.grants.map((x) => (x.id === grant.id ? grant : x)),
    };
    await this.persist(content);
    this.content = content;
  }

  /** Grants without their secrets (for listings and status pages). */
  list(): Array<Omit<StoredGrant, 'refreshToken' | 'accessToken' | 'clientSecret'>> {
    return this.content.grants.map(({ refreshToken: _r, accessToken: _a, clientSecret: _s, ...rest }) => ({ ...rest }));
  }

  get(id: string): Omit<StoredGrant, 'refreshToken' | 'accessToken' | 'clientSecret'> | undefined {
    return this.list().find((g) => g.id === id);
  }

  /** Adds or replaces a grant (after consent). */
  async put(grant: StoredGrant): Promise<void> {
    registerSecret(grant.refreshToken);
    registerSecret(grant.accessToken);
    registerSecret(grant.clientSecret);
    await this.storage.exclusive(async () => {
      await this.reload();
      const content: VaultContent = {
        ...this.content,
        grants: [...this.content.grants.filter((g) => g.id !== grant.id), { ...grant }],
      };
      await this.persist(content);
      this.content = content;
      this.refused.delete(grant.id);
    });
  }

  /** Deletes a grant and its tokens (disconnect). */
  async delete(id: string): Promise<boolean> {
    return this.storage.exclusive(async () => {
      await this.reload();
      const content: VaultContent = { ...this.content, grants: this.content.grants.filter((g) => g.id !== id) };
      await this.persist(content);
      const removed = content.grants.length < this.content.grants.length;
      this.content = content;
      return removed;
    });
  }

  /** Re-reads the vault from storage (after another process changed it). */
  async refresh(): Promise<void> {
    await this.storage.exclusive(() => this.reload());
  }

  /** A TokenProvider for one grant, renewing through `renew` when needed. */
  provider(grantId: string, renew: Renewer): TokenProvider {
    return {
      accessToken: () => this.accessToken(grantId, renew),
      invalidate: async (token) => this.invalidateAccessToken(grantId, token),
    };
  }

  /** Jira refused `token` (401): the next accessToken() renews instead of handing it out again. */
  invalidateAccessToken(grantId: string, token: string): void {
    let set = this.refused.get(grantId);
    if (!set) this.refused.set(grantId, (set = new Set()));
    set.add(token);
  }

  /** A cached access token that is neither about to expire nor refused. */
  private usable(g: StoredGrant): string | undefined {
    if (!g.accessToken || (g.accessExpiresAt ?? 0) - this.margin <= this.clock.now()) return undefined;
    if (this.refused.get(g.id)?.has(g.accessToken)) return undefined;
    return g.accessToken;
  }

  private needsReconsent(g: StoredGrant): TidemarkError {
    return new TidemarkError(
      'needs-reconsent',
      `the Jira connection ${g.sites.map((s) => s.name).join(', ') || g.id} needs to be authorised again`,
      {
        hint: `Atlassian no longer accepts this connection's grant (${g.statusReason ?? 'invalid_grant'}). Run \`tidemark connect\` (or use Connect in the web UI) to consent again; backups resume afterwards.`,
        details: { grantId: g.id },
      },
    );
  }

  async accessToken(grantId: string, renew: Renewer): Promise<string> {
    const g = this.content.grants.find((x) => x.id === grantId);
    if (!g)
      throw new TidemarkError('config', `no stored connection ${grantId}`, { hint: 'Run `tidemark connect` first.' });
    if (g.status === 'needs-reconsent') throw this.needsReconsent(g);
    const cached = this.usable(g);
    if (cached) return cached;
    let pending = this.inflight.get(grantId);
    if (!pending) {
      pending = this.renewLocked(grantId, renew).finally(() => this.inflight.delete(grantId));
      this.inflight.set(grantId, pending);
    }
    return pending;
  }

  private async renewLocked(grantId: string, renew: Renewer): Promise<string> {
    return this.storage.exclusive(async () => {
      // Another process may have renewed (and rotated) while we waited for the lock.
      await this.reload();
      const g = this.content.grants.find((x) => x.id === grantId);
      if (!g) throw new TidemarkError('config', `the connection ${grantId} was removed`);
      if (g.status === 'needs-reconsent') throw this.needsReconsent(g);
      const cached = this.usable(g);
      if (cached) return cached;
      let tokens: TokenResponse;
      try {
        tokens = await renew(g);
      } catch (e) {
        if (e instanceof JiraError && e.kind === 'needs-reconsent') {
          const marked: StoredGrant = {
            ...g,
            status: 'needs-reconsent',
            statusReason: e.message,
            updatedAt: this.clock.now(),
          };
          delete marked.accessToken;
          delete marked.accessExpiresAt;
          await this.commit(marked);
          throw this.needsReconsent(marked);
        }
        throw e;
      }
      registerSecret(tokens.accessToken);
      registerSecret(tokens.refreshToken);
      const renewed: StoredGrant = {
        ...g,
        ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
        accessToken: tokens.accessToken,
        accessExpiresAt: this.clock.now() + tokens.expiresIn * 1000,
        updatedAt: this.clock.now(),
      };
      // Persist the rotated refresh token before anyone uses the new access token. If this write
      // fails, memory keeps the previous grant too: the new tokens are dropped, and the previous
      // refresh token (still on disk) is accepted again within Atlassian's reuse leeway.
      await this.commit(renewed);
      this.refused.delete(grantId);
      return tokens.accessToken;
    });
  }
}

/** Renews 3LO grants with their refresh token (the SaaS server, embedded mode and the broker). */
export function refreshRenewer(
  fetchFn: typeof fetch,
  app: Pick<OAuthAppConfig, 'authBaseUrl' | 'clientId' | 'clientSecret'>,
): Renewer {
  return (g) => {
    if (!g.refreshToken)
      throw new JiraError('needs-reconsent', 'the connection has no refresh token (consented without offline_access)', {
        hint: 'Run `tidemark connect` again; Tidemark asks for offline_access so that scheduled backups can run.',
      });
    return refreshTokens(fetchFn, app, g.refreshToken);
  };
}

/** Renews service-account grants through the client-credentials grant with the stored credential. */
export function clientCredentialsRenewer(fetchFn: typeof fetch, authBaseUrl: string): Renewer {
  return (g) => {
    if (!g.clientSecret)
      throw new TidemarkError('config', `the service-account connection ${g.id} has no stored secret`);
    return clientCredentials(fetchFn, g.endpoints?.authBaseUrl ?? authBaseUrl, g.clientId, g.clientSecret);
  };
}

/**
 * Issue P2, acceptance 4: the TokenVault against the simulator's token endpoint over real HTTP.
 * 50 concurrent requests at expiry (from two vault instances sharing one file, as two processes
 * would) cause exactly one refresh; a crash between the token response and persisting it recovers
 * within the reuse leeway (and not after it); a revoked token family marks the connection "needs
 * re-consent" and every job on it fails with a message that says what to do; the vault file holds
 * no token in clear.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTidemarkError } from '../../src/core/index.js';
import {
  FileVaultStorage,
  JiraClient,
  RateGovernor,
  TokenVault,
  refreshRenewer,
  type VaultStorage,
} from '../../src/jira/index.js';
import { simAuth } from '../../src/simulator/auth/service.js';
import { httpSim, tokenCalls, type HttpSim } from '../support/sim-http.js';

const MIN = 60_000;
const KEY = Buffer.alloc(32, 42);
let env: HttpSim | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function vaultDir(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), 'tm-tokens-')), 'vault.json');
}

/** Consent (without the page) and store the grant in the vault file; answers the tokens. */
async function storeGrant(e: HttpSim, file: string): Promise<{ refresh: string; access: string }> {
  const app = e.apps.tidemark;
  const t = simAuth(e.sim).issueTokens({
    clientId: app.clientId,
    email: 'demo.admin@tidemark.test',
    cloudIds: [e.acme.cloudId],
  });
  e.issued.add(t.access_token);
  e.issued.add(t.refresh_token!);
  const vault = await TokenVault.open({ storage: new FileVaultStorage(file), masterKey: KEY, clock: e.clock });
  await vault.put({
    id: 'g1',
    kind: '3lo',
    clientId: app.clientId,
    accountId: e.admin.accountId,
    scopes: t.scope.split(' '),
    sites: [{ cloudId: e.acme.cloudId, name: 'acme', url: e.acme.url }],
    refreshToken: t.refresh_token!,
    accessToken: t.access_token,
    accessExpiresAt: e.clock.now() + t.expires_in * 1000,
    status: 'active',
    createdAt: e.clock.now(),
    updatedAt: e.clock.now(),
  });
  return { refresh: t.refresh_token!, access: t.access_token };
}

async function jobClient(e: HttpSim, storage: VaultStorage): Promise<{ client: JiraClient; vault: TokenVault }> {
  const vault = await TokenVault.open({ storage, masterKey: KEY, clock: e.clock });
  const app = e.apps.tidemark;
  const client = new JiraClient({
    cloudId: e.acme.cloudId,
    tokens: vault.provider(
      'g1',
      refreshRenewer(e.net.fetch, {
        authBaseUrl: `${e.base}/auth`,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      }),
    ),
    mode: 'saas',
    version: '0.0.0-test',
    apiBaseUrl: `${e.base}/api`,
    fetch: e.net.fetch,
    clock: e.clock,
    governor: new RateGovernor({ clock: e.clock }),
  });
  return { client, vault };
}

/** File storage whose first save "crashes": the process dies before anything reaches the disk. */
function crashOnce(file: string): VaultStorage {
  const storage = new FileVaultStorage(file);
  let crashed = false;
  const save = storage.save.bind(storage);
  storage.save = async (bytes) => {
    if (!crashed) {
      crashed = true;
      throw new Error('process killed before the vault was written');
    }
    return save(bytes);
  };
  return storage;
}

/** The refresh tokens presented to the token endpoint, in order. */
function presented(e: HttpSim): string[] {
  return e.received
    .filter((r) => r.path === '/auth/oauth/token')
    .map((r) => JSON.parse(r.body) as { grant_type: string; refresh_token?: string })
    .filter((b) => b.grant_type === 'refresh_token')
    .map((b) => b.refresh_token!);
}

describe('TokenVault against the token endpoint over HTTP', () => {
  it('50 concurrent requests at token expiry, from two processes sharing the vault, cause exactly one refresh', async () => {
    env = await httpSim({ limitsPreset: 'unlimited' });
    const e = env;
    const file = await vaultDir();
    const first = await storeGrant(e, file);
    e.clock.advance(60 * MIN); // the access token has expired, at the simulator too
    const a = await jobClient(e, new FileVaultStorage(file));
    const b = await jobClient(e, new FileVaultStorage(file));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).client.request('GET /rest/api/3/myself')),
    );
    expect(results.every((r) => r.body.accountId === e.admin.accountId)).toBe(true);
    expect(tokenCalls(e.received, 'refresh_token')).toBe(1);
    expect(presented(e)).toEqual([first.refresh]);
    // The rotated refresh token is what the file holds now: a third process refreshes with it.
    e.clock.advance(60 * MIN);
    const c = await jobClient(e, new FileVaultStorage(file));
    await c.client.request('GET /rest/api/3/myself');
    expect(tokenCalls(e.received, 'refresh_token')).toBe(2);
    expect(presented(e)[1]).not.toBe(first.refresh);

    // No token the simulator handed out is in the vault file in clear.
    const bytes = await readFile(file);
    expect(e.issued.size).toBeGreaterThanOrEqual(6);
    for (const token of e.issued) expect(bytes.includes(Buffer.from(token)), token.slice(0, 8)).toBe(false);
    for (const other of [e.apps.tidemark.clientSecret, e.admin.accountId, 'acme'])
      expect(bytes.includes(Buffer.from(other))).toBe(false);
  });

  it('a crash between the token response and persisting it recovers within the leeway, not after', async () => {
    env = await httpSim({ limitsPreset: 'unlimited' });
    const e = env;
    const file = await vaultDir();
    const first = await storeGrant(e, file);
    e.clock.advance(60 * MIN);

    const doomed = await jobClient(e, crashOnce(file));
    await expect(doomed.client.request('GET /rest/api/3/myself')).rejects.toThrow(/process killed/);
    // The simulator did rotate: the answer (with a new refresh token) was lost with the process.
    expect(presented(e)).toEqual([first.refresh]);

    // A fresh process, five minutes later, still has only the previous refresh token — and
    // Atlassian's reuse leeway accepts it once more.
    e.clock.advance(5 * MIN);
    const restarted = await jobClient(e, new FileVaultStorage(file));
    const me = await restarted.client.request('GET /rest/api/3/myself');
    expect(me.body.accountId).toBe(e.admin.accountId);
    expect(presented(e)).toEqual([first.refresh, first.refresh]);
    // The family is intact: the token stored now keeps working.
    e.clock.advance(60 * MIN);
    await restarted.client.request('GET /rest/api/3/myself');
    expect(presented(e)).toHaveLength(3);

    // The same crash, but the restart comes after the 10-minute leeway: Atlassian refuses the
    // reused token and revokes the family, so the connection needs re-consent.
    const file2 = await vaultDir();
    const second = await storeGrant(e, file2);
    e.clock.advance(60 * MIN);
    const doomed2 = await jobClient(e, crashOnce(file2));
    await expect(doomed2.client.request('GET /rest/api/3/myself')).rejects.toThrow(/process killed/);
    e.clock.advance(11 * MIN);
    const late = await jobClient(e, new FileVaultStorage(file2));
    await expect(late.client.request('GET /rest/api/3/myself')).rejects.toMatchObject({ kind: 'needs-reconsent' });
    expect(presented(e).slice(-2)).toEqual([second.refresh, second.refresh]);
  });

  it('a revoked token family marks the connection "needs re-consent"; every job fails saying what to do', async () => {
    env = await httpSim({ limitsPreset: 'unlimited' });
    const e = env;
    const file = await vaultDir();
    const first = await storeGrant(e, file);
    e.clock.advance(60 * MIN);
    const job = await jobClient(e, new FileVaultStorage(file));
    await job.client.request('GET /rest/api/3/myself'); // rotates first.refresh → a newer token
    // A stale copy presents the rotated-away token after the leeway: breach detection revokes the family.
    e.clock.advance(11 * MIN);
    const breach = await e.net.fetch(`${e.base}/auth/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        client_id: e.apps.tidemark.clientId,
        client_secret: e.apps.tidemark.clientSecret,
        refresh_token: first.refresh,
      }),
    });
    expect(breach.status).toBe(403);
    e.clock.advance(60 * MIN);
    const before = tokenCalls(e.received, 'refresh_token');
    const failures = await Promise.all(
      Array.from({ length: 5 }, () => job.client.request('GET /rest/api/3/serverInfo').catch((x: unknown) => x)),
    );
    for (const f of failures) {
      expect(isTidemarkError(f, 'needs-reconsent')).toBe(true);
      expect((f as Error).message).toMatch(/acme needs to be authorised again/);
      expect((f as { hint: string }).hint).toMatch(/tidemark connect/);
      expect((f as { hint: string }).hint).toMatch(/Unknown or invalid refresh token/);
    }
    // One refused refresh, then nobody asks Atlassian again.
    expect(tokenCalls(e.received, 'refresh_token') - before).toBe(1);
    // The status is persisted: another process's jobs fail the same way, without a token call.
    const other = await jobClient(e, new FileVaultStorage(file));
    expect(other.vault.get('g1')?.status).toBe('needs-reconsent');
    await expect(other.client.request('GET /rest/api/3/myself')).rejects.toMatchObject({ kind: 'needs-reconsent' });
    expect(tokenCalls(e.received, 'refresh_token') - before).toBe(1);
  });
});

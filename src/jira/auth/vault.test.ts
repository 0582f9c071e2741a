import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { JiraError } from '../errors.js';
import { FileVaultStorage, MemoryVaultStorage, TokenVault, type StoredGrant } from './vault.js';

const key = Buffer.alloc(32, 7);
const grant = (over: Partial<StoredGrant> = {}): StoredGrant => ({
  id: 'g1',
  kind: '3lo',
  clientId: 'app',
  accountId: 'acc-1',
  scopes: ['read:jira-work', 'offline_access'],
  sites: [{ cloudId: 'c1', name: 'acme', url: 'https://acme.atlassian.net' }],
  refreshToken: 'tmrt_initial_refresh_token_value',
  status: 'active',
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

async function fileVault(clock = new FakeClock()) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tm-vault-'));
  const file = path.join(dir, 'vault.json');
  const vault = await TokenVault.open({ storage: new FileVaultStorage(file), masterKey: key, clock });
  return { vault, file, dir, clock };
}

describe('TokenVault', () => {
  it('keeps no token in clear on disk', async () => {
    const { vault, file, dir } = await fileVault();
    await vault.put(grant());
    let n = 0;
    await vault.accessToken('g1', async () => ({
      accessToken: `tmat_access_${++n}_abcdefgh`,
      expiresIn: 3600,
      scope: '',
      refreshToken: 'tmrt_rotated_refresh_token_1',
    }));
    const bytes = await readFile(file);
    for (const secret of [
      'tmrt_initial_refresh_token_value',
      'tmrt_rotated_refresh_token_1',
      'tmat_access_1_abcdefgh',
      'acc-1',
      'acme',
    ]) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    expect(await readdir(dir)).toEqual(['vault.json']);
  });

  it('refreshes once for many concurrent callers and persists the rotated token first', async () => {
    const { vault, file } = await fileVault();
    await vault.put(grant());
    let calls = 0;
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () =>
        vault.accessToken('g1', async (g) => {
          calls++;
          expect(g.refreshToken).toBe('tmrt_initial_refresh_token_value');
          return {
            accessToken: 'tmat_fresh_access_token',
            expiresIn: 3600,
            scope: '',
            refreshToken: 'tmrt_rotated_refresh_token_2',
          };
        }),
      ),
    );
    expect(calls).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['tmat_fresh_access_token']));
    const reopened = await TokenVault.open({
      storage: new FileVaultStorage(file),
      masterKey: key,
      clock: new FakeClock(),
    });
    let seen = '';
    await reopened.accessToken('g1', async (g) => {
      seen = g.refreshToken ?? '';
      return { accessToken: 'tmat_x_abcdefghij', expiresIn: 1, scope: '' };
    });
    // The reopened vault had a valid access token cached, or refreshed with the rotated token.
    expect(['', 'tmrt_rotated_refresh_token_2']).toContain(seen);
  });

  it('renews when the access token is about to expire', async () => {
    const { vault, clock } = await fileVault();
    await vault.put(grant());
    let n = 0;
    const renew = async () => ({ accessToken: `tmat_access_token_${++n}`, expiresIn: 3600, scope: '' });
    expect(await vault.accessToken('g1', renew)).toBe('tmat_access_token_1');
    clock.advance(3_600_000 - 30_000);
    expect(await vault.accessToken('g1', renew)).toBe('tmat_access_token_2');
  });

  it('marks the grant as needing re-consent on invalid_grant and stops calling Atlassian', async () => {
    const { vault, file } = await fileVault();
    await vault.put(grant());
    let calls = 0;
    const renew = async (): Promise<never> => {
      calls++;
      throw new JiraError(
        'needs-reconsent',
        'the authorization server refused the grant: Unknown or invalid refresh token.',
      );
    };
    await expect(vault.accessToken('g1', renew)).rejects.toMatchObject({
      kind: 'needs-reconsent',
      hint: expect.stringMatching(/tidemark connect/),
    });
    await expect(vault.accessToken('g1', renew)).rejects.toMatchObject({ kind: 'needs-reconsent' });
    expect(calls).toBe(1);
    const reopened = await TokenVault.open({ storage: new FileVaultStorage(file), masterKey: key });
    expect(reopened.get('g1')?.status).toBe('needs-reconsent');
  });

  it('refuses a wrong master key and a damaged file with clear errors', async () => {
    const { vault, file } = await fileVault();
    await vault.put(grant());
    await expect(
      TokenVault.open({ storage: new FileVaultStorage(file), masterKey: Buffer.alloc(32, 8) }),
    ).rejects.toMatchObject({ kind: 'wrong-key' });
    const bytes = await readFile(file);
    const env = JSON.parse(bytes.toString()) as { ct: string };
    const ct = Buffer.from(env.ct, 'base64');
    ct[0]! ^= 1;
    const damaged = { ...env, ct: ct.toString('base64') };
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, JSON.stringify(damaged));
    await expect(TokenVault.open({ storage: new FileVaultStorage(file), masterKey: key })).rejects.toMatchObject({
      kind: 'wrong-key',
    });
    await writeFile(file, 'not json');
    await expect(TokenVault.open({ storage: new FileVaultStorage(file), masterKey: key })).rejects.toMatchObject({
      kind: 'corrupt',
    });
  });

  it('deletes a grant and its tokens on disconnect', async () => {
    const { vault, file } = await fileVault();
    await vault.put(grant());
    expect(await vault.delete('g1')).toBe(true);
    const reopened = await TokenVault.open({ storage: new FileVaultStorage(file), masterKey: key });
    expect(reopened.list()).toEqual([]);
  });

  it('does not use tokens it failed to persist: the next renewal starts again from the stored refresh token', async () => {
    const storage = new MemoryVaultStorage();
    const vault = await TokenVault.open({ storage, masterKey: key, clock: new FakeClock() });
    await vault.put(grant());
    const save = storage.save.bind(storage);
    storage.save = async () => {
      storage.save = save;
      throw new Error('disk full');
    };
    const presented: string[] = [];
    let n = 0;
    const renew = async (g: StoredGrant) => {
      presented.push(g.refreshToken ?? '');
      n++;
      return {
        accessToken: `tmat_access_${n}_abcdefgh`,
        expiresIn: 3600,
        scope: '',
        refreshToken: `tmrt_rotated_${n}_abcdefgh`,
      };
    };
    await expect(vault.accessToken('g1', renew)).rejects.toThrow(/disk full/);
    // The unpersisted access token is never handed out; the retry presents the stored refresh token.
    expect(await vault.accessToken('g1', renew)).toBe('tmat_access_2_abcdefgh');
    expect(presented).toEqual(['tmrt_initial_refresh_token_value', 'tmrt_initial_refresh_token_value']);
  });

  it('renews instead of handing back an access token Jira refused, even after re-reading storage', async () => {
    const { vault } = await fileVault();
    await vault.put(grant());
    let n = 0;
    const renew = async () => ({ accessToken: `tmat_access_token_${++n}`, expiresIn: 3600, scope: '' });
    const provider = vault.provider('g1', renew);
    expect(await provider.accessToken()).toBe('tmat_access_token_1');
    await provider.invalidate('tmat_access_token_1');
    await vault.refresh();
    expect(await provider.accessToken()).toBe('tmat_access_token_2');
    expect(await provider.accessToken()).toBe('tmat_access_token_2');
  });
});

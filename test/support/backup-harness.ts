/**
 * A backup test bench: a seeded simulator, a connection through the demo OAuth app (tokens in a
 * real TokenVault, refreshed through the simulator's token endpoint), a JiraClient speaking to the
 * simulator in process, and a repository on an in-memory backend.
 */
import { FakeClock } from '../../src/core/index.js';
import {
  JiraClient,
  MemoryVaultStorage,
  RateGovernor,
  TokenVault,
  refreshTokens,
  type RateGovernorOptions,
} from '../../src/jira/index.js';
import { runBackup, type BackupOptions, type BackupReport } from '../../src/backup/run.js';
import { Repository, passphrase } from '../../src/store/index.js';
import { FsBackend } from '../../src/store/backend/fs.js';
import { MemBackend } from '../../src/store/backend/mem.js';
import { DEMO_ADMIN_EMAIL, demoApp } from '../../src/simulator/auth/apps.js';
import { simAuth } from '../../src/simulator/auth/service.js';
import { createSimulator, type CreateSimulatorOptions } from '../../src/simulator/create.js';
import type { JiraSimulator, Site } from '../../src/simulator/index.js';

export const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

export interface BackupBench {
  sim: JiraSimulator;
  site: Site;
  clock: FakeClock;
  repo: Repository;
  backend: MemBackend | FsBackend;
  client(governor?: Partial<RateGovernorOptions>): JiraClient;
  /** A client on another site of the same world (same grant), e.g. 'globex' for cross-site restores. */
  clientFor(siteName: string, governor?: Partial<RateGovernorOptions>): JiraClient;
  /** Another site of the world, by name. */
  siteNamed(name: string): Site;
  backup(options?: Partial<BackupOptions>): Promise<BackupReport>;
}

export interface BackupBenchOptions extends CreateSimulatorOptions {
  siteName?: string;
  /** A repository location (a directory) instead of memory; opened when it exists, else created. */
  repoDir?: string;
}

export async function backupBench(options: BackupBenchOptions = {}): Promise<BackupBench> {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock(T0, { autoAdvance: true });
  const sim = createSimulator({ seed: 1, size: 'tiny', ...options, clock, baseUrl: 'http://sim.test' });
  const site = [...sim.world.sites.values()].find((s) => s.name === (options.siteName ?? 'acme'))!;
  const app = demoApp(sim.world)!;
  const sites = [site, ...[...sim.world.sites.values()].filter((s) => s !== site)];
  const first = simAuth(sim).issueTokens({
    clientId: app.clientId,
    email: DEMO_ADMIN_EMAIL,
    cloudIds: sites.map((s) => s.cloudId),
  });
  const vault = await TokenVault.open({ storage: new MemoryVaultStorage(), masterKey: Buffer.alloc(32, 1), clock });
  await vault.put({
    id: 'grant',
    kind: '3lo',
    clientId: app.clientId,
    scopes: first.scope.split(' '),
    sites: sites.map((s) => ({ cloudId: s.cloudId, name: s.name, url: s.url })),
    refreshToken: first.refresh_token!,
    accessToken: first.access_token,
    accessExpiresAt: clock.now() + first.expires_in * 1000,
    status: 'active',
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });
  const oauth = { clientId: app.clientId, clientSecret: app.clientSecret, authBaseUrl: sim.urls.auth };
  const tokens = vault.provider('grant', (g) => refreshTokens(sim.inProcessFetch, oauth, g.refreshToken ?? ''));
  const backend = options.repoDir ? new FsBackend(options.repoDir) : new MemBackend();
  const existing = options.repoDir
    ? await backend.stat('config').then(
        () => true,
        () => false,
      )
    : false;
  const repo = existing
    ? await Repository.open(backend, passphrase('correct horse'), { clock })
    : await Repository.init(backend, passphrase('correct horse'), { clock, scrypt: { n: 1024, r: 8, p: 1 } });
  const siteNamed = (name: string): Site => {
    const found = sites.find((s) => s.name === name);
    if (!found) throw new Error(`no site ${name} in this world (${sites.map((s) => s.name).join(', ')})`);
    return found;
  };
  const clientFor = (name: string, governor: Partial<RateGovernorOptions> = {}): JiraClient =>
    new JiraClient({
      cloudId: siteNamed(name).cloudId,
      tokens,
      mode: 'embedded',
      version: 'test',
      apiBaseUrl: sim.urls.api,
      fetch: sim.inProcessFetch,
      clock,
      governor: new RateGovernor({ clock, ...governor }),
    });
  const client = (governor: Partial<RateGovernorOptions> = {}): JiraClient => clientFor(site.name, governor);
  return {
    sim,
    site,
    clock,
    repo,
    backend,
    client,
    clientFor,
    siteNamed,
    backup: (o = {}) =>
      runBackup({
        client: client(),
        repository: repo,
        site: { cloudId: site.cloudId, name: site.name, url: site.url },
        clock,
        fetch: sim.inProcessFetch,
        tool: { version: 'test', mode: 'embedded' },
        ...o,
      }),
  };
}

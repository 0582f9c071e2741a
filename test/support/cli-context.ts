/**
 * Running `tidemark` commands in process through their CliContext: a chosen environment, captured
 * standard output and error, a stop signal the test triggers (Ctrl-C), and a way to wait for some
 * output. Plus a seeded simulator served over loopback HTTP on the system clock (as `tidemark demo`
 * serves it), and a stored 3LO connection to it in a fresh $TIDEMARK_HOME.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveFetch, type ServedHandle } from '../../src/cli/http-adapter.js';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/program.js';
import { FileVaultStorage, TokenVault } from '../../src/jira/index.js';
import { DEMO_ADMIN_EMAIL, demoApp } from '../../src/simulator/auth/apps.js';
import { simAuth } from '../../src/simulator/auth/service.js';
import { createSimulator } from '../../src/simulator/create.js';
import type { JiraSimulator, Site } from '../../src/simulator/index.js';
import { Repository, passphrase } from '../../src/store/index.js';
import { FsBackend } from '../../src/store/backend/fs.js';

export interface TestCli {
  ctx: CliContext;
  stdout(): string;
  stderr(): string;
  /** Resolves once standard output matches `re`. */
  waitForOut(re: RegExp): Promise<void>;
  /** Acts as Ctrl-C: resolves every `ctx.stopped()`. */
  stop(): void;
  /** Runs `tidemark …args` in process; answers the exit status. Output accumulates across runs. */
  run(...args: string[]): Promise<number>;
  /** Forgets the output so far. */
  clear(): void;
}

export function testCli(env: Record<string, string | undefined>): TestCli {
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  let stopNow!: () => void;
  let stopped = new Promise<void>((resolve) => (stopNow = resolve));
  const ctx: CliContext = {
    env,
    exitCode: 0,
    out: (t) => {
      out += t.endsWith('\n') ? t : `${t}\n`;
      for (const w of waiters) w();
    },
    err: (t) => {
      err += t.endsWith('\n') ? t : `${t}\n`;
    },
    fetch: globalThis.fetch,
    openBrowser: () => false,
    stopped: () => stopped,
  };
  return {
    ctx,
    stdout: () => out,
    stderr: () => err,
    waitForOut: (re) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (re.test(out)) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      }),
    stop: () => stopNow(),
    run: async (...args) => {
      ctx.exitCode = 0;
      const code = await main(['node', 'tidemark', ...args], ctx);
      // A later run gets a fresh Ctrl-C.
      stopped = new Promise<void>((resolve) => (stopNow = resolve));
      return code;
    },
    clear: () => {
      out = '';
      err = '';
    },
  };
}

export interface ServedSim {
  sim: JiraSimulator;
  served: ServedHandle;
  base: string;
  site: Site;
  /** POST /__sim/mutate over HTTP; answers the applied ops. */
  mutate(ops: Array<Record<string, unknown>>): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** The seeded simulator (tiny, realistic limits, control API) on 127.0.0.1, on the system clock. */
export async function servedSimulator(seed = 1): Promise<ServedSim> {
  const sim = createSimulator({ seed, size: 'tiny', control: true, limitsPreset: 'realistic' });
  const served = await serveFetch(sim.fetch, { host: '127.0.0.1', port: 0 });
  sim.setBaseUrl(served.url);
  const site = [...sim.world.sites.values()].find((s) => s.name === 'acme')!;
  return {
    sim,
    served,
    base: served.url,
    site,
    mutate: async (ops) => {
      const res = await fetch(`${served.url}/__sim/mutate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cloudId: site.cloudId, actor: DEMO_ADMIN_EMAIL, ops }),
      });
      const body = (await res.json()) as { applied?: Array<Record<string, unknown>> };
      if (res.status !== 200) throw new Error(`mutate failed: ${res.status} ${JSON.stringify(body)}`);
      return body.applied ?? [];
    },
    close: () => served.close(),
  };
}

export interface ConnectedHome {
  home: string;
  env: Record<string, string | undefined>;
  repo: string;
  grantId: string;
}

/**
 * A fresh $TIDEMARK_HOME whose vault holds a 3LO grant of the demo admin for `sites` (as
 * `tidemark connect` stores it), and an initialised repository at $TIDEMARK_HOME/repo with the
 * passphrase in TIDEMARK_PASSWORD.
 */
export async function connectedHome(s: ServedSim, sites: Site[] = [s.site]): Promise<ConnectedHome> {
  const home = await mkdtemp(path.join(tmpdir(), 'tm-cli-backup-'));
  const key = randomBytes(32);
  const app = demoApp(s.sim.world)!;
  const tokens = simAuth(s.sim).issueTokens({
    clientId: app.clientId,
    email: DEMO_ADMIN_EMAIL,
    cloudIds: sites.map((x) => x.cloudId),
  });
  const vault = await TokenVault.open({ storage: new FileVaultStorage(path.join(home, 'vault.json')), masterKey: key });
  const now = Date.now();
  const grantId = 'grant_test';
  await vault.put({
    id: grantId,
    kind: '3lo',
    clientId: app.clientId,
    scopes: tokens.scope.split(' '),
    sites: sites.map((x) => ({ cloudId: x.cloudId, name: x.name, url: x.url })),
    refreshToken: tokens.refresh_token!,
    accessToken: tokens.access_token,
    accessExpiresAt: now + tokens.expires_in * 1000,
    endpoints: { authBaseUrl: s.sim.urls.auth, apiBaseUrl: s.sim.urls.api },
    status: 'active',
    createdAt: now,
    updatedAt: now,
  });
  const repo = path.join(home, 'repo');
  const r = await Repository.init(new FsBackend(repo), passphrase('correct horse battery staple'), {
    scrypt: { n: 1024, r: 8, p: 1 },
  });
  await r.close();
  return {
    home,
    repo,
    grantId,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      TIDEMARK_HOME: home,
      TIDEMARK_MASTER_KEY: key.toString('base64'),
      TIDEMARK_PASSWORD: 'correct horse battery staple',
      TIDEMARK_CLIENT_ID: app.clientId,
      TIDEMARK_CLIENT_SECRET: app.clientSecret,
      TIDEMARK_AUTH_BASE_URL: s.sim.urls.auth,
      TIDEMARK_API_BASE_URL: s.sim.urls.api,
    },
  };
}

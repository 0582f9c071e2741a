/**
 * Issue P2, acceptance 8: the policy guard at every entry point. Each way of handing Tidemark an
 * Atlassian API token, a password or basic-auth credentials — a command-line flag, an environment
 * variable, a configuration file, an HTTP API body or header — is refused with the message that
 * explains Atlassian's rule and the compliant alternative, and never echoes the credential.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBroker } from '../../src/broker/broker.js';
import { MemoryAuditLog } from '../../src/broker/state.js';
import { serveFetch, type ServedHandle } from '../../src/cli/http-adapter.js';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/program.js';
import { MemoryVaultStorage, generateInstallationKey } from '../../src/jira/index.js';
import { cliHome, runCli } from '../support/cli.js';

const TOKEN = 'ATATT3xFfGF0Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC10b2tlbg';
const BASIC = 'Basic YWRhQGFjbWUuY29tOmh1bnRlcjI=';

/** Runs the CLI in process with this environment; answers the exit code and what it printed. */
async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env: { HOME: '/nonexistent', TIDEMARK_HOME: '/nonexistent/.tidemark', ...env },
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    fetch: () => Promise.reject(new Error('no network in policy tests')),
    openBrowser: () => false,
    stopped: () => new Promise<void>(() => undefined),
    exitCode: 0,
  };
  const code = await main(['node', 'tidemark', ...args], ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function expectRefusal(run: { code: number; err: string }, secret?: string): void {
  expect(run.code).toBe(1);
  expect(run.err).toMatch(/^tidemark: refused .+; Tidemark never accepts or stores it\.$/m);
  expect(run.err).toMatch(/^hint: Atlassian's rules for apps forbid collecting or storing API tokens/m);
  expect(run.err).toMatch(/tidemark connect --broker URL/);
  if (secret) expect(run.err).not.toContain(secret);
}

describe('policy guard: command-line flags', () => {
  it.each([
    [['connect', '--api-token', TOKEN]],
    [['connect', `--api-token=${TOKEN}`]],
    [['connect', '--token', 'abc']],
    [['connect', '--jira-token', 'abc']],
    [['server', '--password', 'hunter2']],
    [['broker', '--basic-auth', 'ada:hunter2']],
    [['connections', '--check', '--pat', 'abc']],
    [['compliance', '--user-password', 'ada:hunter2']],
    [['connect', '--broker', `https://ada%40acme.com:${TOKEN}@acme.atlassian.net`]],
    [['connect', '--broker', 'https://broker.example', '--client-secret', 'customer-app-secret']],
    [['connect', '--broker', 'https://broker.example', BASIC]],
  ])('refuses %j with the policy message, not "unknown option"', async (args) => {
    const run = await cli(args);
    expectRefusal(run, TOKEN);
    expect(run.err).not.toMatch(/unknown option/);
    expect(run.err).not.toContain('hunter2');
  });

  it('asks for a file instead of a service-account secret on the command line', async () => {
    const run = await cli(['connect', '--service-account', '--client-id', 'x', '--client-secret', 's3cr3t-value']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--client-secret-file/);
    expect(run.err).not.toContain('s3cr3t-value');
  });

  it('the real binary refuses --api-token the same way', async () => {
    const run = await runCli(['connect', '--api-token', TOKEN], { PATH: process.env.PATH ?? '/usr/bin' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused an API token \(command-line flag --api-token\)/);
    expect(run.stderr).toMatch(/hint: Atlassian's rules/);
    expect(run.stderr + run.stdout).not.toContain(TOKEN);
  });
});

describe('policy guard: environment variables', () => {
  it.each([
    [{ JIRA_API_TOKEN: TOKEN }, ['compliance']],
    [{ ATLASSIAN_API_TOKEN: 'abc123' }, ['connections']],
    [{ TIDEMARK_API_TOKEN: 'abc123' }, ['server']],
    [{ TIDEMARK_JIRA_PASSWORD: 'hunter2' }, ['connect']],
    [{ TIDEMARK_BASIC_AUTH: 'ada:hunter2' }, ['broker']],
    [{ TIDEMARK_SITE: `https://ada:${TOKEN}@acme.atlassian.net` }, ['connect']],
    // On-prem installations never hold an OAuth app's secret: it would be a customer-created app's.
    [{ TIDEMARK_CLIENT_SECRET: 'customer-app-secret' }, ['connect', '--broker', 'https://broker.example']],
  ])('refuses %j', async (env, args) => {
    const run = await cli(args, env as Record<string, string>);
    expectRefusal(run, TOKEN);
    expect(run.err).toMatch(/\(environment /);
    expect(run.err).not.toContain('hunter2');
  });

  it("accepts the repository passphrase and the vendor's own secret where the vendor runs Tidemark", async () => {
    const run = await cli(['compliance', '--json'], {
      TIDEMARK_PASSWORD: 'correct horse battery staple',
      TIDEMARK_CLIENT_SECRET: 'vendor-app-secret',
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ authModel: { model: 'embedded' } });
  });
});

describe('policy guard: configuration files', () => {
  it.each([
    ['server', '--config', { app: { clientId: 'x', clientSecret: 'y' }, jira: { apiToken: TOKEN } }],
    ['broker', '--config', { app: { clientId: 'x', clientSecret: 'y' }, basicAuth: 'ada:hunter2' }],
    ['connect', '--app-config', { app: { clientId: 'x', clientSecret: 'y', password: 'hunter2' } }],
    ['connect', '--app-config', { app: { clientId: 'x', clientSecret: 'y' }, note: `token ${TOKEN}` }],
    ['connect', '--app-config', { site: `https://ada:${TOKEN}@acme.atlassian.net` }],
  ])('%s %s refuses a file carrying credentials', async (command, flag, config) => {
    const home = await cliHome();
    const file = await home.file('config.json', JSON.stringify(config));
    const run = await cli([command, flag, file], home.env);
    expectRefusal(run, TOKEN);
    expect(run.err).toMatch(/\(configuration /);
    expect(run.err).not.toContain('hunter2');
  });
});

describe('policy guard: the broker API', () => {
  let served: ServedHandle;
  beforeAll(async () => {
    const broker = new TokenBroker({
      publicUrl: 'http://broker.invalid',
      app: {
        clientId: 'vendor-app',
        clientSecret: 'vendor-secret-0123456789',
        redirectUri: 'http://broker.invalid/oauth/callback',
        authBaseUrl: 'http://auth.invalid',
        apiBaseUrl: 'http://api.invalid',
      },
      adminToken: 'admin-token-0123456789',
      masterKey: Buffer.alloc(32, 3),
      stateStorage: new MemoryVaultStorage(),
      vaultStorage: new MemoryVaultStorage(),
      audit: new MemoryAuditLog(),
    });
    served = await serveFetch(broker.fetch);
  });
  afterAll(async () => served?.close());

  it.each([
    ['an API token in the pairing body', { apiToken: TOKEN }, {}],
    ['an ATATT token under another name', { note: TOKEN }, {}],
    ['a password', { password: 'hunter2' }, {}],
    ['basic credentials in the header', {}, { authorization: BASIC }],
  ])('refuses %s', async (_name, extra, headers) => {
    const res = await fetch(`${served.url}/v1/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ code: 'abcd', name: 'x', publicKey: generateInstallationKey().publicKey, ...extra }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string; hint: string };
    expect(body.error).toBe('policy');
    expect(body.message).toMatch(/never accepts or stores it/);
    expect(body.hint).toMatch(/Atlassian's rules for apps forbid/);
    expect(JSON.stringify(body)).not.toMatch(/ATATT3xFfGF0|hunter2|YWRhQGFjbWUuY29tOmh1bnRlcjI/);
  });
});

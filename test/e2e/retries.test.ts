/**
 * Issue P2, acceptance 3: retries against the simulator's injected faults over real HTTP.
 * Idempotent reads recover from 5xx answers, connection resets and truncated bodies; writes are
 * not resent blindly (the simulator's meter proves each one arrived once); every failure is a
 * JiraError with a `kind`; and no token or secret reaches an error or a log line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isTidemarkError, registerSecret, type Logger } from '../../src/core/index.js';
import {
  JiraClient,
  JiraError,
  MemoryVaultStorage,
  RateGovernor,
  TokenVault,
  refreshRenewer,
  type TokenProvider,
} from '../../src/jira/index.js';
import { jsonLogger } from '../../src/cli/logger.js';
import { simAuth } from '../../src/simulator/auth/service.js';
import { faultsOf, meterOf } from '../../src/simulator/limits/parts.js';
import { httpSim, issuePropertyRoute, staticTokens, type HttpSim } from '../support/sim-http.js';

const PROPERTY = 'PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}';
let env: HttpSim | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** A Logger that keeps every call exactly as the code made it (no redaction: it must not need any). */
function capturingLogger(lines: string[]): Logger {
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void =>
      void lines.push(JSON.stringify({ level, message, fields }));
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

function client(e: HttpSim, tokens: TokenProvider, logger?: Logger): JiraClient {
  return new JiraClient({
    cloudId: e.acme.cloudId,
    tokens,
    mode: 'saas',
    version: '0.0.0-test',
    apiBaseUrl: `${e.base}/api`,
    fetch: e.net.fetch,
    clock: e.clock,
    governor: new RateGovernor({ clock: e.clock }),
    ...(logger ? { logger } : {}),
  });
}

describe('retries against injected faults', () => {
  it('idempotent reads recover from 5xx answers, resets and truncated bodies', async () => {
    env = await httpSim({
      limitsPreset: 'unlimited',
      faults: {
        seed: 11,
        methods: ['GET'],
        rates: { error500: 0.04, error502: 0.04, error503: 0.04, error504: 0.04, reset: 0.04, truncate: 0.04 },
        retryAfterShare: 0.5,
        retryAfterSeconds: 3,
      },
    });
    const e = env;
    const c = client(e, staticTokens(e.accessToken()));
    // Sequential, so the seeded fault sequence (and this test) is reproducible.
    for (let i = 0; i < 150; i++) {
      const res = await c.request('GET /rest/api/3/myself');
      expect(res.body.accountId).toBe(e.admin.accountId);
    }
    const meter = meterOf(e.sim).counters();
    for (const kind of ['500', '502', '503', '504', 'reset', 'truncate'])
      expect(meter.faults[kind], kind).toBeGreaterThan(0);
    // Every fault cost exactly one more attempt; nothing else was resent.
    expect(meter.byEndpoint['GET /rest/api/3/myself']?.requests).toBe(150 + meter.totals.faults);
    // Answers (whole or truncated) are charged; faulted statuses and resets are not.
    expect(meter.totals.points).toBe(3 * (150 + meter.faults.truncate!));
  });

  it('gives up after four retries with a JiraError of kind server', async () => {
    env = await httpSim({ limitsPreset: 'unlimited', faults: { methods: ['GET'], rates: { error502: 1 } } });
    const e = env;
    const err = await client(e, staticTokens(e.accessToken()))
      .request('GET /rest/api/3/serverInfo')
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(JiraError);
    expect((err as JiraError).kind).toBe('server');
    expect((err as JiraError).status).toBe(502);
    expect(meterOf(e.sim).counters().totals.requests).toBe(5);
  });

  it('does not resend writes after a transient failure: each write arrives once', async () => {
    const stored = new Map<string, unknown[]>();
    env = await httpSim({
      limitsPreset: 'unlimited',
      routes: [issuePropertyRoute(stored)],
      faults: { seed: 5, methods: ['PUT'], rates: { error500: 0.1, error503: 0.1, reset: 0.1 }, retryAfterShare: 1 },
    });
    const e = env;
    const c = client(e, staticTokens(e.accessToken()));
    const failures: JiraError[] = [];
    let ok = 0;
    for (let i = 0; i < 100; i++) {
      try {
        await c.request(PROPERTY, {
          path: { issueIdOrKey: 'ACME-1', propertyKey: `p${i}` },
          body: { i } as never,
          issue: 'ACME-1',
        });
        ok++;
      } catch (err) {
        expect(err).toBeInstanceOf(JiraError);
        failures.push(err as JiraError);
      }
    }
    const meter = meterOf(e.sim).counters();
    expect(meter.byEndpoint[PROPERTY]?.requests).toBe(100);
    expect(failures.length).toBe(meter.totals.faults);
    expect(failures.length).toBeGreaterThan(10);
    expect(ok).toBe(100 - failures.length);
    expect([...stored.values()].flat()).toHaveLength(ok);
    const kinds = new Set(failures.map((f) => f.kind));
    expect(kinds).toEqual(new Set(['server', 'network']));
    for (const f of failures) {
      expect(f.hint ?? f.message).toBeTruthy();
      expect(f.toJSON()).toMatchObject({ kind: f.kind });
    }

    // The caller may vouch that a write is idempotent (setting a property twice changes nothing):
    // then it is retried like a read.
    faultsOf(e.sim).configure({ seed: 5 });
    meterOf(e.sim).reset();
    for (let i = 0; i < 50; i++)
      await c.request(PROPERTY, {
        path: { issueIdOrKey: 'ACME-2', propertyKey: `p${i}` },
        body: { i } as never,
        issue: 'ACME-2',
        idempotent: true,
      });
    const again = meterOf(e.sim).counters();
    expect(again.byEndpoint[PROPERTY]?.requests).toBe(50 + again.totals.faults);
    expect(again.totals.faults).toBeGreaterThan(0);
  });
});

describe('secrets stay out of errors and logs', () => {
  it('no access token, refresh token or client secret appears in any error or log line', async () => {
    env = await httpSim({
      limitsPreset: 'unlimited',
      auth: { accessTokenTtlSeconds: 600 },
      faults: { seed: 3, methods: ['GET'], rates: { error503: 0.2, reset: 0.1, truncate: 0.1 } },
    });
    const e = env;
    const app = e.apps.tidemark;
    const lines: string[] = [];
    const logger = capturingLogger(lines);
    const issued = simAuth(e.sim).issueTokens({
      clientId: app.clientId,
      email: 'demo.admin@tidemark.test',
      cloudIds: [e.acme.cloudId],
    });
    const vault = await TokenVault.open({
      storage: new MemoryVaultStorage(),
      masterKey: Buffer.alloc(32, 9),
      clock: e.clock,
    });
    await vault.put({
      id: 'g',
      kind: '3lo',
      clientId: app.clientId,
      scopes: issued.scope.split(' '),
      sites: [{ cloudId: e.acme.cloudId, name: 'acme', url: '' }],
      refreshToken: issued.refresh_token!,
      accessToken: issued.access_token,
      accessExpiresAt: e.clock.now() + 600_000,
      status: 'active',
      createdAt: e.clock.now(),
      updatedAt: e.clock.now(),
    });
    const seen: unknown[] = [];
    const secrets = new Set<string>([issued.access_token, issued.refresh_token!, app.clientSecret]);
    // Every token the simulator hands out during the run is a secret to look for.
    const renewer = refreshRenewer(e.net.fetch, {
      authBaseUrl: `${e.base}/auth`,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    });
    const provider = vault.provider('g', async (g) => {
      const t = await renewer(g);
      secrets.add(t.accessToken);
      if (t.refreshToken) secrets.add(t.refreshToken);
      return t;
    });
    const c = client(e, provider, logger);
    // Reads through faults (retries are logged), across an access-token expiry (refresh).
    for (let i = 0; i < 40; i++) {
      await c.request('GET /rest/api/3/myself');
      e.clock.advance(30_000);
    }
    // A call that fails for good (502 every time) and one with a refused, unknown token.
    faultsOf(e.sim).configure({ rates: { error503: 0, reset: 0, truncate: 0, error502: 1 } });
    seen.push(await c.request('GET /rest/api/3/myself').catch((x: unknown) => x));
    faultsOf(e.sim).configure({ rates: { error502: 0 } });
    const forged = 'tmat_forged0000000000000000000000000000000000';
    registerSecret(forged);
    secrets.add(forged);
    seen.push(
      await client(e, staticTokens(forged), logger)
        .request('GET /rest/api/3/myself')
        .catch((x: unknown) => x),
    );
    // A refresh with the wrong client secret, then a revoked grant (needs re-consent).
    const wrongSecret = 'not-the-secret-0123456789abcdef';
    registerSecret(wrongSecret);
    secrets.add(wrongSecret);
    seen.push(
      await refreshRenewer(e.net.fetch, {
        authBaseUrl: `${e.base}/auth`,
        clientId: app.clientId,
        clientSecret: wrongSecret,
      })({
        ...vault.get('g')!,
        refreshToken: [...secrets][1]!,
      }).catch((x: unknown) => x),
    );
    simAuth(e.sim).revokeGrant(app.clientId, e.admin.accountId);
    e.clock.advance(3_600_000);
    seen.push(await c.request('GET /rest/api/3/myself').catch((x: unknown) => x));

    expect(seen).toHaveLength(4);
    expect(seen.map((x) => (isTidemarkError(x) ? x.kind : String(x)))).toEqual([
      'server',
      'auth',
      'auth',
      'needs-reconsent',
    ]);
    expect(lines.some((l) => l.includes('retrying after a transient failure'))).toBe(true);
    expect(secrets.size).toBeGreaterThan(5);
    const texts = [
      ...lines,
      ...seen.map((x) => {
        const err = x as Error & { cause?: unknown; toJSON?: () => unknown };
        return [
          err.message,
          err.stack,
          JSON.stringify(err.toJSON?.()),
          String(err.cause),
          (err as { hint?: string }).hint,
        ].join('\n');
      }),
    ];
    for (const text of texts)
      for (const secret of secrets) expect(text.includes(secret), `${text.slice(0, 200)}`).toBe(false);

    // The CLI's logger redacts whatever a caller hands it by mistake.
    const out: string[] = [];
    jsonLogger((l) => out.push(l)).warn(`token ${issued.access_token}`, {
      auth: `Bearer ${issued.refresh_token}`,
      app: app.clientSecret,
    });
    for (const secret of [issued.access_token, issued.refresh_token!, app.clientSecret])
      expect(out.join('\n')).not.toContain(secret);
  });
});

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Command } from 'commander';
import { TidemarkError, escapeHtmlText, safeEqual, type Clock, systemClock } from '../../core/index.js';
import {
  BrokerClient,
  DEFAULT_API_BASE_URL,
  DEFAULT_AUTH_BASE_URL,
  TIDEMARK_SCOPES,
  accessibleResources,
  authorizationUrl,
  clientCredentials,
  exchangeCode,
  newAuthorizationState,
  pairWithBroker,
  type GrantSite,
} from '../../jira/index.js';
import type { CliContext } from '../context.js';
import { serveFetch } from '../http-adapter.js';
import { parseSeconds, parseUrl } from '../parse.js';
import {
  loadIdentity,
  masterKey,
  oauthApp,
  openVault,
  readConfigFile,
  readSecretFile,
  saveIdentity,
  vaultFile,
  vendorApp,
} from '../settings.js';

export interface ConnectOptions {
  appConfig?: string;
  browser: boolean;
  timeout: number;
  masterKeyFile?: string;
  broker?: string;
  pairingCode?: string;
  name?: string;
  pollInterval: number;
  serviceAccount?: boolean;
  clientId?: string;
  clientSecretFile?: string;
  authUrl?: string;
  apiUrl?: string;
}

export function registerConnectCommand(program: Command, ctx: CliContext): void {
  program
    .command('connect')
    .summary('connect Jira Cloud sites: consent to the Tidemark app, through the broker, or a service account')
    .description(
      'Connect Tidemark to Jira Cloud sites and store the grant sealed in $TIDEMARK_HOME/vault.json (master key ' +
        'from --master-key-file or TIDEMARK_MASTER_KEY). Three ways, one per deployment:\n\n' +
        '  tidemark connect\n' +
        "    Embedded, run where the vendor operates Tidemark. Prints the consent URL of the vendor's OAuth 2.0 " +
        "(3LO) app (and opens a browser when there is one), receives Atlassian's redirect on the loopback " +
        "address of the app's callback URL (e.g. http://127.0.0.1:8976/callback), exchanges the code and stores " +
        'the grant for the sites chosen on the consent page. The app comes from --app-config FILE ({"app": ' +
        '{"clientId", "clientSecretFile", "redirectUri", "authBaseUrl", "apiBaseUrl"}}) or TIDEMARK_CLIENT_ID, ' +
        'TIDEMARK_CLIENT_SECRET_FILE, TIDEMARK_REDIRECT_URI, TIDEMARK_AUTH_BASE_URL, TIDEMARK_API_BASE_URL.\n\n' +
        '  tidemark connect --broker URL --pairing-code CODE\n' +
        "    On-prem (recommended). Pairs this installation with the vendor's broker once (an Ed25519 key pair; " +
        'the private key is sealed in $TIDEMARK_HOME/installation.json), then prints the consent URL; Atlassian ' +
        'redirects to the broker, which keeps the refresh token. This installation later asks the broker for ' +
        'short-lived access tokens; it never holds a refresh token or the app secret. Without --pairing-code an ' +
        'existing pairing is reused.\n\n' +
        '  tidemark connect --service-account --client-id ID --client-secret-file FILE\n' +
        "    On-prem fallback for installations that cannot reach the broker: a service account's OAuth 2.0 " +
        "client-credentials credential, created by the customer's org admin in their own organisation. The secret " +
        'is stored sealed and access tokens are renewed with the client-credentials grant. Caveat: Atlassian has ' +
        'not confirmed in writing that a vendor product may be driven this way; prefer the broker.\n\n' +
        'Never pass an API token or a password: Tidemark refuses them wherever they appear.',
    )
    .option('--app-config <file>', "embedded: JSON file with the vendor app's settings")
    .option('--no-browser', 'do not try to open a browser; only print the consent URL')
    .option('--timeout <seconds>', 'how long to wait for the consent', parseSeconds, 600)
    .option('--master-key-file <file>', 'file holding the master key that seals the vault')
    .option('--broker <url>', 'on-prem: the vendor broker to connect through', parseUrl)
    .option('--pairing-code <code>', "on-prem: one-time pairing code from the broker's admin")
    .option('--name <name>', 'on-prem: name of this installation, shown to the broker admin', os.hostname())
    .option(
      '--poll-interval <seconds>',
      'on-prem: how often to ask the broker whether the consent is done',
      parseSeconds,
      2,
    )
    .option('--service-account', "on-prem fallback: use a service account's client credentials")
    .option('--client-id <id>', 'service account: the client id of its OAuth 2.0 credential')
    .option('--client-secret-file <file>', 'service account: file holding the secret of its OAuth 2.0 credential')
    .option(
      '--auth-url <url>',
      'service account: authorization server (default TIDEMARK_AUTH_BASE_URL or Atlassian)',
      parseUrl,
    )
    .option('--api-url <url>', 'API gateway (default TIDEMARK_API_BASE_URL or Atlassian)', parseUrl)
    .action(async (opts: ConnectOptions) => {
      if (opts.serviceAccount && opts.broker)
        throw new TidemarkError('usage', '--service-account and --broker are two different ways to connect; pick one');
      if (opts.serviceAccount) return connectServiceAccount(ctx, opts);
      if (opts.broker || opts.pairingCode) return connectThroughBroker(ctx, opts);
      await connectEmbedded(ctx, opts);
    });
}

function sitesLine(sites: GrantSite[]): string {
  return sites.length > 0 ? sites.map((s) => `${s.name} (${s.cloudId})`).join(', ') : 'no sites';
}

function offerBrowser(ctx: CliContext, url: string, browser: boolean): void {
  ctx.out(`Open this URL in a browser to approve Tidemark on Atlassian's consent page:\n\n  ${url}\n`);
  if (browser && ctx.openBrowser(url)) ctx.out('(opened in your browser)');
}

function timeoutError(seconds: number): TidemarkError {
  return new TidemarkError('cancelled', `no consent arrived within ${seconds} s; nothing was stored`, {
    hint: 'Run the command again and approve Tidemark on the consent page (or raise --timeout).',
  });
}

/**
 * Embedded: the vendor app's consent, with Atlassian's redirect received on a loopback port.
 * Answers the stored connection's id and sites.
 */
export async function connectEmbedded(
  ctx: CliContext,
  opts: Pick<ConnectOptions, 'appConfig' | 'browser' | 'timeout' | 'masterKeyFile'>,
): Promise<{ id: string; sites: GrantSite[] }> {
  const config = opts.appConfig ? await readConfigFile(opts.appConfig, true) : undefined;
  const app = (await vendorApp(ctx, config))!;
  if (!app.redirectUri)
    throw new TidemarkError('config', "the app's callback URL (redirectUri) is not configured", {
      hint: 'Set "redirectUri" in --app-config or TIDEMARK_REDIRECT_URI to the callback URL configured on the app, a loopback address such as http://127.0.0.1:8976/callback.',
    });
  const redirect = new URL(app.redirectUri);
  if (
    redirect.protocol !== 'http:' ||
    !['127.0.0.1', 'localhost', '[::1]'].includes(redirect.hostname) ||
    !redirect.port
  )
    throw new TidemarkError('config', `the callback URL ${app.redirectUri} is not a loopback address with a port`, {
      hint: '`tidemark connect` receives the consent on this machine: register http://127.0.0.1:<port>/<path> as the callback URL (or use `tidemark server`).',
    });
  const vault = await openVault(ctx.env, opts.masterKeyFile);
  const { state } = newAuthorizationState();
  const url = authorizationUrl(
    { authBaseUrl: app.authBaseUrl, clientId: app.clientId, redirectUri: app.redirectUri },
    Object.keys(TIDEMARK_SCOPES),
    state,
  );
  let settle!: (outcome: { sites: GrantSite[]; id: string } | Error) => void;
  const outcome = new Promise<{ sites: GrantSite[]; id: string } | Error>((resolve) => (settle = resolve));
  const served = await serveFetch(
    async (req) => {
      const u = new URL(req.url);
      if (u.pathname !== redirect.pathname) return html(404, 'Not found', 'This address only receives the consent.');
      const got = u.searchParams.get('state') ?? '';
      if (!got || !safeEqual(got, state))
        return html(
          400,
          'Connection not verified',
          'This consent response does not belong to the running `tidemark connect` (missing or unknown state). Nothing was stored.',
        );
      const error = u.searchParams.get('error');
      const code = u.searchParams.get('code');
      if (error || !code) {
        settle(new TidemarkError('auth', `Atlassian did not grant access (${error ?? 'no code'}); nothing was stored`));
        return html(
          400,
          'Connection not made',
          `Atlassian reported: ${error ?? 'no code'}. You can close this window.`,
        );
      }
      try {
        const oauth = oauthApp(app, app.redirectUri!);
        const tokens = await exchangeCode(ctx.fetch, oauth, code);
        const resources = await accessibleResources(ctx.fetch, app.apiBaseUrl, tokens.accessToken);
        const sites = resources.map((r) => ({ cloudId: r.id, name: r.name, url: r.url }));
        const id = `grant_${randomUUID()}`;
        const now = systemClock.now();
        await vault.put({
          id,
          kind: '3lo',
          clientId: app.clientId,
          scopes: tokens.scope.split(' ').filter(Boolean),
          sites,
          ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
          accessToken: tokens.accessToken,
          accessExpiresAt: now + tokens.expiresIn * 1000,
          endpoints: { authBaseUrl: app.authBaseUrl, apiBaseUrl: app.apiBaseUrl },
          status: 'active',
          createdAt: now,
          updatedAt: now,
        });
        settle({ sites, id });
        return html(200, 'Connected', `Tidemark can now back up ${sitesLine(sites)}. You can close this window.`);
      } catch (e) {
        settle(e instanceof Error ? e : new Error(String(e)));
        return html(502, 'Connection not made', e instanceof Error ? e.message : 'the code could not be exchanged');
      }
    },
    { host: redirect.hostname.replace(/^\[|\]$/g, ''), port: Number(redirect.port) },
  );
  try {
    offerBrowser(ctx, url, opts.browser);
    ctx.out(`Waiting for Atlassian's redirect to ${app.redirectUri} …`);
    const result = await race(outcome, opts.timeout, ctx);
    if (result instanceof Error) throw result;
    ctx.out(`Connected ${sitesLine(result.sites)}.`);
    ctx.out(`Stored as ${result.id} (sealed) in ${vaultFile(ctx.env)}.`);
    return result;
  } finally {
    await served.close({ graceful: true });
  }
}

/** On-prem: pair with the vendor broker once, then consent through the broker's callback. */
async function connectThroughBroker(ctx: CliContext, opts: ConnectOptions, clock: Clock = systemClock): Promise<void> {
  if (!opts.broker) throw new TidemarkError('usage', '--pairing-code needs --broker URL');
  const key = await masterKey(ctx.env, opts.masterKeyFile);
  const vault = await openVault(ctx.env, opts.masterKeyFile);
  let identity = await loadIdentity(ctx.env, key);
  if (opts.pairingCode) {
    identity = await pairWithBroker(ctx.fetch, opts.broker, opts.pairingCode, opts.name ?? os.hostname());
    await saveIdentity(ctx.env, key, identity);
    ctx.out(`Paired with ${identity.brokerUrl} as installation ${identity.installationId}.`);
  } else if (!identity || identity.brokerUrl !== opts.broker) {
    throw new TidemarkError('usage', `this installation is not paired with ${opts.broker}`, {
      hint: "Ask the broker's admin for a one-time pairing code and pass it with --pairing-code.",
    });
  }
  const broker = new BrokerClient(identity, { fetch: ctx.fetch, clock });
  const { sessionId, authorizeUrl } = await broker.startConsent();
  offerBrowser(ctx, authorizeUrl, opts.browser);
  ctx.out('Waiting for the consent to reach the broker …');
  const deadline = clock.now() + opts.timeout * 1000;
  for (;;) {
    const status = await broker.consentStatus(sessionId);
    if (status.status === 'connected' && status.grantId) {
      const now = clock.now();
      await vault.put({
        id: status.grantId,
        kind: 'broker',
        clientId: '',
        scopes: status.scopes ?? [],
        sites: status.sites ?? [],
        endpoints: {
          brokerUrl: identity.brokerUrl,
          apiBaseUrl: opts.apiUrl ?? ctx.env.TIDEMARK_API_BASE_URL ?? DEFAULT_API_BASE_URL,
        },
        status: 'active',
        createdAt: now,
        updatedAt: now,
      });
      ctx.out(`Connected ${sitesLine(status.sites ?? [])} through the broker.`);
      ctx.out(`Stored as ${status.grantId} in ${vaultFile(ctx.env)} (no token is kept on this machine).`);
      return;
    }
    if (status.status === 'failed')
      throw new TidemarkError(
        'auth',
        `the consent did not complete: ${status.error ?? 'unknown reason'}; nothing was stored`,
      );
    if (clock.now() >= deadline) throw timeoutError(opts.timeout);
    await clock.sleep(opts.pollInterval * 1000);
  }
}

/** On-prem fallback: a customer-owned service account's client credentials. */
async function connectServiceAccount(ctx: CliContext, opts: ConnectOptions): Promise<void> {
  if (!opts.clientId || !opts.clientSecretFile)
    throw new TidemarkError('usage', '--service-account needs --client-id and --client-secret-file', {
      hint: 'Your org admin creates the credential on the service account (Atlassian Administration → Directory → Service accounts → Create credentials → OAuth 2.0) with the scopes `tidemark compliance` lists.',
    });
  const secret = await readSecretFile(opts.clientSecretFile, "the service account's client secret", false);
  const authBaseUrl = opts.authUrl ?? ctx.env.TIDEMARK_AUTH_BASE_URL ?? DEFAULT_AUTH_BASE_URL;
  const apiBaseUrl = opts.apiUrl ?? ctx.env.TIDEMARK_API_BASE_URL ?? DEFAULT_API_BASE_URL;
  const vault = await openVault(ctx.env, opts.masterKeyFile);
  const tokens = await clientCredentials(ctx.fetch, authBaseUrl, opts.clientId, secret);
  const resources = await accessibleResources(ctx.fetch, apiBaseUrl, tokens.accessToken);
  const sites = resources.map((r) => ({ cloudId: r.id, name: r.name, url: r.url }));
  const id = `sa_${opts.clientId}`;
  const now = systemClock.now();
  await vault.put({
    id,
    kind: 'service-account',
    clientId: opts.clientId,
    clientSecret: secret,
    scopes: tokens.scope.split(' ').filter(Boolean),
    sites,
    accessToken: tokens.accessToken,
    accessExpiresAt: now + tokens.expiresIn * 1000,
    endpoints: { authBaseUrl, apiBaseUrl },
    status: 'active',
    createdAt: now,
    updatedAt: now,
  });
  ctx.out(`Connected ${sitesLine(sites)} with the service account's client credentials.`);
  ctx.out(`Stored as ${id} (secret sealed) in ${vaultFile(ctx.env)}.`);
  ctx.out(
    "Note: Atlassian has not confirmed in writing that a vendor product may use a service account's credentials; the vendor broker is the recommended on-prem connection.",
  );
}

function race<T>(outcome: Promise<T>, seconds: number, ctx: CliContext): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(seconds)), seconds * 1000);
  });
  const stopped = ctx.stopped().then(() => {
    throw new TidemarkError('cancelled', 'stopped before the consent arrived; nothing was stored');
  });
  return Promise.race([outcome, timeout, stopped]).finally(() => clearTimeout(timer));
}

function html(status: number, title: string, text: string): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtmlText(title)} — Tidemark</title></head><body><h1>${escapeHtmlText(title)}</h1><p>${escapeHtmlText(text)}</p></body></html>`,
    {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' },
    },
  );
}

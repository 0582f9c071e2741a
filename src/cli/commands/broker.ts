import path from 'node:path';
import type { Command } from 'commander';
import { TidemarkError } from '../../core/index.js';
import { TokenBroker } from '../../broker/broker.js';
import { FileAuditLog } from '../../broker/state.js';
import { FileVaultStorage } from '../../jira/index.js';
import type { CliContext } from '../context.js';
import { serveFetch, type FetchHandler } from '../http-adapter.js';
import { jsonLogger } from '../logger.js';
import { parsePort, parseUrl } from '../parse.js';
import { masterKey, oauthApp, readConfigFile, readSecretFile, tidemarkHome, vendorApp } from '../settings.js';

interface BrokerOptions {
  config?: string;
  host: string;
  port: number;
  publicUrl?: string;
  masterKeyFile?: string;
  stateDir?: string;
}

export function registerBrokerCommand(program: Command, ctx: CliContext): void {
  program
    .command('broker')
    .summary('run the vendor token broker that on-prem installations get access tokens from')
    .description(
      "Run the token broker (vendor-hosted). It holds the vendor app's client secret and the grants' " +
        'refresh tokens, sealed under the master key, and gives paired on-prem installations short-lived access ' +
        'tokens — never a refresh token or the secret. Backup data never passes through it.\n\n' +
        'Admin API (Authorization: Bearer <admin token>): POST /admin/pairing-codes issues a one-time pairing ' +
        'code; GET /admin/installations lists installations; POST /admin/installations/<id>/revoke revokes one ' +
        '(its grants are deleted); GET /admin/audit returns the audit log (one line per issued token: ' +
        'installation, sites, scopes, token fingerprint).\n\n' +
        'Installations use POST /v1/pair, /v1/consent, /v1/consent/status, /v1/token, /v1/disconnect with ' +
        'Ed25519-signed, single-use assertions (`tidemark connect --broker URL --pairing-code CODE`). ' +
        "Atlassian redirects consents to <public URL>/oauth/callback, which must be the app's callback URL.\n\n" +
        'Settings: the configuration file ({"app": {"clientId", "clientSecretFile", "authBaseUrl", "apiBaseUrl"}, ' +
        '"publicUrl", "adminTokenFile", "stateDir"}) or TIDEMARK_CLIENT_ID, TIDEMARK_CLIENT_SECRET_FILE, ' +
        'TIDEMARK_AUTH_BASE_URL, TIDEMARK_API_BASE_URL, TIDEMARK_PUBLIC_URL, TIDEMARK_BROKER_ADMIN_TOKEN; ' +
        'the master key from --master-key-file or TIDEMARK_MASTER_KEY. State lives in <state dir> ' +
        '(default $TIDEMARK_HOME/broker): state.json and vault.json (sealed), audit.log (no secrets).',
    )
    .option('-c, --config <file>', 'JSON configuration file')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'TCP port to listen on (0 picks a free one)', parsePort, 8443)
    .option(
      '--public-url <url>',
      'URL installations and browsers reach the broker at (default: the listening URL)',
      parseUrl,
    )
    .option('--master-key-file <file>', 'file holding the master key that seals the broker state')
    .option('--state-dir <dir>', 'directory of the broker state (default $TIDEMARK_HOME/broker)')
    .action(async (opts: BrokerOptions) => {
      const config = opts.config ? await readConfigFile(opts.config, true) : undefined;
      const app = (await vendorApp(ctx, config))!;
      const key = await masterKey(ctx.env, opts.masterKeyFile);
      const adminTokenFile = typeof config?.adminTokenFile === 'string' ? config.adminTokenFile : undefined;
      const adminToken = adminTokenFile
        ? await readSecretFile(adminTokenFile, 'the broker admin token', true)
        : ctx.env.TIDEMARK_BROKER_ADMIN_TOKEN;
      if (!adminToken || adminToken.length < 16)
        throw new TidemarkError('config', 'the broker needs an admin token of at least 16 characters', {
          hint: 'Set TIDEMARK_BROKER_ADMIN_TOKEN or "adminTokenFile" in the configuration file.',
        });
      const configuredDir = typeof config?.stateDir === 'string' ? config.stateDir : undefined;
      const dir = path.resolve(opts.stateDir ?? configuredDir ?? path.join(tidemarkHome(ctx.env), 'broker'));
      const logger = jsonLogger((line) => ctx.err(line), { level: ctx.env.TIDEMARK_LOG_LEVEL ?? 'info' });
      let handler: FetchHandler = async () => new Response('starting', { status: 503 });
      const served = await serveFetch((req) => handler(req), { host: opts.host, port: opts.port });
      const configured = typeof config?.publicUrl === 'string' ? parseUrl(config.publicUrl) : undefined;
      const publicUrl = opts.publicUrl ?? configured ?? ctx.env.TIDEMARK_PUBLIC_URL?.replace(/\/+$/, '') ?? served.url;
      const broker = new TokenBroker({
        publicUrl,
        app: oauthApp(app, `${publicUrl}/oauth/callback`),
        adminToken,
        masterKey: key,
        stateStorage: new FileVaultStorage(path.join(dir, 'state.json')),
        vaultStorage: new FileVaultStorage(path.join(dir, 'vault.json')),
        audit: new FileAuditLog(path.join(dir, 'audit.log')),
        logger,
      });
      handler = broker.fetch;
      ctx.out(`listening on ${served.url}`);
      ctx.out(`  public URL      ${publicUrl}`);
      ctx.out(`  OAuth callback  ${publicUrl}/oauth/callback (must be the app's callback URL)`);
      ctx.out(`  state           ${dir}`);
      logger.info('broker started', { url: served.url, publicUrl, clientId: app.clientId });
      await ctx.stopped();
      logger.info('broker stopping');
      await served.close();
    });
}

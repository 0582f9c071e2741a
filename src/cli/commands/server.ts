import type { Command } from 'commander';
import { TidemarkError } from '../../core/index.js';
import { FileVaultStorage, TokenVault } from '../../jira/index.js';
import { createServerApp } from '../../server/app.js';
import type { CliContext } from '../context.js';
import { serveFetch, type FetchHandler } from '../http-adapter.js';
import { jsonLogger } from '../logger.js';
import { parsePort, parseUrl } from '../parse.js';
import { masterKey, oauthApp, readConfigFile, vaultFile, vendorApp } from '../settings.js';

interface ServerOptions {
  config?: string;
  host: string;
  port: number;
  publicUrl?: string;
  masterKeyFile?: string;
}

export function registerServerCommand(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .summary('run the Tidemark server (SaaS / embedded): connect Jira sites through the vendor app')
    .description(
      "Run Tidemark's HTTP server. Operators connect Jira Cloud sites at /connect: Tidemark sends them to " +
        "Atlassian's consent page for the vendor's OAuth 2.0 (3LO) app, with a `state` bound to their browser " +
        'session; /oauth/callback checks it, exchanges the code, discovers the granted sites and stores the ' +
        'grant sealed in $TIDEMARK_HOME/vault.json. / lists connections (disconnect deletes their tokens); ' +
        '/api/connections lists them as JSON.\n\n' +
        "The vendor runs this command, so it holds the vendor app's client secret: from the configuration file " +
        '({"app": {"clientId", "clientSecretFile", "authBaseUrl", "apiBaseUrl"}, "publicUrl"}) or from ' +
        'TIDEMARK_CLIENT_ID, TIDEMARK_CLIENT_SECRET_FILE (or TIDEMARK_CLIENT_SECRET), TIDEMARK_AUTH_BASE_URL, ' +
        "TIDEMARK_API_BASE_URL, TIDEMARK_PUBLIC_URL. The app's callback URL must be <public URL>/oauth/callback. " +
        'Tokens are sealed under the master key (--master-key-file or TIDEMARK_MASTER_KEY). API tokens, ' +
        'passwords and basic-auth credentials are refused wherever they appear.',
    )
    .option('-c, --config <file>', 'JSON configuration file')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'TCP port to listen on (0 picks a free one)', parsePort, 8080)
    .option('--public-url <url>', 'URL operators reach the server at (default: the listening URL)', parseUrl)
    .option('--master-key-file <file>', 'file holding the master key that seals tokens')
    .action(async (opts: ServerOptions) => {
      const config = opts.config ? await readConfigFile(opts.config, true) : undefined;
      const app = (await vendorApp(ctx, config))!;
      const key = await masterKey(ctx.env, opts.masterKeyFile);
      const vault = await TokenVault.open({ storage: new FileVaultStorage(vaultFile(ctx.env)), masterKey: key });
      const logger = jsonLogger((line) => ctx.err(line), { level: ctx.env.TIDEMARK_LOG_LEVEL ?? 'info' });
      let handler: FetchHandler = async () => new Response('starting', { status: 503 });
      const served = await serveFetch((req) => handler(req), { host: opts.host, port: opts.port });
      const configured = typeof config?.publicUrl === 'string' ? parseUrl(config.publicUrl) : undefined;
      const publicUrl = opts.publicUrl ?? configured ?? ctx.env.TIDEMARK_PUBLIC_URL?.replace(/\/+$/, '') ?? served.url;
      if (!/^https?:\/\//.test(publicUrl)) throw new TidemarkError('config', `not a public URL: ${publicUrl}`);
      const redirectUri = `${publicUrl}/oauth/callback`;
      const web = createServerApp({
        app: oauthApp(app, redirectUri),
        vault,
        logger,
        secureCookies: publicUrl.startsWith('https:'),
      });
      handler = (req) => Promise.resolve(web.fetch(req));
      ctx.out(`listening on ${served.url}`);
      ctx.out(`  connect sites at ${publicUrl}/connect`);
      ctx.out(`  OAuth callback   ${redirectUri} (must be the app's callback URL)`);
      logger.info('server started', { url: served.url, publicUrl, clientId: app.clientId });
      await ctx.stopped();
      logger.info('server stopping');
      await served.close();
    });
}

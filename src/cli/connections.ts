/**
 * Turning a stored connection into something that calls Jira: the TokenProvider that fits its kind
 * (vault + refresh for embedded 3LO grants, vault + client credentials for service accounts, the
 * broker for on-prem installations) and a JiraClient for each of its sites.
 */
import { TidemarkError, type Logger } from '../core/index.js';
import {
  BrokerClient,
  DEFAULT_API_BASE_URL,
  DEFAULT_AUTH_BASE_URL,
  JiraClient,
  clientCredentialsRenewer,
  refreshRenewer,
  type DeploymentMode,
  type GrantSite,
  type TokenProvider,
  type TokenVault,
} from '../jira/index.js';
import type { CliContext } from './context.js';
import { loadIdentity, vendorApp } from './settings.js';
import { VERSION } from './version.js';

export type ConnectionView = ReturnType<TokenVault['list']>[number];

export interface ConnectionAccess {
  tokens: TokenProvider;
  apiBaseUrl: string;
  mode: DeploymentMode;
}

export async function accessFor(
  ctx: CliContext,
  vault: TokenVault,
  grant: ConnectionView,
  key: Uint8Array,
): Promise<ConnectionAccess> {
  if (grant.kind === 'broker') {
    const identity = await loadIdentity(ctx.env, key);
    if (!identity)
      throw new TidemarkError('config', 'this installation is not paired with a broker any more', {
        hint: 'Run `tidemark connect --broker URL --pairing-code CODE` again.',
      });
    const broker = new BrokerClient(identity, { fetch: ctx.fetch });
    return {
      tokens: broker.tokenProvider(grant.id),
      apiBaseUrl: grant.endpoints?.apiBaseUrl ?? ctx.env.TIDEMARK_API_BASE_URL ?? DEFAULT_API_BASE_URL,
      mode: 'on-prem',
    };
  }
  if (grant.kind === 'service-account') {
    const authBase = grant.endpoints?.authBaseUrl ?? ctx.env.TIDEMARK_AUTH_BASE_URL ?? DEFAULT_AUTH_BASE_URL;
    return {
      tokens: vault.provider(grant.id, clientCredentialsRenewer(ctx.fetch, authBase)),
      apiBaseUrl: grant.endpoints?.apiBaseUrl ?? ctx.env.TIDEMARK_API_BASE_URL ?? DEFAULT_API_BASE_URL,
      mode: 'on-prem',
    };
  }
  // An embedded 3LO grant: refreshing it needs the vendor app's secret (vendor-operated installs only).
  const app = await vendorApp(ctx, undefined, { required: false });
  return {
    tokens: vault.provider(grant.id, (g) => {
      if (!app)
        throw new TidemarkError('config', "renewing this connection needs the vendor app's client id and secret", {
          hint: 'Set TIDEMARK_CLIENT_ID and TIDEMARK_CLIENT_SECRET_FILE as for `tidemark connect`.',
        });
      return refreshRenewer(ctx.fetch, { ...app, authBaseUrl: g.endpoints?.authBaseUrl ?? app.authBaseUrl })(g);
    }),
    apiBaseUrl: grant.endpoints?.apiBaseUrl ?? app?.apiBaseUrl ?? DEFAULT_API_BASE_URL,
    mode: 'embedded',
  };
}

export function clientFor(ctx: CliContext, access: ConnectionAccess, site: GrantSite, logger?: Logger): JiraClient {
  return new JiraClient({
    cloudId: site.cloudId,
    tokens: access.tokens,
    mode: access.mode,
    version: VERSION,
    apiBaseUrl: access.apiBaseUrl,
    fetch: ctx.fetch,
    ...(logger ? { logger } : {}),
  });
}

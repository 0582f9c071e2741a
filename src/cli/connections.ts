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
  type RateGovernor,
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

export function clientFor(
  ctx: CliContext,
  access: ConnectionAccess,
  site: GrantSite,
  logger?: Logger,
  governor?: RateGovernor,
): JiraClient {
  return new JiraClient({
    cloudId: site.cloudId,
    tokens: access.tokens,
    mode: access.mode,
    version: VERSION,
    apiBaseUrl: access.apiBaseUrl,
    fetch: ctx.fetch,
    ...(logger ? { logger } : {}),
    ...(governor ? { governor } : {}),
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function siteLine(grant: ConnectionView, site: GrantSite): string {
  return `${site.name} (${hostOf(site.url)}, cloud id ${site.cloudId}) via ${grant.kind} connection ${grant.id}`;
}

/**
 * The connected site a command means: `site` by name, host, URL or cloud id (any case), else the
 * only connected site. A site reachable through several connections uses `connection` when given,
 * else the active connection stored last. Fails with the list of sites when the choice is ambiguous
 * or nothing matches, and with a hint to connect when there is no connection.
 */
export function resolveSite(
  vault: TokenVault,
  site: string | undefined,
  connection: string | undefined,
): { grant: ConnectionView; site: GrantSite } {
  let grants = vault.list();
  if (grants.length === 0)
    throw new TidemarkError('config', 'there are no connected Jira sites', {
      hint: 'Connect one with `tidemark connect` (or `tidemark connect --broker URL` on-prem).',
    });
  if (connection) {
    grants = grants.filter((g) => g.id === connection);
    if (grants.length === 0)
      throw new TidemarkError('not-found', `there is no connection ${connection}`, {
        hint: '`tidemark connections` lists the connections.',
      });
  }
  const pairs = grants.flatMap((g) => g.sites.map((s) => ({ grant: g, site: s })));
  const list = (): string => pairs.map((p) => `  ${siteLine(p.grant, p.site)}`).join('\n');
  let matches = pairs;
  if (site) {
    const want = site.trim().toLowerCase().replace(/\/+$/, '');
    matches = pairs.filter(
      (p) =>
        p.site.cloudId.toLowerCase() === want ||
        p.site.name.toLowerCase() === want ||
        hostOf(p.site.url).toLowerCase() === want ||
        p.site.url.toLowerCase().replace(/\/+$/, '') === want,
    );
    if (matches.length === 0)
      throw new TidemarkError('not-found', `no connected site matches ${site}`, {
        hint: `Name a site by name, host or cloud id. Connected sites:\n${list()}`,
      });
  }
  const cloudIds = [...new Set(matches.map((m) => m.site.cloudId))];
  if (cloudIds.length > 1)
    throw new TidemarkError(
      'usage',
      `${site ? `${site} matches` : 'there are'} ${cloudIds.length} connected sites; say which one with --site`,
      {
        hint: `Connected sites:\n${matches.map((p) => `  ${siteLine(p.grant, p.site)}`).join('\n')}`,
      },
    );
  const usable = matches.filter((m) => m.grant.status === 'active');
  const pick = [...(usable.length > 0 ? usable : matches)].sort(
    (x, y) => (y.grant.updatedAt ?? 0) - (x.grant.updatedAt ?? 0),
  )[0]!;
  return pick;
}

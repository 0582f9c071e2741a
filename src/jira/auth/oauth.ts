/**
 * OAuth 2.0 (3LO) client calls to Atlassian's authorization server: the consent URL, the code
 * exchange, refresh (rotating refresh tokens), client credentials, and site discovery.
 */
import { randomBytes, createHash } from 'node:crypto';
import { TidemarkError, registerSecret } from '../../core/index.js';
import { JiraError, parseErrorBody } from '../errors.js';

export interface OAuthAppConfig {
  clientId: string;
  /** Held only by the SaaS server or the vendor broker; never by an on-prem installation. */
  clientSecret: string;
  redirectUri: string;
  authBaseUrl: string;
  apiBaseUrl: string;
}

export interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  scope: string;
  refreshToken?: string;
}

export interface AccessibleResource {
  id: string;
  name: string;
  url: string;
  scopes: string[];
  avatarUrl?: string;
}

/** Scopes Tidemark asks for, each with the reason (shown by `tidemark compliance`). */
export const TIDEMARK_SCOPES: Record<string, string> = {
  'read:jira-work': 'read issues, comments, worklogs, attachments, projects and configuration to back them up',
  'read:jira-user': 'read users and groups so that backups keep who did what',
  'manage:jira-configuration': 'read admin-only configuration (schemes, workflows, fields, custom field contexts)',
  'manage:jira-project': 'read and restore project-level configuration (components, versions, screens)',
  'write:jira-work': 'restore issues, comments, worklogs, attachments and links',
  'manage:jira-webhook': 'register dynamic webhooks so incremental backups learn of changes and deletions',
  offline_access: 'receive a refresh token so scheduled backups run without the user present',
  'read:me': 'show which Atlassian account authorised the connection',
  'report:personal-data': "report stored account ids to Atlassian's personal-data reporting API, as apps must",
  'read:board-scope:jira-software': 'back up Jira Software boards',
  'read:board-scope.admin:jira-software': 'back up board configuration (columns, filters, estimation)',
  'read:sprint:jira-software': 'back up sprints and their issues',
  'read:epic:jira-software': 'back up epics of boards',
  'read:issue:jira-software': 'read agile fields of issues (sprint, rank)',
  'read:project:jira': 'read the projects boards belong to',
  'write:board-scope:jira-software': 'restore rank order on boards',
  'write:sprint:jira-software': 'restore sprints and sprint membership',
  'delete:sprint:jira-software': 'remove sprints created by a restore that was rolled back',
  'write:issue:jira-software': 'restore rank and backlog placement',
  'read:servicedesk-request': 'back up Jira Service Management requests and their public and internal comments',
  'write:servicedesk-request': 'restore internal (agent-only) comments on service requests',
};

/** A random `state` value and a verifier bound to the operator's session (PKCE-style binding). */
export function newAuthorizationState(): { state: string; verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { state: `${randomBytes(16).toString('base64url')}.${challenge.slice(0, 16)}`, verifier, challenge };
}

export function authorizationUrl(
  app: Pick<OAuthAppConfig, 'authBaseUrl' | 'clientId' | 'redirectUri'>,
  scopes: string[],
  state: string,
): string {
  const q = new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: app.clientId,
    scope: scopes.join(' '),
    redirect_uri: app.redirectUri,
    state,
    response_type: 'code',
    prompt: 'consent',
  });
  return `${app.authBaseUrl.replace(/\/+$/, '')}/authorize?${q.toString()}`;
}

async function tokenCall(
  fetchFn: typeof fetch,
  authBaseUrl: string,
  body: Record<string, string>,
): Promise<TokenResponse> {
  registerSecret(body.client_secret);
  registerSecret(body.refresh_token);
  registerSecret(body.code);
  let res: Response;
  try {
    res = await fetchFn(`${authBaseUrl.replace(/\/+$/, '')}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new JiraError('network', 'cannot reach the Atlassian authorization server', { cause: e });
  }
  const text = await res.text();
  if (!res.ok) {
    const { errorMessages } = parseErrorBody(text);
    let error = '';
    try {
      error = String((JSON.parse(text) as { error?: unknown }).error ?? '');
    } catch {
      /* not JSON */
    }
    if (error === 'invalid_grant') {
      throw new JiraError(
        'needs-reconsent',
        `the authorization server refused the grant: ${errorMessages.join('; ') || 'invalid_grant'}`,
        {
          status: res.status,
          hint: 'The refresh token is no longer valid (revoked, expired, reused after rotation, or the user changed password). Reconnect the site.',
        },
      );
    }
    throw new JiraError(
      res.status >= 500 ? 'server' : 'auth',
      `token request failed (${res.status}): ${errorMessages.join('; ') || error}`,
      {
        status: res.status,
      },
    );
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new JiraError('server', 'the authorization server answered with a body that is not JSON', { cause: e });
  }
  if (typeof json.access_token !== 'string' || typeof json.expires_in !== 'number') {
    throw new JiraError('server', 'the authorization server answered without access_token/expires_in');
  }
  registerSecret(json.access_token);
  if (typeof json.refresh_token === 'string') registerSecret(json.refresh_token);
  return {
    accessToken: json.access_token,
    expiresIn: json.expires_in,
    scope: typeof json.scope === 'string' ? json.scope : '',
    ...(typeof json.refresh_token === 'string' ? { refreshToken: json.refresh_token } : {}),
  };
}

export function exchangeCode(fetchFn: typeof fetch, app: OAuthAppConfig, code: string): Promise<TokenResponse> {
  return tokenCall(fetchFn, app.authBaseUrl, {
    grant_type: 'authorization_code',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    code,
    redirect_uri: app.redirectUri,
  });
}

export function refreshTokens(
  fetchFn: typeof fetch,
  app: Pick<OAuthAppConfig, 'authBaseUrl' | 'clientId' | 'clientSecret'>,
  refreshToken: string,
): Promise<TokenResponse> {
  return tokenCall(fetchFn, app.authBaseUrl, {
    grant_type: 'refresh_token',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    refresh_token: refreshToken,
  });
}

export function clientCredentials(
  fetchFn: typeof fetch,
  authBaseUrl: string,
  clientId: string,
  clientSecret: string,
): Promise<TokenResponse> {
  return tokenCall(fetchFn, authBaseUrl, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
}

export async function accessibleResources(
  fetchFn: typeof fetch,
  apiBaseUrl: string,
  accessToken: string,
): Promise<AccessibleResource[]> {
  const res = await fetchFn(`${apiBaseUrl.replace(/\/+$/, '')}/oauth/token/accessible-resources`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (!res.ok)
    throw new JiraError(res.status === 401 ? 'auth' : 'server', `accessible-resources answered ${res.status}`, {
      status: res.status,
    });
  const body = (await res.json()) as unknown;
  if (!Array.isArray(body)) throw new TidemarkError('server', 'accessible-resources did not answer with a list');
  return body as AccessibleResource[];
}

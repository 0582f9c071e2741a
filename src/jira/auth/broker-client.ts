/**
 * The on-prem installation's side of the vendor broker: pairing (generates the Ed25519 key pair),
 * consent sessions, and a TokenProvider that asks the broker for short-lived access tokens with a
 * fresh signed assertion each time. Access tokens are kept in memory only; the installation never
 * holds a refresh token or the app's client secret.
 */
import { TidemarkError, registerSecret, systemClock, type Clock } from '../../core/index.js';
import { JiraError } from '../errors.js';
import type { TokenProvider } from '../hooks.js';
import { generateInstallationKey, signAssertion } from './assertion.js';
import { tokenFingerprint } from './crypto.js';
import type { GrantSite } from './vault.js';

export interface InstallationIdentity {
  brokerUrl: string;
  installationId: string;
  /** Ed25519 private key, PKCS#8 DER base64. Store it sealed. */
  privateKey: string;
}

async function brokerCall<T>(fetchFn: typeof fetch, url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      ...init,
      headers: { accept: 'application/json', 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  } catch (e) {
    throw new JiraError('network', `cannot reach the Tidemark broker at ${new URL(url).origin}`, {
      cause: e,
      hint: 'Check that this server can reach the vendor broker over HTTPS; customers who cannot may use a service account instead.',
    });
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new JiraError('server', `the broker answered ${res.status} with a body that is not JSON`);
  }
  if (!res.ok) {
    const message = typeof body.message === 'string' ? body.message : `broker answered ${res.status}`;
    const kind =
      res.status === 401
        ? 'auth'
        : res.status === 403
          ? 'forbidden'
          : res.status === 404
            ? 'not-found'
            : res.status === 409
              ? 'needs-reconsent'
              : res.status >= 500
                ? 'server'
                : 'validation';
    throw new JiraError(kind, `broker: ${message}`, {
      status: res.status,
      ...(typeof body.hint === 'string' ? { hint: body.hint } : {}),
    });
  }
  return body as T;
}

/** Pairs this installation with the broker using a one-time code from the broker's admin. */
export async function pairWithBroker(
  fetchFn: typeof fetch,
  brokerUrl: string,
  code: string,
  name: string,
): Promise<InstallationIdentity> {
  const keys = generateInstallationKey();
  const base = brokerUrl.replace(/\/+$/, '');
  const res = await brokerCall<{ installationId: string }>(fetchFn, `${base}/v1/pair`, {
    method: 'POST',
    body: JSON.stringify({ code, name, publicKey: keys.publicKey }),
  });
  return { brokerUrl: base, installationId: res.installationId, privateKey: keys.privateKey };
}

export interface BrokerTokenAnswer {
  access_token: string;
  expires_in: number;
  scope: string;
  sites: GrantSite[];
}

export class BrokerClient {
  private readonly fetchFn: typeof fetch;
  private readonly clock: Clock;
  private readonly cache = new Map<string, { token: string; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<string>>();
  /** Fingerprint of the last token Jira refused, per grant: the broker renews instead of resending it. */
  private readonly refused = new Map<string, string>();

  constructor(
    readonly identity: InstallationIdentity,
    options: { fetch?: typeof fetch; clock?: Clock } = {},
  ) {
    this.fetchFn = options.fetch ?? fetch;
    this.clock = options.clock ?? systemClock;
  }

  private signed(purpose: string, claims: Record<string, unknown> = {}): Record<string, string> {
    const assertion = signAssertion(
      this.identity.privateKey,
      { iss: this.identity.installationId, aud: this.identity.brokerUrl, sub: purpose, ...claims },
      this.clock.now(),
    );
    return { authorization: `Bearer ${assertion}` };
  }

  startConsent(): Promise<{ sessionId: string; authorizeUrl: string }> {
    return brokerCall(this.fetchFn, `${this.identity.brokerUrl}/v1/consent`, {
      method: 'POST',
      headers: this.signed('consent'),
      body: '{}',
    });
  }

  consentStatus(sessionId: string): Promise<{
    status: 'pending' | 'connected' | 'failed';
    grantId?: string;
    sites?: GrantSite[];
    scopes?: string[];
    error?: string;
  }> {
    return brokerCall(this.fetchFn, `${this.identity.brokerUrl}/v1/consent/status`, {
      method: 'POST',
      headers: this.signed('consent-status', { sessionId }),
      body: '{}',
    });
  }

  grants(): Promise<Array<{ grantId: string; sites: GrantSite[]; scopes: string[]; status: string }>> {
    return brokerCall(this.fetchFn, `${this.identity.brokerUrl}/v1/grants`, {
      method: 'GET',
      headers: this.signed('grants'),
    });
  }

  async disconnect(grantId: string): Promise<void> {
    await brokerCall(this.fetchFn, `${this.identity.brokerUrl}/v1/disconnect`, {
      method: 'POST',
      headers: this.signed('disconnect', { grantId }),
      body: '{}',
    });
    this.cache.delete(grantId);
  }

  /** Asks the broker for an access token (used by the TokenProvider; exposed for tests). */
  async requestToken(grantId: string): Promise<BrokerTokenAnswer> {
    const answer = await brokerCall<BrokerTokenAnswer>(this.fetchFn, `${this.identity.brokerUrl}/v1/token`, {
      method: 'POST',
      headers: this.signed('token', {
        grantId,
        ...(this.refused.has(grantId) ? { refused: this.refused.get(grantId) } : {}),
      }),
      body: '{}',
    });
    this.refused.delete(grantId);
    if (typeof answer.access_token !== 'string')
      throw new TidemarkError('server', 'the broker answered without an access token');
    registerSecret(answer.access_token);
    return answer;
  }

  tokenProvider(grantId: string): TokenProvider {
    return {
      accessToken: async () => {
        const cached = this.cache.get(grantId);
        if (cached && cached.expiresAt - 60_000 > this.clock.now()) return cached.token;
        let pending = this.inflight.get(grantId);
        if (!pending) {
          pending = this.requestToken(grantId)
            .then((a) => {
              this.cache.set(grantId, { token: a.access_token, expiresAt: this.clock.now() + a.expires_in * 1000 });
              return a.access_token;
            })
            .finally(() => this.inflight.delete(grantId));
          this.inflight.set(grantId, pending);
        }
        return pending;
      },
      invalidate: async (token) => {
        if (this.cache.get(grantId)?.token === token) this.cache.delete(grantId);
        this.refused.set(grantId, tokenFingerprint(token));
      },
    };
  }
}

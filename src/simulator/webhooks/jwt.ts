/**
 * JSON Web Tokens (HS256) for webhook deliveries, written against node:crypto (RFC 7519 / 7515).
 *
 * Jira signs the deliveries of dynamic webhooks registered by an OAuth 2.0 app with the app's
 * client secret and sends the token as `Authorization: Bearer <jwt>`. Atlassian does not document
 * the claims of that token; the simulator uses Atlassian Connect's conventions, which the same
 * webhook infrastructure uses for Connect apps:
 *
 *   iss  the site's cloudId (the tenant that sent the webhook; Connect puts the host's clientKey here)
 *   aud  the app's client id (the receiver)
 *   sub  the account that registered the webhook
 *   iat  issue time, seconds;  exp  iat + 180 s (Connect's three minutes)
 *   qsh  the query-string hash of the request: SHA-256 hex of "POST&<path>&<canonical query>"
 *        for the delivery URL (Connect's canonical request), so a receiver can tie the token to
 *        the URL it arrived on.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwtHs256(claims: JwtClaims, secret: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

/**
 * Verifies an HS256 token and returns its claims; throws when the token is malformed, not HS256,
 * or the signature does not match. (Expiry is the caller's decision: it owns the clock.)
 */
export function verifyJwtHs256(token: string, secret: string): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('malformed JWT');
  const [h, p, s] = parts as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'HS256') throw new Error(`unexpected JWT algorithm ${String(header.alg)}`);
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const actual = Buffer.from(s, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Error('bad JWT signature');
  return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as JwtClaims;
}

function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Atlassian's canonical request string: METHOD&path&sorted-query (jwt parameter excluded). */
export function canonicalRequest(method: string, url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '') || '/';
  const params = new Map<string, string[]>();
  for (const [k, v] of u.searchParams) {
    if (k === 'jwt') continue;
    params.set(k, [...(params.get(k) ?? []), v]);
  }
  const query = [...params.keys()]
    .sort()
    .map((k) => `${encode(k)}=${params.get(k)!.map(encode).sort().join(',')}`)
    .join('&');
  return `${method.toUpperCase()}&${path}&${query}`;
}

export function queryStringHash(method: string, url: string): string {
  return createHash('sha256').update(canonicalRequest(method, url)).digest('hex');
}

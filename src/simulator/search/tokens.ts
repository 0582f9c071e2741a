/**
 * Opaque, signed tokens: page tokens of /search/jql and /changelog/bulkfetch, and the short-lived
 * signed URLs of the media host. A token is base64url(JSON payload) + "." + base64url(HMAC-SHA256)
 * under a secret drawn once per simulator instance, so tokens from another simulator, edited
 * tokens and garbage all fail verification.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const secrets = new WeakMap<object, Buffer>();

/** The signing secret of a simulator instance (drawn on first use). */
export function simSecret(sim: object): Buffer {
  let secret = secrets.get(sim);
  if (!secret) {
    secret = randomBytes(32);
    secrets.set(sim, secret);
  }
  return secret;
}

function mac(secret: Buffer, data: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(purpose).update('\0').update(data).digest();
}

/** Signs a JSON payload for one purpose ("search", "changelog", "media"). */
export function signToken(secret: Buffer, purpose: string, payload: unknown): string {
  const data = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${data}.${mac(secret, data, purpose).toString('base64url')}`;
}

/** The payload of a token signed for `purpose`, or undefined when it is not one. */
export function verifyToken<T>(secret: Buffer, purpose: string, token: string): T | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
  const data = token.slice(0, dot);
  let sig: Buffer;
  try {
    sig = Buffer.from(token.slice(dot + 1), 'base64url');
  } catch {
    return undefined;
  }
  const expected = mac(secret, data, purpose);
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return undefined;
  // Base64url has several spellings of the same bytes (unused low bits in the last character):
  // accept only the canonical one, so a changed token never passes.
  if (sig.toString('base64url') !== token.slice(dot + 1)) return undefined;
  try {
    return JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A short digest binding a token to what it was issued for (query text, issue list…). */
export function digest(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('base64url').slice(0, 22);
}

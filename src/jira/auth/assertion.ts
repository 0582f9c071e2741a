/**
 * Installation assertions: compact JWS (RFC 7515) signed with Ed25519 ("EdDSA"), proving to the
 * vendor broker that a request comes from a paired installation. Short-lived (≤ 60 s) and
 * single-use (the broker remembers each `jti` until it expires).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { TidemarkError } from '../../core/index.js';

export interface AssertionClaims {
  /** The installation id. */
  iss: string;
  /** The broker's base URL. */
  aud: string;
  /** What the assertion is for, e.g. 'token', 'consent', 'disconnect'. */
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** Operation-specific claims (grant id, cloud id…). */
  [claim: string]: unknown;
}

export const MAX_ASSERTION_LIFETIME_S = 60;

const b64 = (buf: Uint8Array | string): string => Buffer.from(buf).toString('base64url');

export function generateInstallationKey(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}

export function signAssertion(
  privateKeyDer: string,
  claims: Omit<AssertionClaims, 'iat' | 'exp' | 'jti'> & { [k: string]: unknown },
  nowMs: number,
  lifetimeS = 30,
): string {
  const key = createPrivateKey({ key: Buffer.from(privateKeyDer, 'base64'), format: 'der', type: 'pkcs8' });
  const iat = Math.floor(nowMs / 1000);
  const payload = {
    ...claims,
    iat,
    exp: iat + Math.min(lifetimeS, MAX_ASSERTION_LIFETIME_S),
    jti: randomBytes(16).toString('base64url'),
  };
  const head = b64(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }));
  const body = b64(JSON.stringify(payload));
  const sig = sign(null, Buffer.from(`${head}.${body}`), key);
  return `${head}.${body}.${b64(sig)}`;
}

function invalid(why: string): TidemarkError {
  return new TidemarkError('auth', `installation assertion refused: ${why}`);
}

/** Reads the unverified claims (to find the installation's public key). */
export function peekClaims(assertion: string): AssertionClaims {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw invalid('not a compact JWS');
  try {
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as AssertionClaims;
  } catch {
    throw invalid('unreadable claims');
  }
}

/** Verifies signature, audience, subject and lifetime. Replay checks are the caller's (it holds the jti store). */
export function verifyAssertion(
  assertion: string,
  publicKeyDer: string,
  expect: { aud: string; sub: string; nowMs: number },
): AssertionClaims {
  const [head, body, sig] = assertion.split('.');
  if (!head || !body || !sig) throw invalid('not a compact JWS');
  let header: { alg?: string };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: string };
  } catch {
    throw invalid('unreadable header');
  }
  if (header.alg !== 'EdDSA') throw invalid(`unsupported algorithm ${String(header.alg)}`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(publicKeyDer, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw invalid('the registered public key is unusable');
  }
  if (!verify(null, Buffer.from(`${head}.${body}`), key, Buffer.from(sig, 'base64url'))) throw invalid('bad signature');
  const claims = peekClaims(assertion);
  const now = Math.floor(expect.nowMs / 1000);
  if (claims.aud !== expect.aud) throw invalid('wrong audience');
  if (claims.sub !== expect.sub) throw invalid('wrong purpose');
  if (typeof claims.jti !== 'string' || claims.jti.length < 16) throw invalid('missing jti');
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') throw invalid('missing iat/exp');
  if (claims.exp - claims.iat > MAX_ASSERTION_LIFETIME_S) throw invalid('lifetime too long');
  if (claims.iat > now + 30) throw invalid('issued in the future');
  if (claims.exp < now) throw invalid('expired');
  return claims;
}

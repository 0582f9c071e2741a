/**
 * Opaque credentials of the simulated authorization server. Every token, code, session and form
 * secret is 256 random bits; the server keeps only SHA-256 hashes of them, so a dump of its state
 * (or a stray log line) reveals nothing usable. The prefixes (tmat_, tmrt_, tmcc_) are recognised
 * by core/redact.
 */
import { randomBytes } from 'node:crypto';
import { base32, safeEqual, sha256Hex } from '../../core/index.js';

export type SecretKind = 'access' | 'refresh' | 'service-access' | 'code' | 'session' | 'form';

const PREFIX: Record<SecretKind, string> = {
  access: 'tmat_',
  refresh: 'tmrt_',
  'service-access': 'tmcc_',
  code: '',
  session: '',
  form: '',
};

/** A new random secret of the given kind. */
export function newSecret(kind: SecretKind): string {
  return PREFIX[kind] + base32(randomBytes(32));
}

/** The lookup key stored instead of a secret. */
export function secretHash(secret: string): string {
  return sha256Hex(secret);
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function matchesHash(secret: string, hash: string): boolean {
  return safeEqual(secretHash(secret), hash);
}

/** Constant-time comparison of a presented client secret with the registered one. */
export function clientSecretMatches(presented: string, registered: string): boolean {
  // Hash both so the comparison takes the same time whatever their lengths.
  return safeEqual(sha256Hex(presented), sha256Hex(registered));
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A deterministic identifier (32 alphanumerics, like Atlassian's client ids) derived from a seed and a label. */
export function derivedClientId(seed: number, label: string): string {
  const digest = Buffer.from(sha256Hex(`tidemark-sim:${seed}:${label}`), 'hex');
  let out = '';
  for (const byte of digest) {
    if (out.length === 32) break;
    out += BASE62[byte % 62];
  }
  return out;
}

/** A random client secret (64 URL-safe characters, like the developer console's). */
export function newClientSecret(): string {
  return randomBytes(48).toString('base64url');
}

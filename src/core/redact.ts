/**
 * Redaction of secrets from text that may reach logs, errors or disk. Two layers:
 * 1. patterns that look like credentials (bearer tokens, JWTs, OAuth token fields, basic auth,
 *    client secrets in URLs or JSON bodies);
 * 2. exact values registered at run time (a client secret, a refresh token) so that even a secret
 *    with no recognisable shape is removed.
 */
const registered = new Set<string>();

/** Registers a secret value to be scrubbed from every redacted string. Values shorter than 8 characters are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) registered.add(value);
}

export function forgetSecret(value: string): void {
  registered.delete(value);
}

const MASK = '[REDACTED]';

const PATTERNS: Array<[RegExp, string]> = [
  // Authorization headers and bearer tokens
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${MASK}`],
  // JSON or form fields that carry secrets
  [
    /("?(?:access_token|refresh_token|client_secret|id_token|assertion|password|api_token|apiToken|secret|code_verifier|private_key|privateKey|masterKey|master_key)"?\s*[:=]\s*"?)([^"&\s,}]+)/gi,
    `$1${MASK}`,
  ],
  // JWTs anywhere
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, MASK],
  // Atlassian API tokens (ATATT…) and simulator tokens
  [/\bATATT[A-Za-z0-9_=-]{10,}/g, MASK],
  [/\b(?:tmat|tmrt|tmcc|tmpc)_[A-Za-z0-9_-]{10,}/g, MASK],
  // user:password@ in URLs
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, `$1${MASK}@`],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Deep-redacts a JSON-like value (for structured logs). */
export function redactValue<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value) ?? 'null')) as T;
}

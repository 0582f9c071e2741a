/** Option parsers shared by the commands. */
import { TidemarkError } from '../core/index.js';

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new TidemarkError('usage', `not an integer: ${value}`);
  return n;
}

export function parsePort(value: string): number {
  const n = parseInteger(value);
  if (n < 0 || n > 65535) throw new TidemarkError('usage', `not a TCP port: ${value}`);
  return n;
}

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new TidemarkError('usage', `not a positive number of seconds: ${value}`);
  return n;
}

export function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TidemarkError('usage', `not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TidemarkError('usage', `not an http(s) URL: ${value}`);
  if (url.username || url.password)
    throw new TidemarkError(
      'policy',
      'refused a URL with embedded credentials: Tidemark never accepts or stores them.',
    );
  return value.replace(/\/+$/, '');
}

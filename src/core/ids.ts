import { randomBytes } from 'node:crypto';

/** A random id: `prefix_` + 26 base32 characters (130 bits). */
export function randomId(prefix?: string, bytes = 16): string {
  const id = base32(randomBytes(bytes));
  return prefix ? `${prefix}_${id}` : id;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function base32(buf: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** A time-sortable id: 12 hex digits of milliseconds then random hex. */
export function sortableId(nowMs: number, randomHexChars = 16): string {
  return (
    nowMs.toString(16).padStart(12, '0') +
    randomBytes(Math.ceil(randomHexChars / 2))
      .toString('hex')
      .slice(0, randomHexChars)
  );
}

/**
 * LexoRank strings as Jira Software stores them in the Rank field (gh-lexo-rank), e.g.
 * "0|i0001k:" or "0|i0001k:i": a bucket, a six-digit base-36 primary and an optional base-36
 * suffix after ':'. Ranks order issues by plain string comparison.
 *
 * New issues rank by id (`rankForIssueId`), so later issues sort after earlier ones; moving an
 * issue between two neighbours takes a rank strictly between theirs (`lexoBetween`).
 */
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const PRIMARY = 6;

/** The rank a newly created issue gets: after every issue created before it. */
export function rankForIssueId(issueId: string | number): string {
  const n = Number(issueId) * 8;
  return `0|i${n.toString(36).padStart(PRIMARY - 1, '0')}:`;
}

function parse(rank: string): { bucket: string; key: string } {
  const bar = rank.indexOf('|');
  const bucket = bar < 0 ? '0' : rank.slice(0, bar);
  const body = bar < 0 ? rank : rank.slice(bar + 1);
  const key = body.replace(':', '').toLowerCase();
  if (!/^[0-9a-z]*$/.test(key)) throw new Error(`not a LexoRank: ${rank}`);
  return { bucket, key: key.replace(/0+$/, '') };
}

/** Fractional midpoint of two digit strings (a < b, no trailing zeros; b null = +infinity). */
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let n = 0;
    while ((a[n] ?? '0') === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const da = a ? DIGITS.indexOf(a[0]!) : 0;
  const db = b !== null ? DIGITS.indexOf(b[0]!) : DIGITS.length;
  if (db - da > 1) return DIGITS[Math.round((da + db) / 2)]!;
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return DIGITS[da]! + midpoint(a.slice(1), null);
}

function format(bucket: string, key: string): string {
  const padded = key.padEnd(PRIMARY, '0');
  return `${bucket}|${padded.slice(0, PRIMARY)}:${padded.slice(PRIMARY)}`;
}

/**
 * A rank strictly between `before` and `after` (either may be omitted for "first" / "last").
 * Throws when before >= after.
 */
export function lexoBetween(before?: string, after?: string): string {
  const a = before === undefined ? { bucket: '0', key: '' } : parse(before);
  const b = after === undefined ? null : parse(after);
  if (b !== null && a.key >= b.key && !(a.key === '' && before === undefined))
    throw new Error(`no rank between ${before} and ${after}`);
  if (b !== null && a.key === b.key) throw new Error(`no rank between ${before} and ${after}`);
  return format(before === undefined ? (b?.bucket ?? '0') : a.bucket, midpoint(a.key, b === null ? null : b.key));
}

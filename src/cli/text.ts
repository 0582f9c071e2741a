/**
 * Text for the terminal. Backed-up content is hostile: summaries, comments, names and file names
 * can carry escape sequences (colours, cursor moves, OSC 8 links, window titles), carriage
 * returns that overwrite a line, bidi overrides that reorder what is shown, and other control
 * characters. Everything shown from a snapshot passes `clean` (one line) or `cleanBlock`
 * (several lines); the formatters here never emit a control character but the newline.
 */

/** CSI, OSC, DCS/SOS/PM/APC strings and two-character escapes (7-bit and 8-bit forms). */
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]?|\u009b[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;
/** C0 controls but tab and newline, DEL, C1 controls. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidi embeddings, overrides and isolates (they reorder what follows: "Trojan source"), and the line/paragraph separators. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** Several lines of hostile text made safe to print: no escape sequences, no controls but newlines; tabs become spaces. */
export function cleanBlock(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ESCAPES, '').replace(BIDI, '').replace(/\t/g, '  ').replace(CONTROLS, '');
}

/** One line of hostile text made safe to print: as cleanBlock, and newlines become spaces. */
export function clean(text: unknown): string {
  if (text === null || text === undefined) return '';
  return cleanBlock(String(text))
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** Shortens to at most `max` characters (by code point), with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Indents every line of a block. */
export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = ms / 1_000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(sec).padStart(2, '0')} s`;
}

/** A Jira or ISO timestamp as `YYYY-MM-DD HH:MM UTC`; anything else unchanged (cleaned). */
export function formatTime(value: unknown): string {
  if (typeof value === 'number') return new Date(value).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  if (typeof value !== 'string') return clean(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return clean(value);
  // Jira writes offsets without a colon (+0000); Date.parse wants +00:00.
  const t = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : clean(value);
}

/**
 * Columns a string takes on a terminal (an approximation of wcwidth): combining marks, zero-width
 * characters and variation selectors take none; East Asian wide characters and emoji take two.
 */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (
      /\p{M}/u.test(ch) ||
      c === 0x200b ||
      c === 0x200c ||
      c === 0x200d ||
      c === 0xfeff ||
      (c >= 0xfe00 && c <= 0xfe0f)
    )
      continue;
    if (/\p{Extended_Pictographic}/u.test(ch) && c > 0xff) w += 2;
    else if (
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1f64f) ||
      (c >= 0x1f900 && c <= 0x1f9ff) ||
      (c >= 0x20000 && c <= 0x3fffd)
    )
      w += 2;
    else w += 1;
  }
  return w;
}

/** Columns padded to their widest cell (cells must be cleaned already); `right` lists right-aligned columns. */
export function columns(rows: string[][], options: { right?: number[]; gap?: string } = {}): string {
  const gap = options.gap ?? '  ';
  const right = new Set(options.right ?? []);
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c))));
  return rows
    .map((r) =>
      r
        .map((c, i) => {
          const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(c)));
          if (right.has(i)) return pad + c;
          return i === r.length - 1 ? c : c + pad;
        })
        .join(gap)
        .trimEnd(),
    )
    .join('\n');
}

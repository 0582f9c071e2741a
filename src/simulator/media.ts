/**
 * The media host ({base}/media/...), the stand-in for Atlassian's media platform that attachment
 * downloads redirect to:
 *
 *   GET {media}/file/{mediaId}/binary?token=…&client=…&dl=true&name=…   attachment bytes
 *   GET {media}/file/{mediaId}/image?token=…                             thumbnail (PNG)
 *
 * URLs are signed (HMAC under the simulator's secret) and short-lived (MEDIA_URL_TTL_MS): a missing
 * or forged token answers 401, an expired one 403. Downloads honour a single `Range` (206 with
 * Content-Range; 416 with `bytes *\/size` when unsatisfiable; malformed or multi-range headers are
 * ignored, as HTTP allows). Wire it as `parts.media = createMediaHost`.
 */
import { deflateSync } from 'node:zlib';
import { jsonResponse } from './http/respond.js';
import type { SimServices } from './services.js';
import type { Attachment, Content } from './world/site.js';
import type { Site } from './world/types.js';
import { contentBytes } from './world/content.js';
import { pngChunk } from '../core/index.js';
import { signToken, simSecret, verifyToken } from './search/tokens.js';

export const MEDIA_URL_TTL_MS = 10 * 60_000;

export type MediaKind = 'binary' | 'image';

interface MediaToken {
  /** cloudId */
  c: string;
  /** attachment id */
  a: string;
  k: MediaKind;
  /** expiry (epoch ms) */
  e: number;
}

/** A signed, short-lived media URL for an attachment's bytes or thumbnail. */
export function mediaUrl(sim: SimServices, site: Site, attachment: Attachment, kind: MediaKind, now: number): string {
  const token = signToken(simSecret(sim), 'media', {
    c: site.cloudId,
    a: attachment.id,
    k: kind,
    e: now + MEDIA_URL_TTL_MS,
  } satisfies MediaToken);
  const u = new URL(`${sim.urls.media}/file/${encodeURIComponent(attachment.mediaId)}/${kind}`);
  u.searchParams.set('token', token);
  u.searchParams.set('client', site.cloudId);
  if (kind === 'binary') {
    u.searchParams.set('dl', 'true');
    u.searchParams.set('name', attachment.filename);
  }
  return u.toString();
}

// ---- ranges ---------------------------------------------------------------------------------------

export type RangeRequest =
  { kind: 'none' } | { kind: 'range'; start: number; end: number } | { kind: 'malformed' } | { kind: 'unsatisfiable' };

/** Parses a single-range `Range` header against a size (end inclusive). Multi-range → none. */
export function parseRange(header: string | null, size: number): RangeRequest {
  if (header === null || header.trim() === '') return { kind: 'none' };
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return { kind: 'malformed' };
  const spec = m[1]!.trim();
  if (spec.includes(',')) return { kind: 'none' };
  const r = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
  if (!r || (r[1] === '' && r[2] === '')) return { kind: 'malformed' };
  if (r[1] === '') {
    const suffix = Number(r[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(r[1]);
  if (r[2] !== '' && Number(r[2]) < start) return { kind: 'malformed' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = r[2] === '' ? size - 1 : Number(r[2]);
  return { kind: 'range', start, end: Math.min(end, size - 1) };
}

/** RFC 5987 `filename*` value (no header injection whatever the filename holds). */
export function contentDisposition(type: 'attachment' | 'inline', filename: string): string {
  const encoded = encodeURIComponent(filename).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export interface ByteBody {
  status: 200 | 206 | 416;
  bytes: Uint8Array;
  headers: Record<string, string>;
}

/** The bytes of a content for a request's Range (malformed ranges must be handled by the caller). */
export function rangedBytes(content: Content, range: RangeRequest): ByteBody {
  const size = content.size;
  if (range.kind === 'unsatisfiable')
    return { status: 416, bytes: new Uint8Array(0), headers: { 'content-range': `bytes */${size}` } };
  if (range.kind === 'range') {
    const bytes = contentBytes(content, range.start, range.end + 1);
    return {
      status: 206,
      bytes,
      headers: {
        'content-range': `bytes ${range.start}-${range.end}/${size}`,
        'content-length': String(bytes.length),
        'accept-ranges': 'bytes',
      },
    };
  }
  const bytes = contentBytes(content);
  return { status: 200, bytes, headers: { 'content-length': String(bytes.length), 'accept-ranges': 'bytes' } };
}

// ---- thumbnails -----------------------------------------------------------------------------------

/** A solid-colour RGB PNG (valid, deterministic). */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) raw.set(rgb, row + 1 + x * 3);
  }
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', new Uint8Array(deflateSync(raw))),
    pngChunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const THUMBNAIL_SIZE = 48;

/** The thumbnail of an image attachment: a PNG whose colour derives from the attachment id. */
export function thumbnailPng(attachment: Attachment): Uint8Array {
  const n = Number(attachment.id) || 0;
  return solidPng(THUMBNAIL_SIZE, THUMBNAIL_SIZE, [(n * 37) % 256, (n * 91) % 256, (n * 53) % 256]);
}

/** The default thumbnail Jira shows for attachments without one (fallbackToDefault). */
export const DEFAULT_THUMBNAIL = solidPng(THUMBNAIL_SIZE, THUMBNAIL_SIZE, [223, 225, 230]);

export function isImage(attachment: Attachment): boolean {
  return attachment.mimeType.toLowerCase().startsWith('image/');
}

// ---- the host -------------------------------------------------------------------------------------

function mediaError(status: number, code: string, message: string): Response {
  return jsonResponse(status, { error: { code, title: message } });
}

/** Builds the media host handler for `parts.media`. */
export function createMediaHost(sim: SimServices): (req: Request, path: string) => Promise<Response> {
  return async (req, path) => {
    const m = /^\/file\/([^/]+)\/(binary|image)$/.exec(path);
    if (!m) return mediaError(404, 'NotFound', 'Not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return mediaError(405, 'MethodNotAllowed', 'Method not allowed');
    const url = new URL(req.url);
    const tokenText = url.searchParams.get('token');
    const token = tokenText ? verifyToken<MediaToken>(simSecret(sim), 'media', tokenText) : undefined;
    if (!token) return mediaError(401, 'Unauthorized', 'A valid token is required');
    if (token.e < sim.clock.now()) return mediaError(403, 'Forbidden', 'The token has expired');
    const kind = m[2] as MediaKind;
    const site = sim.world.sites.get(token.c);
    const attachment = site?.data.attachments.get(token.a);
    if (!site || !attachment || token.k !== kind || decodeURIComponent(m[1]!) !== attachment.mediaId)
      return mediaError(404, 'NotFound', 'File not found');
    const content = site.data.contents.get(attachment.contentId);
    if (!content) return mediaError(404, 'NotFound', 'File not found');

    if (kind === 'image') {
      const png = isImage(attachment) ? thumbnailPng(attachment) : DEFAULT_THUMBNAIL;
      return new Response(req.method === 'HEAD' ? null : png, {
        status: 200,
        headers: {
          'content-type': 'image/png',
          'content-length': String(png.length),
          'cache-control': 'private, max-age=600',
        },
      });
    }
    const range = parseRange(req.headers.get('range'), content.size);
    const served = rangedBytes(content, range.kind === 'malformed' ? { kind: 'none' } : range);
    const headers: Record<string, string> = {
      ...served.headers,
      'content-type': attachment.mimeType || 'application/octet-stream',
      'content-disposition': contentDisposition(
        url.searchParams.get('dl') === 'true' ? 'attachment' : 'inline',
        attachment.filename,
      ),
      'cache-control': 'private, max-age=600',
    };
    return new Response(req.method === 'HEAD' || served.status === 416 ? null : served.bytes, {
      status: served.status,
      headers,
    });
  };
}

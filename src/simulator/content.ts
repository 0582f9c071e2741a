/**
 * Attachment bytes: the seam between stored Content records and the bytes served by
 * /attachment/content, /attachment/thumbnail and the media host.
 *
 * Uploaded content carries its bytes (`Content.data`). Generated content (`Content.generated`)
 * is a deterministic function of (seed, size, kind) that the data generator owns: it registers
 * that function once with `registerGeneratedContent(fn)`, where `fn(content, start, end)` returns
 * bytes [start, end) of the content (end exclusive, 0 ≤ start ≤ end ≤ content.size), and must
 * return the same bytes for the same content on every call, in any process.
 */
import type { Content } from './world/site.js';

export type GeneratedContentBytes = (content: Content, start: number, end: number) => Uint8Array;

let generated: GeneratedContentBytes | undefined;

/** Installs the generator's byte function for generated content (replacing any earlier one). */
export function registerGeneratedContent(fn: GeneratedContentBytes | undefined): void {
  generated = fn;
}

export class ContentUnavailableError extends Error {
  constructor(contentId: string) {
    super(`content ${contentId} is generated but no generated-content provider is registered`);
    this.name = 'ContentUnavailableError';
  }
}

/** Bytes [start, end) of a content (end exclusive; defaults: the whole content). */
export function contentBytes(content: Content, start = 0, end = content.size): Uint8Array {
  const s = Math.max(0, Math.min(start, content.size));
  const e = Math.max(s, Math.min(end, content.size));
  if (content.data) return content.data.subarray(s, e);
  if (content.size === 0 || s === e) return new Uint8Array(0);
  if (!generated) throw new ContentUnavailableError(content.id);
  const bytes = generated(content, s, e);
  if (bytes.length !== e - s)
    throw new Error(`generated content ${content.id} returned ${bytes.length} bytes for [${s}, ${e})`);
  return bytes;
}

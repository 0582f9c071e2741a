/**
 * Content-defined chunking with a gear rolling hash, FastCDC-style normalized
 * (docs/design.md §6.9 "Chunks"). Cut points depend only on content, so an edit in the middle
 * of a file changes only the chunks around it.
 */
import { createHmac } from 'node:crypto';
import type { ChunkerParams } from './config.js';

export class Chunker {
  readonly min: number;
  readonly avg: number;
  readonly max: number;
  private readonly gear: Int32Array;
  private readonly maskS: number;
  private readonly maskL: number;

  constructor(params: ChunkerParams) {
    this.min = params.min;
    this.avg = params.avg;
    this.max = params.max;
    const seed = Buffer.from(params.seed, 'base64');
    this.gear = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      this.gear[b] = createHmac('sha256', seed)
        .update(Buffer.concat([Buffer.from('gear', 'ascii'), Buffer.from([b])]))
        .digest()
        .readInt32LE(0);
    }
    const bits = Math.log2(this.avg);
    this.maskS = topBits(bits + 2);
    this.maskL = topBits(bits - 2);
  }

  /**
   * Length of the first chunk of `buf`, or -1 when `buf` is shorter than `max`, has no cut point
   * and more input may follow (`final` false).
   */
  cut(buf: Uint8Array, final: boolean): number {
    const n = buf.length;
    if (n === 0) return final ? 0 : -1;
    const gear = this.gear;
    const limit = Math.min(n, this.max);
    // the chunk ends after byte i (its length is i + 1) when the length and the hash allow it
    const minEnd = Math.min(limit, this.min - 1); // lengths below min: no cut
    const smallEnd = Math.min(limit, this.avg - 1); // lengths in [min, avg): the harder mask
    let h = 0;
    let i = 0;
    for (; i < minEnd; i++) h = ((h << 1) + gear[buf[i]]) | 0;
    const maskS = this.maskS;
    for (; i < smallEnd; i++) {
      h = ((h << 1) + gear[buf[i]]) | 0;
      if ((h & maskS) === 0) return i + 1;
    }
    const maskL = this.maskL; // lengths in [avg, max]: the easier mask
    for (; i < limit; i++) {
      h = ((h << 1) + gear[buf[i]]) | 0;
      if ((h & maskL) === 0) return i + 1;
    }
    if (limit === this.max) return this.max;
    return final ? n : -1;
  }

  /** Cuts a stream into chunks. Memory stays below twice `max` plus one input piece. */
  async *chunks(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncIterable<Buffer> {
    // pieces are gathered until `max` bytes are there, then joined once and cut
    let parts: Uint8Array[] = [];
    let size = 0;
    for await (const piece of source) {
      if (piece.length === 0) continue;
      parts.push(piece);
      size += piece.length;
      if (size < this.max) continue;
      let pending = Buffer.concat(parts, size);
      while (pending.length >= this.max) {
        const len = this.cut(pending, false);
        yield Buffer.from(pending.subarray(0, len));
        pending = pending.subarray(len);
      }
      parts = pending.length > 0 ? [pending] : [];
      size = pending.length;
    }
    let pending = Buffer.concat(parts, size);
    while (pending.length > 0) {
      const len = this.cut(pending, true);
      yield Buffer.from(pending.subarray(0, len));
      pending = pending.subarray(len);
    }
  }
}

/** An int32 with the `k` most significant bits set. */
function topBits(k: number): number {
  return k >= 32 ? -1 : ~((1 << (32 - k)) - 1) | 0;
}

/**
 * SnapshotWriter: stores blobs into packs, writes index files and snapshots, in the order that
 * keeps every crash harmless (docs/design.md §6.12): packs → index → snapshot.
 */
import { createHmac } from 'node:crypto';
import { TidemarkError, canonicalJson } from '../core/index.js';
import { listAll } from './backend/index.js';
import { INDEX_FILE_BLOBS, type IndexFilePack, blobKey, keyFromHex } from './blob-index.js';
import { BlobType, Compression, MAX_BLOB, blobId, compressIfWorth, encryptBlob, hex, isId } from './crypto.js';
import type { Lock } from './lock.js';
import { type FinishedPack, PackBuilder, packName, parseHeader, parseTrailer, TRAILER_SIZE } from './pack.js';
import type { FileRef, OpenWriterOptions, SnapshotReader, SnapshotWriter, StoredRef, WriterStats } from './ports.js';
import { RepoSnapshotReader } from './reader.js';
import type { Repository } from './repository.js';
import {
  type Labels,
  type Snapshot,
  type SnapshotId,
  type SnapshotManifest,
  checkLabels,
  sameLabels,
} from './snapshot.js';
import { SPLIT_MODULUS, TreeBuilder, type TreeEntry, type TreeId, type TreeSink, sortEntries } from './tree.js';

/** Packs uploaded at the same time. */
const UPLOAD_CONCURRENCY = 2;

type CompressMode = 'auto' | 'none';

export class RepoSnapshotWriter implements SnapshotWriter {
  readonly stats: WriterStats = {
    blobsAdded: 0,
    blobsDeduplicated: 0,
    bytesIn: 0,
    bytesAdded: 0,
    bytesStored: 0,
    packsWritten: 0,
    records: 0,
    files: 0,
  };
  readonly resumedFrom: SnapshotReader | undefined;
  private readonly packers: Array<PackBuilder | undefined> = [undefined, undefined];
  /** Blobs stored by this run and not yet in a written index file. */
  private readonly pending = new Set<string>();
  private uploaded: IndexFilePack[] = [];
  private uploadedBlobs = 0;
  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown;
  private ownCheckpoints: SnapshotId[] = [];
  private closed = false;
  private readonly openedAt: number;
  private readonly treeSink: TreeSink;

  private constructor(
    private readonly repo: Repository,
    private readonly lock: Lock,
    private readonly options: OpenWriterOptions,
    private readonly resumed: Snapshot | undefined,
  ) {
    this.openedAt = options.time ?? repo.clock.now();
    this.resumedFrom = resumed ? new RepoSnapshotReader(repo, resumed) : undefined;
    this.treeSink = {
      putNode: async (node) => (await this.putBlob(BlobType.Tree, Buffer.from(canonicalJson(node)), 'auto')).id,
      splitAfter: (level, name) => {
        const mac = createHmac('sha256', repo.keys.id)
          .update(Buffer.from('tidemark tree split', 'ascii'))
          .update(Buffer.from([level]))
          .update(name, 'utf8')
          .digest();
        return mac.readUInt32LE(0) % SPLIT_MODULUS === 0;
      },
    };
  }

  static async open(repo: Repository, options: OpenWriterOptions): Promise<RepoSnapshotWriter> {
    checkLabels(options.labels);
    if (options.parent !== undefined && !isId(options.parent))
      throw new TidemarkError('usage', 'parent must be a full snapshot id');
    const lock = await repo.lock(false);
    try {
      await repo.refreshIndex();
      let resumed: Snapshot | undefined;
      if (options.continueFrom !== undefined) {
        resumed = await repo.loadSnapshot(options.continueFrom);
        if (resumed.incomplete === undefined) {
          throw new TidemarkError(
            'usage',
            `snapshot ${resumed.id.slice(0, 8)} is complete; only checkpoints can be continued`,
          );
        }
        if (!sameLabels(resumed.labels, options.labels)) {
          throw new TidemarkError('usage', `checkpoint ${resumed.id.slice(0, 8)} has other labels than this run`);
        }
        await recoverUnindexedPacks(repo);
      }
      return new RepoSnapshotWriter(repo, lock, options, resumed);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  get labels(): Labels {
    return this.options.labels;
  }

  // ---- storing ---------------------------------------------------------------------------

  idOf(data: Uint8Array): string {
    return hex(blobId(this.repo.keys, data));
  }

  has(id: string): boolean {
    if (!isId(id)) return false;
    const key = keyFromHex(BlobType.Data, id);
    return this.pending.has(key) || this.repo.index.has(key);
  }

  async putRecord(record: unknown): Promise<StoredRef> {
    const ref = await this.putBlob(BlobType.Data, Buffer.from(canonicalJson(record)), 'auto');
    this.stats.records++;
    return { id: ref.id, size: ref.size };
  }

  async putBytes(data: Uint8Array): Promise<StoredRef> {
    const ref = await this.putBlob(BlobType.Data, data, 'auto');
    return { id: ref.id, size: ref.size };
  }

  async putFile(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<FileRef> {
    const chunks: string[] = [];
    let size = 0;
    let mode: CompressMode = 'auto';
    let misses = 0;
    for await (const chunk of this.repo.chunker.chunks(source)) {
      if (size === 0 && looksCompressed(chunk)) mode = 'none';
      const ref = await this.putBlob(BlobType.Data, chunk, mode, 1);
      if (ref.compression === Compression.None && mode === 'auto' && ++misses >= 2) mode = 'none';
      chunks.push(ref.id);
      size += chunk.length;
    }
    this.stats.files++;
    return { chunks, size };
  }

  writeTree(entries: readonly TreeEntry[]): Promise<TreeId> {
    const builder = this.treeBuilder();
    return (async () => {
      for (const e of sortEntries(entries)) await builder.add(e);
      return builder.finish();
    })();
  }

  treeBuilder(): TreeBuilder {
    return new TreeBuilder(this.treeSink);
  }

  private async putBlob(
    type: BlobType,
    plain: Uint8Array,
    mode: CompressMode,
    level = 6,
  ): Promise<{ id: string; size: number; compression: Compression | undefined }> {
    this.assertUsable();
    if (plain.length > MAX_BLOB) {
      throw new TidemarkError(
        'usage',
        `a blob holds at most ${MAX_BLOB} bytes (got ${plain.length}); store large content with putFile`,
      );
    }
    const id = blobId(this.repo.keys, plain);
    const key = blobKey(type, id);
    const idHex = hex(id);
    this.stats.bytesIn += plain.length;
    if (this.pending.has(key) || this.repo.index.hasId(type, id)) {
      this.stats.blobsDeduplicated++;
      return { id: idHex, size: plain.length, compression: undefined };
    }
    const packed =
      mode === 'auto' ? compressIfWorth(plain, level) : { codec: Compression.None, bytes: Buffer.from(plain) };
    const stored = encryptBlob(this.repo.keys, type, id, packed.codec, packed.bytes);
    // data packs fill fast: room for a whole pack at once; tree packs fill slowly: grow as needed
    const packer = (this.packers[type] ??= new PackBuilder(
      type,
      type === BlobType.Data ? this.repo.config.packSize + 64 * 1024 : 1024 * 1024,
    ));
    packer.add(id, packed.codec, stored, plain.length);
    this.pending.add(key);
    this.stats.blobsAdded++;
    this.stats.bytesAdded += plain.length;
    if (packer.size >= this.repo.config.packSize) await this.sealPack(type);
    return { id: idHex, size: plain.length, compression: packed.codec };
  }

  private async sealPack(type: BlobType): Promise<void> {
    const packer = this.packers[type];
    if (!packer || packer.count === 0) return;
    this.packers[type] = undefined;
    const pack = packer.finish(this.repo.keys);
    while (this.inflight.size >= UPLOAD_CONCURRENCY) await Promise.race(this.inflight);
    this.throwIfFailed();
    const upload: Promise<void> = this.upload(pack)
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => this.inflight.delete(upload));
    this.inflight.add(upload);
    if (this.uploadedBlobs >= INDEX_FILE_BLOBS) await this.writeIndex();
  }

  private async upload(pack: FinishedPack): Promise<void> {
    await this.repo.backend.put(packName(pack.id), pack.bytes);
    this.uploaded.push({
      id: pack.id,
      size: pack.bytes.length,
      type: pack.type,
      blobs: pack.entries.map((e) => ({ id: e.id, o: e.offset, l: e.length, r: e.rawLength, c: e.compression })),
    });
    this.uploadedBlobs += pack.entries.length;
    this.stats.packsWritten++;
    this.stats.bytesStored += pack.bytes.length;
  }

  /** Writes one index file for the packs uploaded so far. */
  private async writeIndex(): Promise<void> {
    const packs = this.uploaded;
    if (packs.length === 0) return;
    this.uploaded = [];
    this.uploadedBlobs = 0;
    this.lock.assertValid();
    await this.repo.writeIndexFile(packs);
    for (const p of packs) for (const b of p.blobs) this.pending.delete(keyFromHex(p.type, b.id));
  }

  /** Seals open packs, waits for every upload, and indexes them. */
  private async flush(): Promise<void> {
    await this.sealPack(BlobType.Data);
    await this.sealPack(BlobType.Tree);
    await Promise.all(this.inflight);
    this.throwIfFailed();
    await this.writeIndex();
  }

  // ---- snapshots -------------------------------------------------------------------------

  async reader(id: SnapshotId): Promise<SnapshotReader> {
    this.assertUsable();
    return new RepoSnapshotReader(this.repo, await this.repo.loadSnapshot(id));
  }

  private async writeSnapshot(
    root: TreeId,
    incomplete: string | undefined,
    extra: Record<string, number>,
  ): Promise<SnapshotId> {
    if (!isId(root) || !this.repo.index.has(keyFromHex(BlobType.Tree, root))) {
      throw new TidemarkError('usage', `root ${root} is not a tree stored in this repository`);
    }
    const manifest: SnapshotManifest = {
      v: 1,
      time: new Date(this.openedAt).toISOString(),
      labels: this.options.labels,
      root,
      parent: this.options.parent,
      incomplete,
      host: this.repo.owner.host,
      stats: { ...this.stats, ...extra },
    };
    this.lock.assertValid();
    return this.repo.writeSealed('snapshots', 'snapshot', manifest);
  }

  async checkpoint(root: TreeId, reason = 'checkpoint', stats: Record<string, number> = {}): Promise<SnapshotId> {
    await this.flush();
    const id = await this.writeSnapshot(root, reason, stats);
    const superseded = this.ownCheckpoints;
    this.ownCheckpoints = [id];
    await this.deleteSuperseded(superseded);
    return id;
  }

  async finish(root: TreeId, stats: Record<string, number> = {}): Promise<SnapshotId> {
    try {
      await this.flush();
      const id = await this.writeSnapshot(root, undefined, stats);
      // this snapshot supersedes the checkpoints of its labels that are not newer than it: its own,
      // the one it continued, and any left behind by runs that were killed before cleaning up
      const superseded = new Set([...this.ownCheckpoints, ...(this.resumed ? [this.resumed.id] : [])]);
      for (const s of await this.repo.listSnapshots(this.labels)) {
        if (s.incomplete !== undefined && sameLabels(s.labels, this.labels) && Date.parse(s.time) <= this.openedAt) {
          superseded.add(s.id);
        }
      }
      await this.deleteSuperseded(superseded);
      return id;
    } finally {
      this.closed = true;
      await this.lock.release();
    }
  }

  /**
   * Deletes checkpoints a newer snapshot supersedes. Best effort: the new snapshot is already
   * durable, and a checkpoint left behind is removed by a later run or by forget.
   */
  private async deleteSuperseded(ids: Iterable<SnapshotId>): Promise<void> {
    for (const old of ids) {
      try {
        await this.repo.backend.delete(`snapshots/${old}`);
      } catch (e) {
        this.repo.logger.warn('could not delete a superseded checkpoint', { snapshot: old, error: String(e) });
      }
    }
  }

  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.lock.release();
    }
  }

  private assertUsable(): void {
    if (this.closed) throw new TidemarkError('usage', 'this snapshot writer is finished');
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/**
 * Indexes packs that exist but appear in no index file (left by an interrupted run), after
 * checking their trailer and header. Damaged ones are left for `check` and `prune`.
 */
export async function recoverUnindexedPacks(repo: Repository): Promise<number> {
  const packs: IndexFilePack[] = [];
  for (const f of await listAll(repo.backend, 'data/')) {
    const id = f.name.slice(f.name.lastIndexOf('/') + 1);
    if (!isId(id) || f.name !== packName(id) || repo.index.hasPack(id)) continue;
    try {
      const headerLength = parseTrailer(
        await repo.backend.get(f.name, { offset: f.size - TRAILER_SIZE, length: TRAILER_SIZE }),
        f.size,
        f.name,
      );
      const header = await repo.backend.get(f.name, {
        offset: f.size - TRAILER_SIZE - headerLength,
        length: headerLength,
      });
      const entries = parseHeader(repo.keys, header, f.size, f.name);
      const type = entries[0]!.type;
      if (entries.some((e) => e.type !== type)) continue;
      packs.push({
        id,
        size: f.size,
        type,
        blobs: entries.map((e) => ({ id: hex(e.id), o: e.offset, l: e.length, r: e.rawLength, c: e.compression })),
      });
    } catch (e) {
      if (e instanceof TidemarkError && (e.kind === 'corrupt' || e.kind === 'not-found')) {
        repo.logger.warn('skipping an unindexed pack that cannot be read', { pack: id, error: e.message });
        continue;
      }
      throw e;
    }
  }
  if (packs.length > 0) await repo.writeIndexFile(packs);
  return packs.length;
}

/** Signatures of formats that are compressed already (docs/design.md §6.6). */
export function looksCompressed(b: Uint8Array): boolean {
  const at = (offset: number, ...bytes: number[]) => bytes.every((x, i) => b[offset + i] === x);
  const ascii = (offset: number, s: string) => at(offset, ...Buffer.from(s, 'latin1'));
  return (
    at(0, 0x1f, 0x8b) || // gzip
    at(0, 0x50, 0x4b, 0x03, 0x04) || // zip, docx, xlsx, jar…
    at(0, 0x50, 0x4b, 0x05, 0x06) ||
    at(0, 0x89, 0x50, 0x4e, 0x47) || // png
    at(0, 0xff, 0xd8, 0xff) || // jpeg
    ascii(0, 'GIF8') ||
    (ascii(0, 'RIFF') && ascii(8, 'WEBP')) ||
    at(0, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c) || // 7z
    at(0, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00) || // xz
    ascii(0, 'BZh') ||
    at(0, 0x28, 0xb5, 0x2f, 0xfd) || // zstd
    ascii(4, 'ftyp') || // mp4, mov, heic
    ascii(0, 'ID3') ||
    at(0, 0xff, 0xfb) || // mp3
    ascii(0, 'OggS') ||
    at(0, 0x1a, 0x45, 0xdf, 0xa3) || // matroska, webm
    ascii(0, 'Rar!')
  );
}

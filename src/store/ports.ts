/**
 * The narrow ports the engines use (architecture: "each engine declares the narrow ports it needs").
 * The backup engine writes through SnapshotWriter (a BlobWriter that also ends snapshots); the
 * restore engine and the catalog read through SnapshotReader.
 */
import type { Labels, Snapshot, SnapshotId } from './snapshot.js';
import type { BlobId, FileEntry, Meta, TreeBuilder, TreeEntry, TreeId } from './tree.js';

export interface StoredRef {
  id: BlobId;
  /** Plaintext size in bytes. */
  size: number;
}

export interface FileRef {
  chunks: BlobId[];
  size: number;
}

export interface WriterStats {
  /** Blobs stored by this run (not found in the repository before). */
  blobsAdded: number;
  /** Blobs this run was given that the repository already held. */
  blobsDeduplicated: number;
  /** Bytes of plaintext given to the writer. */
  bytesIn: number;
  /** Bytes of plaintext newly stored. */
  bytesAdded: number;
  /** Bytes of pack files written. */
  bytesStored: number;
  packsWritten: number;
  records: number;
  files: number;
}

/** Stores content. Every method deduplicates: storing something the repository holds costs nothing. */
export interface BlobWriter {
  /** The keyed id this repository gives these bytes (without storing them). */
  idOf(data: Uint8Array): BlobId;
  /** Whether a data blob with this id is already stored (indexed, or written by this run). */
  has(id: BlobId): boolean;
  /** Stores a record as canonical JSON. */
  putRecord(record: unknown): Promise<StoredRef>;
  /** Stores bytes as one data blob (at most 32 MiB). */
  putBytes(data: Uint8Array): Promise<StoredRef>;
  /** Streams a file (an attachment), cut into content-defined chunks. */
  putFile(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<FileRef>;
  /** Writes a directory from entries in any order (they are sorted; names must be unique). */
  writeTree(entries: readonly TreeEntry[]): Promise<TreeId>;
  /** A builder for big directories: entries in increasing name order, bounded memory. */
  treeBuilder(): TreeBuilder;
  readonly stats: Readonly<WriterStats>;
}

export interface OpenWriterOptions {
  labels: Labels;
  /** The snapshot this run is incremental to (recorded as `parent`). */
  parent?: SnapshotId;
  /** A checkpoint to continue (see Repository.findCheckpoint). */
  continueFrom?: SnapshotId;
  /** Recorded as the snapshot's time (default: when the writer opened). */
  time?: number;
}

export interface SnapshotWriter extends BlobWriter {
  readonly labels: Labels;
  /** The checkpoint this run continues, readable under this writer's lock. */
  readonly resumedFrom: SnapshotReader | undefined;
  /** Opens another snapshot (such as the parent) for reading under this writer's lock. */
  reader(id: SnapshotId): Promise<SnapshotReader>;
  /**
   * Makes everything stored so far durable and writes a checkpoint snapshot (with `incomplete:
   * reason`) whose root is `root`. The run continues; its previous checkpoint is deleted.
   */
  checkpoint(root: TreeId, reason?: string, stats?: Record<string, number>): Promise<SnapshotId>;
  /** Writes the complete snapshot, deletes the checkpoints it supersedes and releases the lock. */
  finish(root: TreeId, stats?: Record<string, number>): Promise<SnapshotId>;
  /** Makes stored data durable (a later run deduplicates against it) and releases the lock. */
  abort(): Promise<void>;
}

export interface WalkItem {
  path: string[];
  entry: TreeEntry;
}

export interface SnapshotReader {
  readonly snapshot: Snapshot;
  /** Entries of a directory (the root when omitted), in name order. */
  list(tree?: TreeId): AsyncIterable<TreeEntry>;
  /** The entry at a path of names from the root, or undefined. */
  lookup(path: readonly string[]): Promise<TreeEntry | undefined>;
  /** Every entry below a directory (the root when omitted), depth first, in name order. */
  walk(tree?: TreeId): AsyncIterable<WalkItem>;
  /** A record's JSON value. */
  readRecord<T = unknown>(id: BlobId): Promise<T>;
  /**
   * Many records at once, read with few storage calls (grouped by pack). Yields `[id, value]` in
   * storage order, not in the order given; duplicates are read once.
   */
  readRecords<T = unknown>(ids: Iterable<BlobId>): AsyncIterable<[BlobId, T]>;
  /** A data blob's bytes. */
  readBytes(id: BlobId): Promise<Buffer>;
  /** A file's bytes, chunk by chunk. */
  readFile(entry: FileEntry): AsyncIterable<Buffer>;
}

export type { Labels, Meta, Snapshot, SnapshotId, TreeEntry, TreeId, BlobId };

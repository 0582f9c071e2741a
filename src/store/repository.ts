/**
 * The repository (docs/design.md §6): opens and creates repositories, holds the keys and the
 * master index, and gives the engines their narrow ports (SnapshotWriter, SnapshotReader).
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, type Logger, TidemarkError, silentLogger, systemClock } from '../core/index.js';
import { type Backend, listAll } from './backend/index.js';
import {
  BlobIndex,
  type BlobLocation,
  type IndexFileDoc,
  type IndexFilePack,
  keyFromHex,
  validateIndexFile,
} from './blob-index.js';
import { Chunker } from './chunker.js';
import { type ChunkerParams, type RepoConfig, newConfig, validateConfig } from './config.js';
import {
  BlobType,
  type RepoKeys,
  type SealedKind,
  corrupt,
  decryptBlob,
  deriveKeys,
  isId,
  parseJson,
  sealJson,
  unsealJson,
} from './crypto.js';
import {
  type Credential,
  type KeyInfo,
  type ScryptParams,
  createKeyFile,
  listKeys as listKeyFiles,
  newKeyFileCredential,
  unlock,
} from './keys.js';
import {
  DEFAULT_LOCK_TIMINGS,
  type Lock,
  type LockContext,
  type LockFile,
  type LockOwner,
  type LockTimings,
  acquireLock,
  readLocks,
  removeLocks,
} from './lock.js';
import { packName } from './pack.js';
import type { OpenWriterOptions, SnapshotReader, SnapshotWriter } from './ports.js';
import { RepoSnapshotReader } from './reader.js';
import {
  type Labels,
  type Snapshot,
  type SnapshotId,
  matchesLabels,
  newestFirst,
  sameLabels,
  validateSnapshot,
} from './snapshot.js';
import { type TreeNode, validateNode } from './tree.js';
import { RepoSnapshotWriter } from './writer.js';

export interface RepositoryOptions {
  clock?: Clock;
  /** Who holds locks: host name, process id, and how to tell whether a local process still runs. */
  owner?: LockOwner;
  lockTimings?: Partial<LockTimings>;
  logger?: Logger;
}

export interface InitOptions extends RepositoryOptions {
  /** scrypt parameters of the first key (tests use cheap ones). */
  scrypt?: ScryptParams;
  chunker?: Partial<Omit<ChunkerParams, 'seed'>>;
  packSize?: number;
  keyLabel?: string;
}

export class Repository {
  readonly index = new BlobIndex();
  readonly chunker: Chunker;
  readonly clock: Clock;
  readonly owner: LockOwner;
  readonly logger: Logger;
  readonly lockTimings: LockTimings;
  private loadedIndexFiles = new Set<string>();
  private closed = false;

  private constructor(
    readonly backend: Backend,
    private readonly master: Buffer,
    /** @internal */ readonly keys: RepoKeys,
    readonly config: RepoConfig,
    /** Id of the key file that opened the repository. */
    public keyId: string,
    options: RepositoryOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.owner = options.owner ?? { host: hostname(), pid: 0 };
    this.logger = options.logger ?? silentLogger;
    this.lockTimings = { ...DEFAULT_LOCK_TIMINGS, ...options.lockTimings };
    this.chunker = new Chunker(config.chunker);
  }

  get id(): string {
    return this.config.id;
  }

  get location(): string {
    return this.backend.location;
  }

  /** Creates a repository: the first key file, then `config` (the file that makes it a repository). */
  static async init(backend: Backend, credential: Credential, options: InitOptions = {}): Promise<Repository> {
    const clock = options.clock ?? systemClock;
    if (await exists(backend, 'config')) {
      throw new TidemarkError('conflict', `a repository already exists at ${backend.location}`);
    }
    const config = newConfig(clock.now(), { chunker: options.chunker, packSize: options.packSize });
    const master = randomBytes(32);
    const key = await createKeyFile(master, config.id, credential, {
      scrypt: options.scrypt,
      label: options.keyLabel,
      host: options.owner?.host,
      now: clock.now(),
    });
    await backend.put(key.name, key.bytes);
    const keys = deriveKeys(master);
    await backend.put('config', sealJson(keys, 'config', config));
    return new Repository(backend, master, keys, config, key.name.slice('keys/'.length), options);
  }

  static async open(backend: Backend, credential: Credential, options: RepositoryOptions = {}): Promise<Repository> {
    let configBytes: Buffer;
    try {
      configBytes = await backend.get('config');
    } catch (e) {
      if (e instanceof TidemarkError && e.kind === 'not-found') {
        throw new TidemarkError('config', `there is no repository at ${backend.location}`, {
          hint: 'Create one with `tidemark init`, or point --repo at an existing one.',
        });
      }
      throw e;
    }
    const unlocked = await unlock(backend, credential);
    const keys = deriveKeys(unlocked.master);
    const config = validateConfig(unsealJson(keys, 'config', configBytes, 'config'));
    if (config.id !== unlocked.repositoryId) {
      throw new TidemarkError('wrong-key', `key ${unlocked.keyId.slice(0, 8)} belongs to another repository`, {
        hint: 'The key file was copied from a different repository; remove it with `tidemark key remove`.',
      });
    }
    return new Repository(backend, unlocked.master, keys, config, unlocked.keyId, options);
  }

  /** @internal */
  lockContext(): LockContext {
    return {
      backend: this.backend,
      keys: this.keys,
      clock: this.clock,
      owner: this.owner,
      timings: this.lockTimings,
      logger: this.logger,
    };
  }

  /** Takes a shared or exclusive lock (docs/design.md §6.11). */
  async lock(exclusive: boolean): Promise<Lock> {
    this.assertOpen();
    return acquireLock(this.lockContext(), exclusive);
  }

  listLocks(): Promise<LockFile[]> {
    return readLocks(this.lockContext());
  }

  /** Removes stale locks, or every lock with `all` (only when no other process uses the repository). */
  removeLocks(all = false): Promise<string[]> {
    return removeLocks(this.lockContext(), all);
  }

  // ---- sealed files ----------------------------------------------------------------------

  /** @internal Reads a content-named sealed file, verifying its name, tag and JSON. */
  async readSealed(kind: SealedKind, name: string): Promise<unknown> {
    const bytes = await this.backend.get(name);
    const id = name.slice(name.lastIndexOf('/') + 1);
    if (createHash('sha256').update(bytes).digest('hex') !== id)
      throw corrupt(name, 'its content does not match its name');
    return unsealJson(this.keys, kind, bytes, name);
  }

  /** @internal Writes a sealed file named by its hash under `dir`; returns the id. */
  async writeSealed(dir: string, kind: SealedKind, value: unknown): Promise<string> {
    const bytes = sealJson(this.keys, kind, value);
    const id = createHash('sha256').update(bytes).digest('hex');
    await this.backend.put(`${dir}/${id}`, bytes);
    return id;
  }

  // ---- index -----------------------------------------------------------------------------

  /** @internal Reads one index file. */
  async readIndexFile(name: string): Promise<IndexFileDoc> {
    return validateIndexFile(await this.readSealed('index', name), name);
  }

  /** @internal Writes an index file and adds its packs to the in-memory index. */
  async writeIndexFile(packs: IndexFilePack[], supersedes: string[] = []): Promise<string> {
    const id = await this.writeSealed('index', 'index', { v: 1, supersedes, packs } satisfies IndexFileDoc);
    for (const p of packs) this.index.addPack(p);
    this.loadedIndexFiles.add(`index/${id}`);
    return id;
  }

  /**
   * Brings the in-memory index up to date with the index files: loads new ones, and rebuilds it
   * from scratch when a loaded one disappeared or was superseded (after a prune).
   */
  async refreshIndex(options: { onDamaged?: (file: string, error: TidemarkError) => void } = {}): Promise<void> {
    this.assertOpen();
    const read = async (n: string): Promise<IndexFileDoc | undefined> => {
      try {
        return await this.readIndexFile(n);
      } catch (e) {
        if (e instanceof TidemarkError && e.kind === 'not-found') return undefined;
        if (e instanceof TidemarkError && e.kind === 'corrupt' && options.onDamaged) {
          options.onDamaged(n, e);
          return undefined;
        }
        throw e;
      }
    };
    const names = (await listAll(this.backend, 'index/')).map((f) => f.name).filter((n) => isId(n.slice(6)));
    const present = new Set(names);
    const fresh: Array<[string, IndexFileDoc]> = [];
    for (const n of names) {
      if (this.loadedIndexFiles.has(n)) continue;
      const doc = await read(n);
      if (doc) fresh.push([n, doc]);
    }
    const superseded = new Set(fresh.flatMap(([, d]) => d.supersedes.map((s) => `index/${s}`)));
    const rebuild =
      [...this.loadedIndexFiles].some((n) => !present.has(n) || superseded.has(n)) && this.loadedIndexFiles.size > 0;
    if (rebuild) {
      this.loadedIndexFiles = new Set();
      this.supersededFiles.clear();
      (this as { index: BlobIndex }).index = new BlobIndex();
      const all: Array<[string, IndexFileDoc]> = [];
      for (const n of names) {
        const hit = fresh.find(([f]) => f === n);
        const doc = hit ? hit[1] : await read(n);
        if (doc) all.push([n, doc]);
      }
      fresh.splice(0, fresh.length, ...all);
      for (const [, d] of all) for (const s of d.supersedes) superseded.add(`index/${s}`);
    }
    for (const [n, d] of fresh) {
      this.loadedIndexFiles.add(n);
      if (superseded.has(n)) {
        this.supersededFiles.add(n);
        continue;
      }
      for (const p of d.packs) this.index.addPack(p);
    }
  }

  /** @internal Index files present but superseded by another (left by an interrupted prune). */
  readonly supersededFiles = new Set<string>();

  /** @internal Names of the index files the in-memory index was built from. */
  indexFiles(): string[] {
    return [...this.loadedIndexFiles];
  }

  // ---- blobs -----------------------------------------------------------------------------

  /** Where a blob is; a blob the index lacks means the repository is missing data. */
  private locate(type: BlobType, id: string): BlobLocation {
    const loc = isId(id) ? this.index.get(keyFromHex(type, id)) : undefined;
    if (!loc) {
      throw new TidemarkError(
        'corrupt',
        `${type === BlobType.Tree ? 'tree' : 'data'} blob ${id} is not in the repository's index`,
        { hint: 'The repository is missing data; run `tidemark check`.', details: { blob: id } },
      );
    }
    return loc;
  }

  /** A byte range of a pack; a missing pack is damage, not a missing file. */
  private async packRange(pack: string, offset: number, length: number): Promise<Buffer> {
    try {
      return await this.backend.get(packName(pack), { offset, length });
    } catch (e) {
      if (e instanceof TidemarkError && e.kind === 'not-found') throw corrupt(packName(pack), 'the pack is missing');
      throw e;
    }
  }

  private openBlob(type: BlobType, id: string, loc: BlobLocation, stored: Uint8Array): Buffer {
    const what = `blob ${id} in ${packName(loc.pack)}`;
    return decryptBlob(this.keys, type, Buffer.from(id, 'hex'), loc.compression, stored, loc.rawLength, what);
  }

  /** @internal Reads, decrypts and verifies one blob through the index. */
  async readBlob(type: BlobType, id: string): Promise<Buffer> {
    const loc = this.locate(type, id);
    return this.openBlob(type, id, loc, await this.packRange(loc.pack, loc.offset, loc.length));
  }

  /**
   * @internal Reads many blobs with few backend calls: locations are grouped by pack and nearby
   * ones fetched in one ranged read (gaps under 64 KiB, segments up to 8 MiB). Yields in pack
   * order, not in the order given.
   */
  async *readBlobs(type: BlobType, ids: Iterable<string>): AsyncIterable<[string, Buffer]> {
    const byPack = new Map<string, Array<{ id: string; loc: BlobLocation }>>();
    for (const id of ids) {
      const loc = this.locate(type, id);
      const list = byPack.get(loc.pack);
      if (list) list.push({ id, loc });
      else byPack.set(loc.pack, [{ id, loc }]);
    }
    for (const [pack, wanted] of byPack) {
      wanted.sort((a, b) => a.loc.offset - b.loc.offset);
      for (let i = 0; i < wanted.length;) {
        const start = wanted[i]!.loc.offset;
        let end = start + wanted[i]!.loc.length;
        let j = i + 1;
        for (; j < wanted.length; j++) {
          const { offset, length } = wanted[j]!.loc;
          if (offset - end >= 64 * 1024 || offset + length - start > 8 * 1024 * 1024) break;
          end = Math.max(end, offset + length);
        }
        const segment = await this.packRange(pack, start, end - start);
        for (const { id, loc } of wanted.slice(i, j)) {
          const from = loc.offset - start;
          yield [id, this.openBlob(type, id, loc, segment.subarray(from, from + loc.length))];
        }
        i = j;
      }
    }
  }

  /** @internal */
  async readTreeNode(id: string): Promise<TreeNode> {
    const what = `tree ${id}`;
    return validateNode(parseJson(await this.readBlob(BlobType.Tree, id), what), what);
  }

  // ---- snapshots -------------------------------------------------------------------------

  /** @internal */
  async readSnapshot(id: string): Promise<Snapshot> {
    const name = `snapshots/${id}`;
    return { id, ...validateSnapshot(await this.readSealed('snapshot', name), name) };
  }

  /** Every snapshot (checkpoints included), newest first, optionally only those with the given labels. */
  async listSnapshots(
    filter: Labels = {},
    options: { onDamaged?: (file: string, error: TidemarkError) => void } = {},
  ): Promise<Snapshot[]> {
    this.assertOpen();
    const out: Snapshot[] = [];
    for (const f of await listAll(this.backend, 'snapshots/')) {
      const id = f.name.slice('snapshots/'.length);
      if (!isId(id)) continue;
      try {
        const s = await this.readSnapshot(id);
        if (matchesLabels(s.labels, filter)) out.push(s);
      } catch (e) {
        if (e instanceof TidemarkError && e.kind === 'not-found') continue; // forgotten meanwhile
        if (e instanceof TidemarkError && e.kind === 'corrupt' && options.onDamaged) {
          options.onDamaged(f.name, e);
          continue;
        }
        throw e;
      }
    }
    return out.sort(newestFirst);
  }

  /** A snapshot by id or unique id prefix (at least 4 characters). */
  async loadSnapshot(idOrPrefix: string): Promise<Snapshot> {
    this.assertOpen();
    if (isId(idOrPrefix)) {
      try {
        return await this.readSnapshot(idOrPrefix);
      } catch (e) {
        if (e instanceof TidemarkError && e.kind === 'not-found')
          throw new TidemarkError('not-found', `no snapshot ${idOrPrefix}`);
        throw e;
      }
    }
    if (!/^[0-9a-f]{4,63}$/.test(idOrPrefix)) throw new TidemarkError('usage', `not a snapshot id: ${idOrPrefix}`);
    const hits = (await listAll(this.backend, `snapshots/${idOrPrefix}`)).map((f) => f.name.slice('snapshots/'.length));
    if (hits.length === 0) throw new TidemarkError('not-found', `no snapshot ${idOrPrefix}`);
    if (hits.length > 1)
      throw new TidemarkError('usage', `snapshot prefix ${idOrPrefix} is ambiguous; give more characters`);
    return this.readSnapshot(hits[0]!);
  }

  /** The newest complete snapshot whose labels equal `labels`. */
  async latestSnapshot(labels: Labels): Promise<Snapshot | undefined> {
    return (await this.listSnapshots(labels)).find((s) => s.incomplete === undefined && sameLabels(s.labels, labels));
  }

  /**
   * The checkpoint a run with exactly these labels should continue: the newest incomplete snapshot,
   * if it is newer than the newest complete one.
   */
  async findCheckpoint(labels: Labels): Promise<Snapshot | undefined> {
    const same = (await this.listSnapshots(labels)).filter((s) => sameLabels(s.labels, labels));
    const newest = same[0];
    return newest && newest.incomplete !== undefined ? newest : undefined;
  }

  // ---- the engines' ports ----------------------------------------------------------------

  /**
   * Starts writing a snapshot under a shared lock. With `continueFrom`, the checkpoint's content is
   * available as `writer.resumedFrom`, and packs left unindexed by the interrupted run are re-indexed.
   */
  async openSnapshotWriter(options: OpenWriterOptions): Promise<SnapshotWriter> {
    return RepoSnapshotWriter.open(this, options);
  }

  /** Opens a snapshot for reading under a shared lock; `close()` releases it. */
  async openSnapshotReader(idOrPrefix: SnapshotId): Promise<SnapshotReader & { close(): Promise<void> }> {
    const lock = await this.lock(false);
    try {
      await this.refreshIndex();
      const snapshot = await this.loadSnapshot(idOrPrefix);
      return new RepoSnapshotReader(this, snapshot, async () => lock.release());
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /** Runs `fn` under a lock with a fresh index. */
  async withLock<T>(exclusive: boolean, fn: (lock: Lock) => Promise<T>): Promise<T> {
    const lock = await this.lock(exclusive);
    try {
      await this.refreshIndex();
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  // ---- keys ------------------------------------------------------------------------------

  listKeys(): Promise<KeyInfo[]> {
    return listKeyFiles(this.backend);
  }

  /**
   * Adds a key for a passphrase, or (without a credential) for a new key file credential whose
   * text is returned once for the caller to store.
   */
  async addKey(
    credential: Credential | undefined,
    options: { label?: string; scrypt?: ScryptParams } = {},
  ): Promise<{ id: string; keyFileText?: string }> {
    this.assertOpen();
    let keyFileText: string | undefined;
    if (!credential) {
      const made = newKeyFileCredential();
      credential = made.credential;
      keyFileText = made.text;
    }
    const key = await createKeyFile(this.master, this.id, credential, {
      scrypt: options.scrypt,
      label: options.label,
      host: this.owner.host,
      now: this.clock.now(),
    });
    await this.backend.put(key.name, key.bytes);
    return { id: key.name.slice('keys/'.length), keyFileText };
  }

  /**
   * Replaces the key this session opened with by a new one for `credential` (a passphrase change).
   * The new key is written before the old one is deleted.
   */
  async changeKey(credential: Credential, options: { label?: string; scrypt?: ScryptParams } = {}): Promise<string> {
    const { id } = await this.addKey(credential, options);
    const old = this.keyId;
    await this.withLock(true, async () => this.backend.delete(`keys/${old}`));
    this.keyId = id;
    return id;
  }

  /** Removes a key by id or unique prefix. Refuses the last key and the key this session opened with. */
  async removeKey(idOrPrefix: string): Promise<string> {
    this.assertOpen();
    const keys = await this.listKeys();
    const hits = keys.filter((k) => k.id.startsWith(idOrPrefix));
    if (idOrPrefix.length < 4 || hits.length === 0) throw new TidemarkError('not-found', `no key ${idOrPrefix}`);
    if (hits.length > 1) throw new TidemarkError('usage', `key prefix ${idOrPrefix} is ambiguous`);
    const id = hits[0]!.id;
    if (id === this.keyId) {
      throw new TidemarkError('usage', 'the key used to open the repository cannot remove itself', {
        hint: 'Open the repository with another key to remove this one, or use `tidemark key passwd` to replace it.',
      });
    }
    if (keys.filter((k) => !k.damaged).length <= 1 && !hits[0]!.damaged) {
      throw new TidemarkError('usage', 'the last usable key cannot be removed');
    }
    await this.withLock(true, async () => this.backend.delete(`keys/${id}`));
    return id;
  }

  close(): Promise<void> {
    this.closed = true;
    this.master.fill(0);
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new TidemarkError('internal', 'the repository is closed');
  }
}

async function exists(backend: Backend, name: string): Promise<boolean> {
  try {
    await backend.stat(name);
    return true;
  } catch (e) {
    if (e instanceof TidemarkError && e.kind === 'not-found') return false;
    throw e;
  }
}

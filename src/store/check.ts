/**
 * check (docs/design.md §6.13): verifies the repository's structure and, with `readData`, every
 * byte of every pack. Problems are collected, not thrown, so one run reports all of them.
 */
import { createHash } from 'node:crypto';
import { TidemarkError, type ProgressSink, nullSink } from '../core/index.js';
import { listAll } from './backend/index.js';
import type { BlobLocation } from './blob-index.js';
import { validateConfig } from './config.js';
import { decryptBlob, isId, unsealJson } from './crypto.js';
import { listKeys } from './keys.js';
import { type Lock, isStale, readLocks } from './lock.js';
import { TRAILER_SIZE, packName, parseHeader, parseTrailer } from './pack.js';
import { collectReachable } from './reachable.js';
import type { Repository } from './repository.js';
import type { Snapshot } from './snapshot.js';

export interface CheckProblem {
  file?: string;
  message: string;
}

export interface CheckReport {
  /** True when there is no error (notes are fine). */
  ok: boolean;
  readData: boolean;
  errors: CheckProblem[];
  /** Harmless findings: leftovers of interrupted runs, stale locks. */
  notes: CheckProblem[];
  counts: {
    keys: number;
    snapshots: number;
    indexFiles: number;
    packs: number;
    blobs: number;
    treesRead: number;
    packsRead: number;
    bytesRead: number;
  };
}

export async function check(
  repo: Repository,
  options: { readData?: boolean; progress?: ProgressSink } = {},
): Promise<CheckReport> {
  const progress = options.progress ?? nullSink;
  const job = 'check';
  const errors: CheckProblem[] = [];
  const notes: CheckProblem[] = [];
  const report: CheckReport = {
    ok: false,
    readData: options.readData ?? false,
    errors,
    notes,
    counts: { keys: 0, snapshots: 0, indexFiles: 0, packs: 0, blobs: 0, treesRead: 0, packsRead: 0, bytesRead: 0 },
  };
  const phase = (name: string, total?: number) =>
    progress.emit({ type: 'phase', job, phase: name, at: repo.clock.now(), total });
  const problem = (e: unknown): string => (e instanceof Error ? e.message : String(e));

  let lock: Lock | undefined;
  try {
    lock = await repo.lock(false);
  } catch (e) {
    // a damaged lock file must not stop check from reporting it (and everything else)
    if (!(e instanceof TidemarkError && e.kind === 'corrupt')) throw e;
  }
  try {
    phase('structure');
    try {
      validateConfig(unsealJson(repo.keys, 'config', await repo.backend.get('config'), 'config'));
    } catch (e) {
      errors.push({ file: 'config', message: problem(e) });
    }
    for (const k of await listKeys(repo.backend)) {
      report.counts.keys++;
      if (k.damaged) errors.push({ file: `keys/${k.id}`, message: `key file is damaged: ${k.damaged}` });
    }
    for (const l of await readLocks(repo.lockContext())) {
      if ('damaged' in l) errors.push({ file: l.name, message: `lock file is damaged: ${l.damaged}` });
      else if (isStale(l.doc, repo.lockContext()))
        notes.push({ file: l.name, message: `stale lock of ${l.doc.host} (pid ${l.doc.pid}) from ${l.doc.time}` });
    }

    phase('index');
    await repo.refreshIndex({ onDamaged: (file, e) => errors.push({ file, message: e.message }) });
    report.counts.indexFiles = repo.indexFiles().length;
    for (const f of repo.supersededFiles)
      notes.push({ file: f, message: 'index file superseded by another (left by an interrupted prune)' });

    phase('packs');
    const listed = new Map<string, number>();
    for (const f of await listAll(repo.backend, 'data/')) {
      const id = f.name.slice(f.name.lastIndexOf('/') + 1);
      if (!isId(id) || f.name !== packName(id)) errors.push({ file: f.name, message: 'unexpected file in data/' });
      else listed.set(id, f.size);
    }
    const byPack = new Map<string, Array<BlobLocation & { key: string }>>();
    for (const e of repo.index.entries()) {
      const list = byPack.get(e.pack);
      if (list) list.push(e);
      else byPack.set(e.pack, [e]);
    }
    for (const p of repo.index.packs()) {
      report.counts.packs++;
      const size = listed.get(p.id);
      if (size === undefined) {
        errors.push({ file: packName(p.id), message: 'pack is listed in the index but missing' });
        continue;
      }
      if (size !== p.size)
        errors.push({ file: packName(p.id), message: `pack has ${size} bytes, the index says ${p.size}` });
      for (const e of byPack.get(p.id) ?? []) {
        if (e.offset + e.length > size - TRAILER_SIZE) {
          errors.push({ file: packName(p.id), message: 'an index entry points past the end of the pack' });
          break;
        }
      }
    }
    for (const id of listed.keys()) {
      if (!repo.index.hasPack(id))
        notes.push({ file: packName(id), message: 'pack in no index (left by an interrupted run; prune removes it)' });
    }
    report.counts.blobs = repo.index.blobCount;

    phase('snapshots');
    const snapshots: Snapshot[] = await repo.listSnapshots(
      {},
      { onDamaged: (file, e) => errors.push({ file, message: e.message }) },
    );
    report.counts.snapshots = snapshots.length;
    const reached = new Set<string>();
    await collectReachable(repo, snapshots, reached, (m) =>
      errors.push({ file: `snapshots/${m.snapshot}`, message: `${m.path}: ${m.problem} (${m.blob})` }),
    );
    report.counts.treesRead = [...reached].filter((k) => k.charCodeAt(0) === 1).length;

    if (options.readData) {
      const packs = repo.index.packs().filter((p) => listed.has(p.id));
      phase('read-data', packs.length);
      for (const [i, p] of packs.entries()) {
        const name = packName(p.id);
        let bytes: Buffer;
        try {
          bytes = await repo.backend.get(name);
        } catch (e) {
          errors.push({ file: name, message: problem(e) });
          continue;
        }
        report.counts.packsRead++;
        report.counts.bytesRead += bytes.length;
        if (createHash('sha256').update(bytes).digest('hex') !== p.id)
          errors.push({ file: name, message: 'pack content does not match its name' });
        const indexed = byPack.get(p.id) ?? [];
        try {
          const headerLength = parseTrailer(bytes.subarray(bytes.length - TRAILER_SIZE), bytes.length, name);
          const header = parseHeader(
            repo.keys,
            bytes.subarray(bytes.length - TRAILER_SIZE - headerLength, bytes.length - TRAILER_SIZE),
            bytes.length,
            name,
          );
          const fromHeader = new Set(
            header.map(
              (h) => `${h.type}:${h.id.toString('hex')}:${h.offset}:${h.length}:${h.rawLength}:${h.compression}`,
            ),
          );
          const fromIndex = new Set(
            indexed.map((e) => `${e.type}:${keyHex(e)}:${e.offset}:${e.length}:${e.rawLength}:${e.compression}`),
          );
          if (fromHeader.size !== fromIndex.size || [...fromIndex].some((x) => !fromHeader.has(x))) {
            errors.push({ file: name, message: 'pack header and index disagree' });
          }
        } catch (e) {
          errors.push({ file: name, message: problem(e) });
        }
        for (const e of indexed) {
          try {
            const id = Buffer.from(keyHex(e), 'hex');
            decryptBlob(
              repo.keys,
              e.type,
              id,
              e.compression,
              bytes.subarray(e.offset, e.offset + e.length),
              e.rawLength,
              `blob ${keyHex(e)} in ${name}`,
            );
          } catch (err) {
            errors.push({ file: name, message: problem(err) });
          }
        }
        progress.emit({
          type: 'progress',
          job,
          phase: 'read-data',
          at: repo.clock.now(),
          done: i + 1,
          total: packs.length,
          bytes: report.counts.bytesRead,
        });
      }
    }
  } finally {
    await lock?.release();
  }
  report.ok = errors.length === 0;
  progress.emit({ type: 'done', job, at: repo.clock.now(), summary: { errors: errors.length, notes: notes.length } });
  return report;
}

function keyHex(e: BlobLocation & { key: string }): string {
  return Buffer.from(e.key.slice(1), 'latin1').toString('hex');
}

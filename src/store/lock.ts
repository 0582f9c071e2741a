/**
 * Repository locks (docs/design.md §6.11): shared for adding and reading, exclusive for deleting.
 * A holder refreshes its lock file; locks that were not refreshed for 30 minutes, or whose process
 * is known to be gone, are stale.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Clock, type Logger, TidemarkError } from '../core/index.js';
import { type Backend, listAll } from './backend/index.js';
import { type RepoKeys, hex, sealJson, unsealJson } from './crypto.js';

export interface LockOwner {
  host: string;
  pid: number;
  /** Whether a process of this host is running (lets locks of crashed processes go stale at once). */
  isAlive?: (pid: number) => boolean;
}

export interface LockTimings {
  /** A lock older than this is stale (default 30 min). */
  staleMs: number;
  /** A holder rewrites its lock this often (default 5 min). */
  refreshMs: number;
  /** A holder whose last refresh is older than this stops (default 25 min). */
  validMs: number;
  /** How long to wait for a conflicting lock to go away (default 0: fail at once). */
  waitMs: number;
}

export const DEFAULT_LOCK_TIMINGS: LockTimings = {
  staleMs: 30 * 60_000,
  refreshMs: 5 * 60_000,
  validMs: 25 * 60_000,
  waitMs: 0,
};

export interface LockDoc {
  v: 1;
  exclusive: boolean;
  time: string;
  host: string;
  pid: number;
  nonce: string;
}

export type LockFile = { name: string; doc: LockDoc } | { name: string; damaged: string };

export interface LockContext {
  backend: Backend;
  keys: RepoKeys;
  clock: Clock;
  owner: LockOwner;
  timings: LockTimings;
  logger: Logger;
}

export async function readLocks(ctx: LockContext): Promise<LockFile[]> {
  const out: LockFile[] = [];
  for (const f of await listAll(ctx.backend, 'locks/')) {
    try {
      const bytes = await ctx.backend.get(f.name);
      const id = f.name.slice('locks/'.length);
      if (createHash('sha256').update(bytes).digest('hex') !== id) {
        out.push({ name: f.name, damaged: 'its content does not match its name' });
        continue;
      }
      const doc = unsealJson(ctx.keys, 'lock', bytes, f.name) as Partial<LockDoc>;
      if (
        doc.v !== 1 ||
        typeof doc.exclusive !== 'boolean' ||
        typeof doc.time !== 'string' ||
        Number.isNaN(Date.parse(doc.time)) ||
        typeof doc.host !== 'string' ||
        typeof doc.pid !== 'number'
      ) {
        out.push({ name: f.name, damaged: 'not a lock of version 1' });
      } else {
        out.push({ name: f.name, doc: doc as LockDoc });
      }
    } catch (e) {
      if (e instanceof TidemarkError && e.kind === 'not-found') continue; // released meanwhile
      if (e instanceof TidemarkError && e.kind === 'corrupt') {
        out.push({ name: f.name, damaged: e.message });
        continue;
      }
      throw e;
    }
  }
  return out;
}

export function isStale(doc: LockDoc, ctx: Pick<LockContext, 'clock' | 'owner' | 'timings'>): boolean {
  if (ctx.clock.now() - Date.parse(doc.time) > ctx.timings.staleMs) return true;
  if (doc.host === ctx.owner.host && doc.pid !== ctx.owner.pid && ctx.owner.isAlive) return !ctx.owner.isAlive(doc.pid);
  return false;
}

function describe(doc: LockDoc): string {
  return `${doc.exclusive ? 'an exclusive' : 'a shared'} lock of ${doc.host} (pid ${doc.pid}) from ${doc.time}`;
}

export class Lock {
  private lastRefresh: number;
  private readonly stop = new AbortController();
  private released = false;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly ctx: LockContext,
    readonly exclusive: boolean,
    private name: string,
  ) {
    this.lastRefresh = ctx.clock.now();
    void this.refreshLoop();
  }

  get file(): string {
    return this.name;
  }

  private async refreshLoop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        await this.ctx.clock.sleep(this.ctx.timings.refreshMs, this.stop.signal);
      } catch {
        return; // released
      }
      this.refreshing = this.refresh().catch((e: unknown) => {
        this.ctx.logger.warn('could not refresh the repository lock', { error: String(e) });
      });
      await this.refreshing;
    }
  }

  /** Writes a fresh lock file and deletes the previous one. */
  async refresh(): Promise<void> {
    if (this.released) return;
    const { name } = await writeLock(this.ctx, this.exclusive);
    const old = this.name;
    this.name = name;
    this.lastRefresh = this.ctx.clock.now();
    await this.ctx.backend.delete(old);
  }

  /** Throws `locked` when the lock may have been taken over (not refreshed for too long, or released). */
  assertValid(): void {
    if (this.released) throw new TidemarkError('internal', 'the repository lock was already released');
    const age = this.ctx.clock.now() - this.lastRefresh;
    if (age > this.ctx.timings.validMs) {
      throw new TidemarkError(
        'locked',
        `the repository lock could not be refreshed for ${Math.round(age / 60_000)} minutes`,
        {
          hint: 'Another process may have treated it as stale. Nothing was written after that; run the operation again.',
        },
      );
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.stop.abort();
    await this.refreshing;
    await this.ctx.backend.delete(this.name);
  }
}

async function writeLock(ctx: LockContext, exclusive: boolean): Promise<{ name: string }> {
  const doc: LockDoc = {
    v: 1,
    exclusive,
    time: new Date(ctx.clock.now()).toISOString(),
    host: ctx.owner.host,
    pid: ctx.owner.pid,
    nonce: hex(randomBytes(8)),
  };
  const bytes = sealJson(ctx.keys, 'lock', doc);
  const name = `locks/${createHash('sha256').update(bytes).digest('hex')}`;
  await ctx.backend.put(name, bytes);
  return { name };
}

/** Conflicting, non-stale locks other than `own`; damaged lock files always conflict. */
async function conflicts(
  ctx: LockContext,
  exclusive: boolean,
  own: string | undefined,
): Promise<{ live: LockFile[]; stale: string[] }> {
  const live: LockFile[] = [];
  const stale: string[] = [];
  for (const l of await readLocks(ctx)) {
    if (l.name === own) continue;
    if ('damaged' in l) {
      live.push(l);
    } else if (isStale(l.doc, ctx)) {
      stale.push(l.name);
    } else if (exclusive || l.doc.exclusive) {
      live.push(l);
    }
  }
  return { live, stale };
}

function lockedError(found: LockFile): TidemarkError {
  if ('damaged' in found) {
    return new TidemarkError('corrupt', `lock file ${found.name} is damaged (${found.damaged})`, {
      hint: 'If no other Tidemark process uses this repository, remove it with `tidemark unlock --remove-all`.',
      details: { file: found.name },
    });
  }
  return new TidemarkError('locked', `the repository is in use: ${describe(found.doc)}`, {
    hint: 'Wait for that operation to finish. If its process is gone, the lock goes stale 30 minutes after its last refresh; `tidemark unlock` removes stale locks.',
    details: { host: found.doc.host, pid: found.doc.pid, exclusive: found.doc.exclusive, time: found.doc.time },
  });
}

export async function acquireLock(ctx: LockContext, exclusive: boolean): Promise<Lock> {
  const deadline = ctx.clock.now() + ctx.timings.waitMs;
  let delay = 200;
  for (;;) {
    const before = await conflicts(ctx, exclusive, undefined);
    if (before.live.length === 0) {
      const { name } = await writeLock(ctx, exclusive);
      const after = await conflicts(ctx, exclusive, name);
      if (after.live.length === 0) {
        if (exclusive) for (const s of after.stale) await ctx.backend.delete(s);
        return new Lock(ctx, exclusive, name);
      }
      await ctx.backend.delete(name);
      before.live = after.live;
    }
    if (ctx.clock.now() >= deadline) throw lockedError(before.live[0]!);
    const wait = Math.min(delay * (0.5 + Math.random()), Math.max(1, deadline - ctx.clock.now()));
    await ctx.clock.sleep(wait);
    delay = Math.min(delay * 2, 10_000);
  }
}

/** Deletes stale locks (or every lock with `all`); returns the names removed. */
export async function removeLocks(ctx: LockContext, all: boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const l of await readLocks(ctx)) {
    if (all || ('doc' in l && isStale(l.doc, ctx))) {
      await ctx.backend.delete(l.name);
      removed.push(l.name);
    }
  }
  return removed;
}

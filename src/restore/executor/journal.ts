/**
 * Journals of a plan's application (docs/design.md §9.4): `FileJournal` appends JSON lines to a
 * file and makes each batch durable (fsync) before `append` resolves, so a `started` entry is on
 * disk before the step's request is sent; `MemoryJournal` keeps entries in memory (tests, dry runs).
 *
 * After a crash the last line may be torn (half written). Reading ignores it, and opening for
 * append cuts it off first, so the next entry starts on a line of its own and no earlier line is
 * ever lost. A malformed line anywhere else is corruption and is reported, never skipped.
 */
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TidemarkError } from '../../core/index.js';
import type { Journal, JournalEntry } from '../ports.js';

export class MemoryJournal implements Journal {
  private readonly list: JournalEntry[];
  constructor(initial: JournalEntry[] = []) {
    this.list = [...initial];
  }
  entries(): Promise<JournalEntry[]> {
    return Promise.resolve([...this.list]);
  }
  append(entry: JournalEntry): Promise<void> {
    this.list.push(entry);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Parses journal text; a torn (unterminated or unparsable) last line is dropped. */
export function parseJournal(text: string, file = 'journal'): { entries: JournalEntry[]; validBytes: number } {
  const entries: JournalEntry[] = [];
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    lineNo++;
    if (nl < 0) break; // torn last line: no newline yet
    const line = text.slice(pos, nl);
    if (line.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        const rest = text.slice(nl + 1);
        if (rest.trim() === '') break; // a garbled last line: torn as well
        throw new TidemarkError('corrupt', `${file}: line ${lineNo} is not a journal entry`, {
          hint: 'The journal was changed by hand or damaged; restore it from a copy or start a new journal.',
        });
      }
      if (!isEntry(parsed)) throw new TidemarkError('corrupt', `${file}: line ${lineNo} is not a journal entry`);
      entries.push(parsed);
    }
    pos = nl + 1;
  }
  return { entries, validBytes: Buffer.byteLength(text.slice(0, pos)) };
}

function isEntry(v: unknown): v is JournalEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.step === 'string' &&
    typeof e.at === 'string' &&
    (e.event === 'started' || e.event === 'done' || e.event === 'failed' || e.event === 'skipped')
  );
}

export class FileJournal implements Journal {
  private handle: FileHandle | undefined;
  private readonly loaded: JournalEntry[];
  private queue: Array<{ line: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private broken: TidemarkError | undefined;

  private constructor(
    readonly path: string,
    handle: FileHandle,
    loaded: JournalEntry[],
  ) {
    this.handle = handle;
    this.loaded = loaded;
  }

  /** Opens (or creates) a journal file, cutting off a torn last line left by a crash. */
  static async open(path: string): Promise<FileJournal> {
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new TidemarkError('storage', `cannot read the journal ${path}`, { cause: e });
    }
    const { entries, validBytes } = parseJournal(text, path);
    if (validBytes < Buffer.byteLength(text)) await truncate(path, validBytes);
    // Owner-only: outputs name the restored issues (and the plan beside it holds their content).
    const handle = await open(path, 'a', 0o600);
    if (text === '') {
      // A new file: make its directory entry durable too, or a crash could lose the whole journal.
      const dir = await open(dirname(path), 'r');
      try {
        await dir.sync();
      } catch {
        // Some file systems cannot sync a directory; the file's own fsyncs still hold.
      } finally {
        await dir.close();
      }
    }
    return new FileJournal(path, handle, entries);
  }

  entries(): Promise<JournalEntry[]> {
    return Promise.resolve([...this.loaded]);
  }

  /** Resolves once the entry is on disk. Concurrent appends share one write and one fsync. */
  append(entry: JournalEntry): Promise<void> {
    if (!this.handle) return Promise.reject(new TidemarkError('internal', 'the journal is closed'));
    // After a failed write the file may end in part of a line: appending after it would corrupt
    // the middle of the journal, so it takes nothing more (reopening cuts the torn line off).
    if (this.broken) return Promise.reject(this.broken);
    this.loaded.push(entry);
    return new Promise((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(entry)}\n`, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let appends made in the same tick join this batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.handle!.write(batch.map((b) => b.line).join(''));
        await this.handle!.datasync();
        for (const b of batch) b.resolve();
      } catch (e) {
        const err = new TidemarkError('storage', `cannot write the journal ${this.path}`, {
          cause: e,
          hint: 'Free space or fix the file system, then run `tidemark restore apply` again: it resumes from the journal.',
        });
        this.broken = err;
        for (const b of [...batch, ...this.queue.splice(0)]) b.reject(err);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    if (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }
}

/**
 * Retries transient storage failures (network, throttling, 5xx) with exponential backoff and
 * jitter. Everything else — missing files, full disks, damaged data, access denied — fails at once.
 * Streamed bodies cannot be replayed, so a streamed put is attempted once.
 */
import { type Clock, systemClock } from '../../core/index.js';
import { type Backend, type FileInfo, type GetOptions, type PutBody, isTransient } from './backend.js';

export interface RetryOptions {
  /** Total attempts per call, the first included (default 5). */
  attempts?: number;
  /** First delay (default 250 ms); doubles each time up to `maxDelayMs` (default 10 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: Clock;
  /** Called before each retry (for logs and progress). */
  onRetry?: (info: { operation: string; name: string; attempt: number; delayMs: number; error: unknown }) => void;
}

export class RetryBackend implements Backend {
  readonly location: string;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly inner: Backend,
    private readonly options: RetryOptions = {},
  ) {
    this.location = inner.location;
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.clock = options.clock ?? systemClock;
  }

  private async run<T>(operation: string, name: string, fn: () => Promise<T>, replayable = true): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!replayable || !isTransient(e) || attempt >= this.attempts) throw e;
        const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        const delayMs = Math.round(cap / 2 + Math.random() * (cap / 2));
        this.options.onRetry?.({ operation, name, attempt, delayMs, error: e });
        await this.clock.sleep(delayMs);
      }
    }
  }

  put(name: string, body: PutBody): Promise<void> {
    return this.run('put', name, () => this.inner.put(name, body), body instanceof Uint8Array);
  }

  get(name: string, options?: GetOptions): Promise<Buffer> {
    return this.run('get', name, () => this.inner.get(name, options));
  }

  async *list(prefix: string): AsyncIterable<FileInfo> {
    // a listing that fails half-way cannot resume, so retry it whole and yield afterwards
    const all = await this.run('list', prefix, async () => {
      const out: FileInfo[] = [];
      for await (const f of this.inner.list(prefix)) out.push(f);
      return out;
    });
    yield* all;
  }

  stat(name: string): Promise<FileInfo> {
    return this.run('stat', name, () => this.inner.stat(name));
  }

  delete(name: string): Promise<void> {
    return this.run('delete', name, () => this.inner.delete(name));
  }

  async sweep(nowMs: number, olderThanMs: number): Promise<number> {
    return (await this.inner.sweep?.(nowMs, olderThanMs)) ?? 0;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * SimMeter: what the simulator's gateway answered, for tests and benchmarks. Counters (requests,
 * points, 429s by reason, faults by kind; in total and by endpoint, site, app, UTC hour and status)
 * are always kept; the per-request log can be capped (the newest records are kept) or turned off,
 * so hour-long benchmarks run in bounded memory.
 */
import { TidemarkError, utcHourStart } from '../../core/index.js';
import type { MeterRecord, MeterService } from '../services.js';

export interface MeterTally {
  /** Calls seen, including refused and faulted ones. */
  requests: number;
  /** Points charged (429s and injected faults cost nothing). */
  points: number;
  /** Calls refused with 429. */
  rateLimited: number;
  /** Calls that got an injected fault (status, reset, truncation or delay). */
  faults: number;
}

export interface MeterCounters {
  /** When counting started (construction or the last reset), ms since the epoch. */
  since: number;
  totals: MeterTally;
  /** Keyed "METHOD /spec/route/{template}", e.g. "GET /rest/api/3/issue/{issueIdOrKey}". */
  byEndpoint: Record<string, MeterTally>;
  /** Keyed by cloudId. */
  bySite: Record<string, MeterTally>;
  /** Keyed by OAuth client id. */
  byApp: Record<string, MeterTally>;
  /** Keyed by the start of the UTC hour, ISO-8601 (e.g. 2026-11-24T09:00:00.000Z). */
  byHour: Record<string, MeterTally>;
  /** Calls by HTTP status; 0 is a connection reset. */
  byStatus: Record<string, number>;
  /** 429s by RateLimit-Reason. */
  rateLimited: Record<string, number>;
  /** Injected faults by kind: 500, 502, 503, 504, reset, truncate, delay. */
  faults: Record<string, number>;
  log: { kept: number; dropped: number; limit: number | null };
}

export interface MeterOptions {
  /** Most records the request log keeps (the newest); null = unbounded (default); 0 = no log. */
  logLimit?: number | null;
  /** Time source for `since` (default: Date.now). */
  now?: () => number;
}

function tally(): MeterTally {
  return { requests: 0, points: 0, rateLimited: 0, faults: 0 };
}

export class SimMeter implements MeterService {
  private logLimit: number | null;
  private readonly now: () => number;
  private ring: MeterRecord[] = [];
  /** Index of the oldest record once the ring is full. */
  private head = 0;
  private dropped = 0;
  private c!: Omit<MeterCounters, 'log'>;

  constructor(options: MeterOptions = {}) {
    this.logLimit = normaliseLimit(options.logLimit);
    this.now = options.now ?? (() => Date.now());
    this.reset();
  }

  record(entry: MeterRecord): void {
    const c = this.c;
    const rateLimited = entry.status === 429 && entry.note !== undefined && !entry.note.startsWith('fault:');
    const fault = entry.note?.startsWith('fault:') ? entry.note.slice(6) : undefined;
    const add = (t: MeterTally): void => {
      t.requests += 1;
      t.points += entry.points;
      if (rateLimited) t.rateLimited += 1;
      if (fault) t.faults += 1;
    };
    add(c.totals);
    add((c.byEndpoint[`${entry.method} ${entry.route}`] ??= tally()));
    add((c.bySite[entry.cloudId] ??= tally()));
    add((c.byApp[entry.clientId] ??= tally()));
    add((c.byHour[new Date(utcHourStart(entry.at)).toISOString()] ??= tally()));
    c.byStatus[String(entry.status)] = (c.byStatus[String(entry.status)] ?? 0) + 1;
    if (rateLimited) c.rateLimited[entry.note!] = (c.rateLimited[entry.note!] ?? 0) + 1;
    if (fault) c.faults[fault] = (c.faults[fault] ?? 0) + 1;
    this.append({ ...entry });
  }

  /** A copy of the counters. */
  counters(): MeterCounters {
    return {
      ...structuredClone(this.c),
      log: { kept: this.ring.length, dropped: this.dropped, limit: this.logLimit },
    };
  }

  /** Points charged per endpoint ("METHOD route" → points). */
  pointsByEndpoint(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.c.byEndpoint).map(([k, t]) => [k, t.points]));
  }

  /** The kept request log, oldest first (copies). */
  log(): MeterRecord[] {
    const ordered = this.head === 0 ? this.ring : [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    return ordered.map((r) => ({ ...r }));
  }

  /** The kept request log (alias of log(), for callers of the former MemoryMeter). */
  get records(): MeterRecord[] {
    return this.log();
  }

  /** Clears the counters and the log. */
  reset(): void {
    this.c = {
      since: this.now(),
      totals: tally(),
      byEndpoint: {},
      bySite: {},
      byApp: {},
      byHour: {},
      byStatus: {},
      rateLimited: {},
      faults: {},
    };
    this.ring = [];
    this.head = 0;
    this.dropped = 0;
  }

  /** Changes the log cap; the newest records within the new cap are kept. */
  setLogLimit(limit: number | null): void {
    const records = this.log();
    this.logLimit = normaliseLimit(limit);
    const keep = this.logLimit === null ? records : records.slice(Math.max(0, records.length - this.logLimit));
    this.dropped += records.length - keep.length;
    this.ring = keep;
    this.head = 0;
  }

  private append(entry: MeterRecord): void {
    const limit = this.logLimit;
    if (limit === 0) {
      this.dropped += 1;
      return;
    }
    if (limit === null || this.ring.length < limit) {
      this.ring.push(entry);
      return;
    }
    this.ring[this.head] = entry;
    this.head = (this.head + 1) % limit;
    this.dropped += 1;
  }
}

function normaliseLimit(limit: number | null | undefined): number | null {
  if (limit === undefined || limit === null) return null;
  if (!Number.isInteger(limit) || limit < 0)
    throw new TidemarkError('usage', 'logLimit must be a non-negative integer or null');
  return limit;
}

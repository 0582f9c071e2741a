/**
 * What every part of a backup run shares: the Jira client, the snapshot writer, counters, progress.
 */
import type { Clock, Logger, ProgressSink } from '../core/index.js';
import type { JiraClient } from '../jira/index.js';
import type { SnapshotWriter } from '../store/index.js';

export interface Concurrency {
  /** Bulk fetches in flight (issues, changelogs, comment and worklog lists). */
  bulk: number;
  /** Per-issue requests in flight (remote links, properties, watchers, voters). */
  perIssue: number;
  /** Attachment downloads in flight. */
  attachments: number;
}

export const DEFAULT_CONCURRENCY: Concurrency = { bulk: 4, perIssue: 16, attachments: 4 };

/** Entities stored (or reused from the parent) by kind, and bytes of attachments downloaded. */
export class Counts {
  readonly stored = new Map<string, number>();
  readonly reused = new Map<string, number>();
  attachmentBytes = 0;
  issuesDeleted = 0;

  add(kind: string, n = 1): void {
    this.stored.set(kind, (this.stored.get(kind) ?? 0) + n);
  }
  reuse(kind: string, n = 1): void {
    this.reused.set(kind, (this.reused.get(kind) ?? 0) + n);
  }
  toJSON(): Record<string, unknown> {
    return {
      stored: Object.fromEntries([...this.stored].sort()),
      reused: Object.fromEntries([...this.reused].sort()),
      attachmentBytes: this.attachmentBytes,
      issuesDeleted: this.issuesDeleted,
    };
  }
}

export interface BackupContext {
  client: JiraClient;
  writer: SnapshotWriter;
  /** For attachment bytes: the media URL Jira redirects to is fetched without the bearer token. */
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  progress: ProgressSink;
  job: string;
  counts: Counts;
  concurrency: Concurrency;
  signal?: AbortSignal;
}

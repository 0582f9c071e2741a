/**
 * What an incremental run must fetch again (docs/design.md §8.3):
 *
 * - issues whose `updated` is at or after the parent's watermark minus the overlap (a cheap
 *   identifier-only search per project);
 * - issues whose worklogs the worklog feeds report as updated or deleted since then (a safety net:
 *   Jira also moves `updated` on worklog changes);
 * - new issues (in the id walk, not in the parent);
 * - issues linked to deleted ones: Jira drops the link from them without moving their `updated`.
 *
 * Deleted issues are the parent's ids the id walk no longer finds. Everything else keeps the
 * parent's subtree.
 */
import { chunks } from '../core/index.js';
import { items } from '../jira/index.js';
import type { SnapshotReader, TreeEntry } from '../store/index.js';
import type { BackupContext } from './context.js';
import { walkIssueIds, type KnownIssue } from './issues.js';

type Json = Record<string, unknown>;

export interface ChangeInput {
  parent: SnapshotReader;
  /** The parent's issues/ entries by issue id. */
  parentIssues: Map<string, TreeEntry>;
  /** Issue ids the id walk found now. */
  current: readonly string[];
  projects: ReadonlyArray<{ id: string; key: string }>;
  /** The parent run's watermark (ms). */
  watermark: number;
  overlapMs: number;
  /** The calling account's time zone: Jira reads JQL date literals in it. */
  timeZone: string;
}

export interface ChangeSet {
  /** Issues to fetch, in id-walk order. */
  toHydrate: string[];
  /** What the parent knows of the issues to fetch (for de-duplication and forced re-fetches). */
  known: Map<string, KnownIssue>;
  /** Issues gone since the parent. */
  deleted: string[];
  /** Why issues are fetched, for the report. */
  reasons: { updated: number; created: number; worklogFeeds: number; linkedToDeleted: number };
}

function offsetMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(ms));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/**
 * A JQL date literal ('yyyy/MM/dd HH:mm') for an instant. Jira reads date literals in the calling
 * user's time zone, so the wall time is written in that zone; near a daylight-saving change, where
 * a wall time can name two instants, it goes an hour earlier so nothing is missed.
 */
export function jqlDate(ms: number, timeZone = 'UTC'): string {
  const here = offsetMinutes(ms, timeZone);
  const near = here !== offsetMinutes(ms + 3_600_000, timeZone) || here !== offsetMinutes(ms - 3_600_000, timeZone);
  const at = near ? ms - 3_600_000 : ms;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}`;
}

async function issueChildren(reader: SnapshotReader, e: TreeEntry | undefined): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  if (!e || e.type !== 'tree') return out;
  for await (const child of reader.list(e.tree)) out.set(child.name, child);
  return out;
}

/** The parent's knowledge of one issue: subtree, stored `updated` and key. */
export async function knownIssue(reader: SnapshotReader, e: TreeEntry | undefined): Promise<KnownIssue | undefined> {
  if (!e || e.type !== 'tree') return undefined;
  const issue = (await issueChildren(reader, e)).get('issue');
  const meta = issue?.type === 'record' ? issue.meta : undefined;
  return {
    tree: e.tree,
    updated: typeof meta?.updated === 'string' ? meta.updated : null,
    key: typeof meta?.key === 'string' ? meta.key : null,
  };
}

/** Issue ids linked from an issue as the parent stored it. */
async function linkedIds(reader: SnapshotReader, e: TreeEntry | undefined): Promise<string[]> {
  const issue = (await issueChildren(reader, e)).get('issue');
  if (!issue || issue.type !== 'record') return [];
  const record = await reader.readRecord<{ fields?: { issuelinks?: Json[] } }>(issue.blob);
  return (record.fields?.issuelinks ?? [])
    .map((l) => String(((l.outwardIssue ?? l.inwardIssue) as Json | undefined)?.id ?? ''))
    .filter((x) => x !== '');
}

/** worklog id → issue id, over the parent's issues that have worklogs. */
async function parentWorklogOwners(
  reader: SnapshotReader,
  parentIssues: Map<string, TreeEntry>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [issueId, e] of parentIssues) {
    const worklogs = (await issueChildren(reader, e)).get('worklogs');
    if (worklogs?.type !== 'tree') continue;
    for await (const w of reader.list(worklogs.tree)) out.set(w.name, issueId);
  }
  return out;
}

export async function detectChanges(ctx: BackupContext, input: ChangeInput): Promise<ChangeSet> {
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const currentSet = new Set(input.current);
  const since = Math.floor(input.watermark - input.overlapMs);
  const reasons = { updated: 0, created: 0, worklogFeeds: 0, linkedToDeleted: 0 };
  const wanted = new Set<string>();
  const forced = new Set<string>();

  for (const p of input.projects) {
    for (const id of await walkIssueIds(ctx, p.id, `updated >= '${jqlDate(since, input.timeZone)}'`)) {
      if (!wanted.has(id)) reasons.updated++;
      wanted.add(id);
    }
  }
  for (const id of input.current) {
    if (!input.parentIssues.has(id) && !wanted.has(id)) {
      wanted.add(id);
      reasons.created++;
    }
  }

  // Worklog feeds: updated worklogs name their issue through /worklog/list; deleted ones through
  // the parent snapshot.
  const updatedWorklogs: string[] = [];
  for await (const v of items<'GET /rest/api/3/worklog/updated', Json>(
    ctx.client,
    'GET /rest/api/3/worklog/updated',
    'since-until',
    {
      query: { since },
      expectObjects: 100,
      ...signal,
    },
  ))
    updatedWorklogs.push(String(v.worklogId));
  const deletedWorklogs: string[] = [];
  for await (const v of items<'GET /rest/api/3/worklog/deleted', Json>(
    ctx.client,
    'GET /rest/api/3/worklog/deleted',
    'since-until',
    {
      query: { since },
      expectObjects: 100,
      ...signal,
    },
  ))
    deletedWorklogs.push(String(v.worklogId));
  const feedIssues = new Set<string>();
  for (const batch of chunks([...new Set(updatedWorklogs)], 1_000)) {
    const res = await ctx.client.request('POST /rest/api/3/worklog/list', {
      body: { ids: batch.map(Number) },
      expectObjects: batch.length,
      ...signal,
    });
    for (const w of (res.body as unknown as Json[]) ?? []) feedIssues.add(String(w.issueId));
  }
  if (deletedWorklogs.length > 0) {
    const owners = await parentWorklogOwners(input.parent, input.parentIssues);
    for (const w of deletedWorklogs) {
      const issueId = owners.get(w);
      if (issueId) feedIssues.add(issueId);
    }
  }
  for (const id of feedIssues) {
    if (!currentSet.has(id) || wanted.has(id)) continue;
    wanted.add(id);
    forced.add(id);
    reasons.worklogFeeds++;
  }

  const deleted = [...input.parentIssues.keys()].filter((id) => !currentSet.has(id));
  for (const id of deleted) {
    for (const other of await linkedIds(input.parent, input.parentIssues.get(id))) {
      if (!currentSet.has(other)) continue;
      if (!wanted.has(other)) reasons.linkedToDeleted++;
      wanted.add(other);
      forced.add(other);
    }
  }

  const toHydrate = input.current.filter((id) => wanted.has(id));
  const known = new Map<string, KnownIssue>();
  for (const id of toHydrate) {
    const k = await knownIssue(input.parent, input.parentIssues.get(id));
    if (k) known.set(id, forced.has(id) ? { ...k, force: true } : k);
  }
  return { toHydrate, known, deleted, reasons };
}

/**
 * BackupRun: one backup of one site into the repository (docs/design.md §8).
 *
 * Phases: discovery → configuration → people, Jira Software, JSM (`EXTRA_PHASES`, one top-level
 * directory each) → issues (id walk, change detection, hydration in groups with checkpoints) →
 * snapshot. A full run hydrates every issue; an incremental run hydrates new and
 * changed issues and reuses the parent snapshot's subtree for every other one. A run that finds a
 * checkpoint of its site continues it: finished issues are not fetched again.
 */
import {
  TidemarkError,
  chunks,
  silentLogger,
  systemClock,
  toTidemarkError,
  type Clock,
  type Logger,
  type ProgressSink,
  nullSink,
} from '../core/index.js';
import type { JiraClient } from '../jira/index.js';
import type { Labels, Repository, SnapshotReader, SnapshotWriter, TreeEntry, TreeId } from '../store/index.js';
import { agilePhase } from './agile.js';
import { backupConfiguration } from './config.js';
import { Counts, DEFAULT_CONCURRENCY, type BackupContext, type Concurrency } from './context.js';
import { detectChanges, knownIssue } from './changes.js';
import { hydrateIssues, probeNewerIssues, walkIssueIds, type KnownAttachments, type KnownIssue } from './issues.js';
import { jsmPhase } from './jsm.js';
import { peoplePhase } from './people.js';
import { stable } from './records.js';

export interface BackupSite {
  cloudId: string;
  name: string;
  /** The site's URL, e.g. https://acme.atlassian.net. */
  url: string;
}

export interface BackupOptions {
  client: JiraClient;
  repository: Repository;
  site: BackupSite;
  /** Hydrate every issue, ignoring the parent snapshot. */
  full?: boolean;
  clock?: Clock;
  logger?: Logger;
  progress?: ProgressSink;
  fetch?: typeof fetch;
  concurrency?: Partial<Concurrency>;
  signal?: AbortSignal;
  /** How far before the parent's watermark to look for updated issues. Default 10 minutes. */
  overlapMs?: number;
  /**
   * Longest an incremental run keeps the parent's configuration when the audit log shows no change
   * (filters and dashboards, which Jira does not audit, are read every run). Default 24 hours.
   */
  configMaxAgeMs?: number;
  /** Issues hydrated between checkpoints. Default 2,000. */
  checkpointEvery?: number;
  /** Issues hydrated together (bulk fetches and list batches are shared within a group). Default 1,000. */
  groupSize?: number;
  /**
   * Users and groups (identity objects, 2 points each) are read again by an incremental run only
   * when the parent's copy is at least this old. Full runs always read them. Default 7 days.
   */
  peopleMaxAgeMs?: number;
  tool: { version: string; mode: string };
}

export interface BackupReport {
  snapshot: string;
  parent: string | null;
  resumedFrom: string | null;
  mode: 'full' | 'incremental';
  site: BackupSite;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  issues: { total: number; hydrated: number; reused: number; deleted: number; reasons: Record<string, number> };
  entities: Record<string, unknown>;
  points: { total: number; requests: number; byEndpoint: Record<string, { requests: number; points: number }> };
  repository: Record<string, number>;
  checkpoints: number;
  /** The estimate shown when the issues phase started. */
  estimate: { points: number; durationMs: number };
}

/** The site record (root `site`): what was backed up and how. */
interface SiteRecord {
  cloudId: string;
  name: string;
  url: string;
  serverInfo: unknown;
  run: {
    tool: string;
    mode: 'full' | 'incremental';
    startedAt: string;
    watermark: number;
    parent: string | null;
    /** When the configuration stored in this snapshot was read (an earlier run's time when reused). */
    configTakenAt?: number;
  };
}

const JOB = 'backup';

/**
 * Points a fully fetched issue costs on a typical site, for the first run's estimate (the medium
 * simulated site measures about 16.6; later runs use what their parent measured).
 */
const DEFAULT_POINTS_PER_ISSUE = 16;

export function siteLabels(site: BackupSite): Labels {
  return { site: new URL(site.url).host };
}

async function listDir(reader: SnapshotReader, path: string[]): Promise<Map<string, TreeEntry>> {
  const dir = await reader.lookup(path);
  const out = new Map<string, TreeEntry>();
  if (!dir || dir.type !== 'tree') return out;
  for await (const e of reader.list(dir.tree)) out.set(e.name, e);
  return out;
}

/** Attachment files in a snapshot, by attachment id (for reuse: bytes never change under an id). */
async function attachmentsOf(
  reader: SnapshotReader,
  issues: Map<string, TreeEntry>,
  only?: ReadonlySet<string>,
): Promise<KnownAttachments> {
  const out: KnownAttachments = new Map();
  for (const [id, e] of issues) {
    if (e.type !== 'tree' || (only && !only.has(id))) continue;
    for await (const child of reader.list(e.tree)) {
      if (child.name !== 'attachments' || child.type !== 'tree') continue;
      for await (const f of reader.list(child.tree)) if (f.type === 'file') out.set(f.name, f);
    }
  }
  return out;
}

export async function runBackup(options: BackupOptions): Promise<BackupReport> {
  const clock = options.clock ?? systemClock;
  const progress = options.progress ?? nullSink;
  const logger = options.logger ?? silentLogger;
  const startedAt = clock.now();
  const labels = siteLabels(options.site);
  const repo = options.repository;
  const parentSnap = options.full ? undefined : await repo.latestSnapshot(labels);
  const checkpoint = await repo.findCheckpoint(labels);
  const writer: SnapshotWriter = await repo.openSnapshotWriter({
    labels,
    ...(parentSnap ? { parent: parentSnap.id } : {}),
    ...(checkpoint ? { continueFrom: checkpoint.id } : {}),
    time: startedAt,
  });
  const counts = new Counts();
  const ctx: BackupContext = {
    client: options.client,
    writer,
    fetch: options.fetch ?? fetch,
    clock,
    logger,
    progress,
    job: JOB,
    counts,
    concurrency: { ...DEFAULT_CONCURRENCY, ...(options.concurrency ?? {}) },
    ...(options.signal ? { signal: options.signal } : {}),
  };
  let checkpoints = 0;
  try {
    // A continued checkpoint keeps its run's mode, parent and watermark.
    const resumed = writer.resumedFrom;
    const resumedSite = resumed ? await readSiteRecord(resumed) : undefined;
    const parentId = resumedSite ? resumedSite.run.parent : (parentSnap?.id ?? null);
    const parent = parentId ? await writer.reader(parentId) : undefined;
    const mode: 'full' | 'incremental' = resumedSite?.run.mode ?? (parent ? 'incremental' : 'full');
    const watermark = resumedSite?.run.watermark ?? startedAt;
    progress.emit({ type: 'start', job: JOB, at: clock.now() });

    progress.emit({ type: 'phase', job: JOB, phase: 'discovery', at: clock.now() });
    const serverInfo = (
      await options.client.request('GET /rest/api/3/serverInfo', ctx.signal ? { signal: ctx.signal } : {})
    ).body;
    // Jira reads JQL date literals in the caller's time zone (the watermark query needs it).
    const myself = (await options.client.request('GET /rest/api/3/myself', ctx.signal ? { signal: ctx.signal } : {}))
      .body as { timeZone?: string };
    const callerTimeZone = myself.timeZone && isTimeZone(myself.timeZone) ? myself.timeZone : 'UTC';
    const siteRecord: SiteRecord = {
      cloudId: options.site.cloudId,
      name: options.site.name,
      url: options.site.url,
      serverInfo: stable(serverInfo),
      run: {
        tool: `tidemark ${options.tool.version} (${options.tool.mode})`,
        mode,
        startedAt: new Date(watermark).toISOString(),
        watermark,
        parent: parentId,
      },
    };
    progress.emit({ type: 'phase', job: JOB, phase: 'configuration', at: clock.now() });
    // Configuration changes rarely: an incremental run keeps the parent's when the audit log shows
    // no change since it was read and it is younger than configMaxAgeMs.
    const parentSite = parent ? await readSiteRecord(parent) : undefined;
    const parentConfig = parent ? await parent.lookup(['config']) : undefined;
    const parentConfigAt = parentSite?.run.configTakenAt ?? parentSite?.run.watermark;
    const reusable =
      mode === 'incremental' &&
      parent !== undefined &&
      parentConfig !== undefined &&
      parentConfigAt !== undefined &&
      watermark - parentConfigAt < (options.configMaxAgeMs ?? 24 * 3_600_000);
    const config = await backupConfiguration(
      ctx,
      reusable
        ? { parent: parent!, entry: parentConfig!, since: parentConfigAt! - (options.overlapMs ?? 10 * 60_000) }
        : undefined,
    );
    siteRecord.run.configTakenAt = config.reused ? parentConfigAt! : watermark;
    const siteStored = await writer.putRecord(siteRecord);
    const siteEntry: TreeEntry = { name: 'site', type: 'record', blob: siteStored.id, size: siteStored.size };
    // Further top-level directories (people/, agile/, jsm/): each phase writes one entry.
    const extraEntries: TreeEntry[] = [];
    for (const phase of EXTRA_PHASES) {
      progress.emit({ type: 'phase', job: JOB, phase: phase.name, at: clock.now() });
      const entry = await phase.run(ctx, { parent, mode, projects: config.projects, options });
      if (entry) extraEntries.push(entry);
    }

    // ---- issues ----
    progress.emit({ type: 'phase', job: JOB, phase: 'issue ids', at: clock.now() });
    const current: string[] = [];
    for (const p of config.projects) current.push(...(await walkIssueIds(ctx, p.id)));
    const parentIssues = parent ? await listDir(parent, ['issues']) : new Map<string, TreeEntry>();
    // Issues the lagging search index does not show yet.
    let highest = 0;
    for (const id of [...current, ...parentIssues.keys()]) highest = Math.max(highest, Number(id));
    for (const id of await probeNewerIssues(ctx, highest)) if (!current.includes(id)) current.push(id);
    const currentSet = new Set(current);
    const done = resumed ? await listDir(resumed, ['issues']) : new Map<string, TreeEntry>();

    let toHydrate: string[];
    let known = new Map<string, KnownIssue>();
    let changeReasons: Record<string, number> = {};
    const issueEntries = new Map<string, TreeEntry>();
    for (const [id, e] of done) if (currentSet.has(id)) issueEntries.set(id, e);
    const deleted = [...parentIssues.keys()].filter((id) => !currentSet.has(id));
    if (mode === 'full') {
      toHydrate = current.filter((id) => !done.has(id));
    } else {
      progress.emit({ type: 'phase', job: JOB, phase: 'changes', at: clock.now() });
      const changes = await detectChanges(ctx, {
        parent: parent!,
        parentIssues,
        current,
        projects: config.projects,
        watermark: await watermarkOf(parent!),
        overlapMs: options.overlapMs ?? 10 * 60_000,
        timeZone: callerTimeZone,
      });
      toHydrate = changes.toHydrate.filter((id) => !done.has(id));
      known = changes.known;
      changeReasons = changes.reasons;
      const wanted = new Set(changes.toHydrate);
      for (const id of current) {
        if (done.has(id) || wanted.has(id)) continue;
        const e = parentIssues.get(id);
        if (e) {
          issueEntries.set(id, e);
          counts.reuse('issue');
        }
      }
    }
    const knownAttachments = parent ? await attachmentsOf(parent, parentIssues, new Set(toHydrate)) : new Map();
    if (resumed) for (const [id, f] of await attachmentsOf(resumed, done)) knownAttachments.set(id, f);

    // The estimate: points per fetched issue as the parent run measured them (or the cost model's
    // typical figure for a first run), paced by the governor's own rules.
    const pointsBeforeIssues = options.client.usage.points;
    // The latest snapshot's statistics, even when this run does not build on it (--full).
    const parentStats = ((parent?.snapshot ?? (await repo.latestSnapshot(labels)))?.stats ?? {}) as Record<
      string,
      number
    >;
    const perIssue =
      (parentStats.hydrated ?? 0) > 0 && parentStats.issuePoints !== undefined
        ? parentStats.issuePoints / parentStats.hydrated!
        : DEFAULT_POINTS_PER_ISSUE;
    const remainingPoints = Math.round(toHydrate.length * perIssue);
    const estimate = {
      points: pointsBeforeIssues + remainingPoints,
      durationMs: clock.now() - startedAt + (await options.client.governor.timeToSpend(remainingPoints)),
    };
    progress.emit({
      type: 'phase',
      job: JOB,
      phase: 'issues',
      at: clock.now(),
      total: toHydrate.length,
      unit: 'issues',
      estimate,
    });
    let hydrated = 0;
    let planned = 0;
    let sinceCheckpoint = 0;
    const missing: string[] = [];
    const fetched = new Set<string>();
    const rekeyed: string[] = [];
    const linked = new Map<string, string[]>();
    const hydrateAll = async (ids: string[]): Promise<void> => {
      for (const group of chunks(ids, options.groupSize ?? 1_000)) {
        const result = await hydrateIssues(ctx, group, known, knownAttachments);
        for (const [id, e] of result.entries) issueEntries.set(id, e);
        for (const id of group) fetched.add(id);
        missing.push(...result.missing);
        rekeyed.push(...result.rekeyed);
        for (const [id, l] of result.linked) linked.set(id, l);
        hydrated += result.fetched;
        planned += group.length;
        sinceCheckpoint += group.length;
        const elapsed = clock.now() - startedAt;
        progress.emit({
          type: 'progress',
          job: JOB,
          phase: 'issues',
          at: clock.now(),
          done: planned,
          total: toHydrate.length,
          unit: 'issues',
          points: options.client.usage.points,
          bytes: counts.attachmentBytes,
          ...(planned > 0 ? { etaMs: Math.round((elapsed / planned) * Math.max(0, toHydrate.length - planned)) } : {}),
        });
        if (sinceCheckpoint >= (options.checkpointEvery ?? 2_000)) {
          sinceCheckpoint = 0;
          const root = await writeRoot(writer, [siteEntry, config.entry, ...extraEntries], issueEntries);
          await writer.checkpoint(root, 'checkpoint', { issues: issueEntries.size });
          checkpoints++;
        }
      }
    };
    await hydrateAll(toHydrate);
    if (mode === 'incremental') {
      // Issues linked to a moved (re-keyed) issue show its old key: fetch them again.
      const follow = new Set<string>();
      for (const id of rekeyed)
        for (const other of linked.get(id) ?? []) if (currentSet.has(other) && !fetched.has(other)) follow.add(other);
      if (follow.size > 0) {
        for (const id of follow) {
          const k = await knownIssue(parent!, parentIssues.get(id));
          if (k) known.set(id, { ...k, force: true });
        }
        changeReasons.linkedToMoved = follow.size;
        toHydrate = [...toHydrate, ...follow];
        await hydrateAll([...follow]);
      }
    }
    counts.issuesDeleted = deleted.length + missing.filter((id) => !deleted.includes(id)).length;

    progress.emit({ type: 'phase', job: JOB, phase: 'snapshot', at: clock.now() });
    const root = await writeRoot(writer, [siteEntry, config.entry, ...extraEntries], issueEntries);
    const stats = {
      issues: issueEntries.size,
      hydrated,
      deleted: counts.issuesDeleted,
      points: options.client.usage.points,
      issuePoints: options.client.usage.points - pointsBeforeIssues,
    };
    const snapshot = await writer.finish(root, stats);
    const finishedAt = clock.now();
    const report: BackupReport = {
      snapshot,
      parent: parentId,
      resumedFrom: resumed ? resumed.snapshot.id : null,
      mode,
      site: options.site,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - startedAt,
      issues: {
        total: issueEntries.size,
        hydrated,
        reused: counts.reused.get('issue') ?? 0,
        deleted: counts.issuesDeleted,
        reasons: changeReasons,
      },
      entities: counts.toJSON(),
      points: {
        total: options.client.usage.points,
        requests: options.client.usage.requests,
        byEndpoint: options.client.usage.toJSON(),
      },
      repository: { ...writer.stats },
      checkpoints,
      estimate,
    };
    progress.emit({ type: 'done', job: JOB, at: finishedAt, summary: report as unknown as Record<string, unknown> });
    return report;
  } catch (e) {
    const err = toTidemarkError(e);
    progress.emit({
      type: 'failed',
      job: JOB,
      at: clock.now(),
      error: { kind: err.kind, message: err.message, ...(err.hint ? { hint: err.hint } : {}) },
    });
    await writer.abort().catch(() => undefined);
    throw err;
  }
}

async function readSiteRecord(reader: SnapshotReader): Promise<SiteRecord | undefined> {
  const e = await reader.lookup(['site']);
  if (!e || e.type !== 'record') return undefined;
  return reader.readRecord<SiteRecord>(e.blob);
}

/** The parent run's watermark (when its id walk started), from its site record. */
async function watermarkOf(parent: SnapshotReader): Promise<number> {
  const site = await readSiteRecord(parent);
  const t = site?.run.watermark ?? Date.parse(parent.snapshot.time);
  if (!Number.isFinite(t))
    throw new TidemarkError('corrupt', `the parent snapshot ${parent.snapshot.id} has no usable watermark`);
  return t;
}

async function writeRoot(writer: SnapshotWriter, top: TreeEntry[], issues: Map<string, TreeEntry>): Promise<TreeId> {
  const issuesDir = await writer.writeTree([...issues.values()]);
  return writer.writeTree([...top, { name: 'issues', type: 'tree', tree: issuesDir }]);
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** What a phase may use besides the context. */
export interface PhaseInput {
  /** The parent snapshot, for incremental runs (e.g. people on their own cadence). */
  parent: SnapshotReader | undefined;
  mode: 'full' | 'incremental';
  /** Projects found by the configuration phase. */
  projects: Array<{ id: string; key: string }>;
  /** The run's options (e.g. `peopleMaxAgeMs`). */
  options: Readonly<BackupOptions>;
}

/** A backup phase that writes one top-level directory of the snapshot (or nothing). */
export interface BackupPhase {
  name: string;
  run(ctx: BackupContext, input: PhaseInput): Promise<TreeEntry | undefined>;
}

/** Phases after configuration and before issues, in order. */
export const EXTRA_PHASES: BackupPhase[] = [peoplePhase, agilePhase, jsmPhase];

import type { Command } from 'commander';
import { TidemarkError, systemClock, toTidemarkError, type ProgressEvent } from '../../core/index.js';
import { RateGovernor, type JiraClient } from '../../jira/index.js';
import { runBackup, type BackupReport } from '../../backup/run.js';
import { accessFor, clientFor, resolveSite } from '../connections.js';
import { openCatalog } from './catalog.js';
import type { CliContext } from '../context.js';
import { jsonLogger } from '../logger.js';
import { progressRenderer } from '../progress.js';
import { addRepoOptions, openRepository, type RepoCliOptions } from './repo-options.js';
import { masterKey, openVault } from '../settings.js';
import { clean, columns, formatBytes, formatCount, formatDuration } from '../text.js';
import { VERSION } from '../version.js';

export interface BackupCliOptions extends RepoCliOptions {
  site?: string;
  connection?: string;
  full?: boolean;
  maxPointsPerHour?: number;
  masterKeyFile?: string;
}

function parsePoints(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new TidemarkError('usage', `--max-points-per-hour must be a whole number above 0, not ${value}`);
  return n;
}

export function registerBackupCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('backup')
      .summary('back up a connected Jira site into the repository')
      .description(
        'Back up one connected Jira Cloud site into the repository as a new snapshot (labelled site=<host>): ' +
          'configuration, issues with their fields, changelogs, comments, worklogs, attachments, links, watchers, ' +
          'votes and properties (docs/design.md §8).\n\n' +
          'The first backup of a site is full; later ones are incremental: only issues that are new or changed ' +
          'since the last snapshot are fetched, and unchanged ones are reused without a request. A run that was ' +
          'interrupted continues from its last checkpoint. The site comes from the connections that ' +
          '`tidemark connect` stored (master key from --master-key-file or TIDEMARK_MASTER_KEY).\n\n' +
          'Progress: bars on a terminal, plain lines otherwise (standard error); with --json, NDJSON events on ' +
          'standard output, ending with a `done` event that carries the report (or `failed`). Ctrl-C stops the run ' +
          'cleanly: what was stored stays in the repository and the next run continues. Warnings and errors of the ' +
          'run go to standard error as JSON lines (TIDEMARK_LOG_LEVEL=debug|info|warn, default warn).\n\n' +
          'Exit status: 0 when the snapshot was written, 1 when the run failed (the message and a hint say why), ' +
          '2 for a mistake on the command line.',
      )
      .option('-s, --site <site>', 'site to back up: name, host or cloud id (default: the only connected site)')
      .option('--connection <id>', 'use this connection when several reach the site (see `tidemark connections`)')
      .option('--full', 'fetch every issue again instead of only what changed since the last snapshot')
      .option(
        '--max-points-per-hour <n>',
        "most API points this run may spend in one hour (default: the app's whole hourly quota)",
        parsePoints,
      )
      .option('--master-key-file <file>', 'file holding the master key that seals the stored connections'),
    { jsonHelp: 'write progress and the final report as NDJSON events on standard output' },
  ).action(async (opts: BackupCliOptions) => {
    await runBackupCommand(ctx, opts);
  });
}

/** Resolves the site and repository, runs the backup with progress, prints the report. */
export async function runBackupCommand(ctx: CliContext, opts: BackupCliOptions): Promise<BackupReport> {
  let client: JiraClient | undefined;
  const renderer = progressRenderer(ctx, opts, { points: () => client?.usage.points });
  let terminal = false;
  const controller = new AbortController();
  const interrupted = (): TidemarkError =>
    new TidemarkError('cancelled', 'the backup was interrupted; no snapshot was written', {
      hint: 'What was stored stays in the repository: run `tidemark backup` again and it continues from the last checkpoint.',
    });
  const sink = {
    emit(e: ProgressEvent): void {
      if (e.type === 'done' || e.type === 'failed') terminal = true;
      // An interrupted run fails with whatever the aborted request threw; say what happened instead.
      if (e.type === 'failed' && controller.signal.aborted) {
        const err = interrupted();
        renderer.emit({
          ...e,
          error: { kind: err.kind, message: err.message, ...(err.hint ? { hint: err.hint } : {}) },
        });
        return;
      }
      renderer.emit(e);
    },
  };
  void ctx.stopped().then(() => controller.abort());
  let repo: Awaited<ReturnType<typeof openRepository>> | undefined;
  try {
    const key = await masterKey(ctx.env, opts.masterKeyFile);
    const vault = await openVault(ctx.env, opts.masterKeyFile);
    const { grant, site } = resolveSite(vault, opts.site, opts.connection);
    const access = await accessFor(ctx, vault, grant, key);
    const logger = jsonLogger((line) => ctx.err(line), { level: ctx.env.TIDEMARK_LOG_LEVEL ?? 'warn' });
    const governor = new RateGovernor({
      clock: systemClock,
      ...(opts.maxPointsPerHour !== undefined ? { maxPointsPerHour: opts.maxPointsPerHour } : {}),
      onEvent: (e) => {
        if (e.type === 'paused')
          sink.emit({ type: 'paused', job: 'backup', at: systemClock.now(), reason: e.reason, untilMs: e.untilMs });
        else if (e.type === 'resumed') sink.emit({ type: 'resumed', job: 'backup', at: systemClock.now() });
      },
    });
    client = clientFor(ctx, access, site, logger, governor);
    repo = await openRepository(opts, ctx.env);
    if (!opts.json)
      ctx.err(
        `Backing up ${site.name} (${new URL(site.url).host}) into ${repo.location}${opts.full ? ' (full)' : ''} …`,
      );
    const report = await runBackup({
      client,
      repository: repo,
      site: { cloudId: site.cloudId, name: site.name, url: site.url },
      ...(opts.full ? { full: true } : {}),
      progress: sink,
      logger,
      fetch: ctx.fetch,
      signal: controller.signal,
      tool: { version: VERSION, mode: access.mode },
    });
    renderer.close();
    // The catalog is a cache of the repository: keep it in step, but never fail a backup over it.
    try {
      const catalog = await openCatalog({}, ctx.env);
      try {
        const reader = await repo.openSnapshotReader(report.snapshot);
        try {
          await catalog.addSnapshot(reader);
        } finally {
          await reader.close();
        }
      } finally {
        await catalog.close();
      }
    } catch (e) {
      ctx.err(
        `warning: the catalog was not updated (${toTidemarkError(e).message}); run \`tidemark catalog sync\` to catch up.`,
      );
    }
    if (!opts.json) ctx.out(backupReportText(report, governor.hourlyCap));
    return report;
  } catch (e) {
    renderer.close();
    const err = controller.signal.aborted ? interrupted() : toTidemarkError(e);
    if (opts.json && !terminal)
      renderer.emit({
        type: 'failed',
        job: 'backup',
        at: systemClock.now(),
        error: { kind: err.kind, message: err.message, ...(err.hint ? { hint: err.hint } : {}) },
      });
    throw err;
  } finally {
    if (repo) {
      await repo.close().catch(() => undefined);
      await repo.backend.close().catch(() => undefined);
    }
  }
}

const REASONS: Record<string, string> = {
  updated: 'updated since the last run',
  created: 'new',
  worklogFeeds: 'with changed worklogs',
  linkedToDeleted: 'linked to a deleted issue',
  linkedToMoved: 'linked to a moved issue',
};

/** Why an incremental run fetched issues, in words. */
function reasonText(key: string): string {
  return REASONS[key] ?? clean(key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** The final report as a person reads it. */
export function backupReportText(report: BackupReport, hourlyCap?: number): string {
  const lines: string[] = [];
  const host = (() => {
    try {
      return new URL(report.site.url).host;
    } catch {
      return report.site.url;
    }
  })();
  lines.push(
    `Snapshot ${report.snapshot.slice(0, 8)} saved: ${report.mode} backup of ${report.site.name} (${host}) in ${formatDuration(report.durationMs)}` +
      (report.resumedFrom ? ` (continued checkpoint ${report.resumedFrom.slice(0, 8)})` : ''),
  );
  const i = report.issues;
  lines.push(
    `  issues      ${formatCount(i.total)} in the snapshot: ${formatCount(i.hydrated)} fetched, ${formatCount(i.reused)} unchanged (reused), ${formatCount(i.deleted)} deleted since the parent`,
  );
  const reasons = Object.entries((i as { reasons?: Record<string, number> }).reasons ?? {}).filter(([, n]) => n > 0);
  if (reasons.length > 0)
    lines.push(`  why         ${reasons.map(([why, n]) => `${formatCount(n)} ${reasonText(why)}`).join(', ')}`);
  const ent = report.entities as {
    stored?: Record<string, number>;
    reused?: Record<string, number>;
    attachmentBytes?: number;
  };
  lines.push(`  downloads   ${formatBytes(num(ent.attachmentBytes))} of attachment content`);
  const r = report.repository;
  lines.push(
    `  repository  ${formatBytes(num(r.bytesAdded))} new (${formatBytes(num(r.bytesStored))} written in ${formatCount(num(r.packsWritten))} pack(s)); ${formatCount(num(r.blobsDeduplicated))} blobs already stored`,
  );
  lines.push(
    `  points      ${formatCount(report.points.total)} in ${formatCount(report.points.requests)} requests${hourlyCap ? ` (cap ${formatCount(hourlyCap)} per hour)` : ''}`,
  );
  if (report.parent) lines.push(`  parent      ${report.parent.slice(0, 8)}`);
  const kinds = [...new Set([...Object.keys(ent.stored ?? {}), ...Object.keys(ent.reused ?? {})])].sort();
  if (kinds.length > 0) {
    lines.push('', 'Entities by kind:');
    lines.push(
      columns(
        [
          ['  kind', 'stored', 'reused'],
          ...kinds.map((k) => [`  ${k}`, formatCount(ent.stored?.[k] ?? 0), formatCount(ent.reused?.[k] ?? 0)]),
        ],
        { right: [1, 2] },
      ),
    );
  }
  const endpoints = Object.entries(report.points.byEndpoint).sort((a, b) => b[1].points - a[1].points);
  if (endpoints.length > 0) {
    lines.push('', 'Points by endpoint:');
    lines.push(
      columns(
        [
          ['  endpoint', 'requests', 'points'],
          ...endpoints.map(([k, u]) => [`  ${k}`, formatCount(u.requests), formatCount(u.points)]),
        ],
        { right: [1, 2] },
      ),
    );
  }
  return lines.join('\n');
}

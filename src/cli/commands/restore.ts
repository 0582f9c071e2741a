/**
 * `tidemark restore plan | apply | verify` (docs/design.md §9): plan a restore from a snapshot into a
 * connected site and print what it would do (counts, writes, points, ETA, gaps); apply a plan with a
 * journal beside it (resumable, never duplicating); verify what came back and print the fidelity
 * report. `--dry-run` plans and applies against a target that records requests without writing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { TidemarkError, systemClock, toTidemarkError, type ProgressEvent } from '../../core/index.js';
import { RateGovernor, type JiraClient } from '../../jira/index.js';
import { applyPlan, type ApplyReport } from '../../restore/executor/executor.js';
import { FileJournal, MemoryJournal, parseJournal } from '../../restore/executor/journal.js';
import { JiraLiveState } from '../../restore/live.js';
import { assertDecided, readMappingFile, undecidedGaps, writeMappingFile } from '../../restore/mappings.js';
import { PLAN_FORMAT, PROVENANCE_KEY, type RestoreModeSpec, type RestorePlan } from '../../restore/plan.js';
import { planRestore, renderPlanSummary } from '../../restore/planner/index.js';
import type { JournalEntry } from '../../restore/ports.js';
import { RestoreSource } from '../../restore/source.js';
import { DryRunTarget } from '../../restore/targets/dry-run.js';
import { JiraTarget } from '../../restore/targets/jira.js';
import { renderFidelityReport, verifyRestore, type FidelityReport } from '../../restore/verifier/index.js';
import type { CliContext } from '../context.js';
import { accessFor, clientFor, resolveSite } from '../connections.js';
import { jsonLogger } from '../logger.js';
import { progressRenderer } from '../progress.js';
import { masterKey, openVault } from '../settings.js';
import { resolveSnapshot } from '../snapshot-ref.js';
import { addRepoOptions, withRepository, type RepoCliOptions } from './repo-options.js';

export interface RestoreCommonOptions extends RepoCliOptions {
  masterKeyFile?: string;
  connection?: string;
  maxPointsPerHour?: number;
  dryRun?: boolean;
}

export interface RestorePlanOptions extends RestoreCommonOptions {
  snapshot?: string;
  site?: string;
  target?: string;
  deleted?: boolean;
  issues?: string;
  fields?: string;
  project?: string;
  targetKey?: string;
  targetName?: string;
  filterProject?: string;
  filterType?: string;
  updatedFrom?: string;
  updatedTo?: string;
  text?: string;
  mappings?: string;
  fallbackUser?: string;
  out?: string;
}

export interface RestoreApplyOptions extends RestoreCommonOptions {
  yes?: boolean;
  journal?: string;
  concurrency?: number;
}

export interface RestoreVerifyOptions extends RestoreCommonOptions {
  journal?: string;
  out?: string;
}

const list = (v: string | undefined): string[] | undefined =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new TidemarkError('usage', `${name} must be a whole number above 0, not ${value}`);
    return n;
  };
}

/** The restore mode the options name (exactly one of --deleted, --issues/filters, --fields, --project). */
export function modeFromOptions(o: RestorePlanOptions): RestoreModeSpec {
  const filter = {
    ...(o.filterProject ? { projects: list(o.filterProject)! } : {}),
    ...(o.filterType ? { issueTypes: list(o.filterType)! } : {}),
    ...(o.updatedFrom ? { updatedFrom: o.updatedFrom } : {}),
    ...(o.updatedTo ? { updatedTo: o.updatedTo } : {}),
    ...(o.text ? { text: o.text } : {}),
  };
  const hasFilter = Object.keys(filter).length > 0;
  const chosen = [o.deleted, o.fields !== undefined, o.project !== undefined].filter(Boolean).length;
  if (chosen > 1)
    throw new TidemarkError('usage', 'choose one of --deleted, --fields and --project', {
      hint: '`tidemark restore plan --help` explains each mode.',
    });
  if (o.deleted) return { kind: 'deleted-issues', ...(o.filterProject ? { projects: list(o.filterProject)! } : {}) };
  if (o.fields !== undefined) {
    if (!o.issues && !hasFilter)
      throw new TidemarkError('usage', '--fields needs the issues to roll back: --issues KEYS or a filter', {
        hint: 'For example: --fields summary,priority --filter-project ACME --updated-from 2026-11-20T00:00:00Z',
      });
    return {
      kind: 'fields',
      fields: list(o.fields)!,
      ...(o.issues ? { keys: list(o.issues)! } : {}),
      ...(hasFilter ? { filter } : {}),
    };
  }
  if (o.project !== undefined)
    return {
      kind: 'project',
      project: o.project,
      ...(o.targetKey ? { targetKey: o.targetKey } : {}),
      ...(o.targetName ? { targetName: o.targetName } : {}),
    };
  if (o.issues || hasFilter)
    return { kind: 'issues', ...(o.issues ? { keys: list(o.issues)! } : {}), ...(hasFilter ? { filter } : {}) };
  throw new TidemarkError('usage', 'say what to restore: --deleted, --issues, a --filter-…, --fields or --project', {
    hint: '`tidemark restore plan --help` explains each mode.',
  });
}

/** A client on a connected site (by name, host or cloud id), paced by a governor. */
async function siteClient(
  ctx: CliContext,
  opts: RestoreCommonOptions,
  site: string | undefined,
  onEvent?: (e: ProgressEvent) => void,
): Promise<{ client: JiraClient; site: { cloudId: string; name: string; url: string }; governor: RateGovernor }> {
  const key = await masterKey(ctx.env, opts.masterKeyFile);
  const vault = await openVault(ctx.env, opts.masterKeyFile);
  const resolved = resolveSite(vault, site, opts.connection);
  const access = await accessFor(ctx, vault, resolved.grant, key);
  const logger = jsonLogger((line) => ctx.err(line), { level: ctx.env.TIDEMARK_LOG_LEVEL ?? 'warn' });
  const governor = new RateGovernor({
    clock: systemClock,
    ...(opts.maxPointsPerHour !== undefined ? { maxPointsPerHour: opts.maxPointsPerHour } : {}),
    onEvent: (e) => {
      if (!onEvent) return;
      if (e.type === 'paused')
        onEvent({ type: 'paused', job: 'restore', at: systemClock.now(), reason: e.reason, untilMs: e.untilMs });
      else if (e.type === 'resumed') onEvent({ type: 'resumed', job: 'restore', at: systemClock.now() });
    },
  });
  const s = resolved.site;
  return {
    client: clientFor(ctx, access, s, logger, governor),
    site: { cloudId: s.cloudId, name: s.name, url: s.url },
    governor,
  };
}

export async function readPlanFile(file: string): Promise<RestorePlan> {
  let plan: RestorePlan;
  try {
    plan = JSON.parse(await readFile(file, 'utf8')) as RestorePlan;
  } catch (e) {
    throw new TidemarkError('usage', `cannot read the plan ${file}: ${toTidemarkError(e).message}`, {
      hint: 'Make one with `tidemark restore plan … --out plan.json`.',
    });
  }
  if (plan?.format !== PLAN_FORMAT || !Array.isArray(plan.steps))
    throw new TidemarkError('usage', `${file} is not a Tidemark restore plan (format ${PLAN_FORMAT})`);
  return plan;
}

/** The entries of a journal file, or none when there is no file yet. */
async function existingJournal(file: string): Promise<JournalEntry[]> {
  try {
    return parseJournal(await readFile(file, 'utf8'), file).entries;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

const journalPath = (planFile: string, given?: string): string =>
  given ?? `${planFile.replace(/\.json$/, '')}.journal.jsonl`;

// ---------------------------------------------------------------------------------------------

export async function runRestorePlan(ctx: CliContext, opts: RestorePlanOptions): Promise<RestorePlan> {
  const mode = modeFromOptions(opts);
  return withRepository(ctx, opts, async (repo) => {
    const snapshot = await resolveSnapshot(repo, opts.snapshot ?? 'latest', opts.site);
    const reader = await repo.openSnapshotReader(snapshot.id);
    try {
      const source = await RestoreSource.open(reader);
      const target = await siteClient(ctx, opts, opts.target ?? opts.site ?? source.site.cloudId);
      const given = opts.mappings ? await readMappingFile(opts.mappings) : undefined;
      const plan = await planRestore({
        source,
        live: new JiraLiveState(target.client),
        mode,
        options: {
          notifyUsers: false,
          ...(opts.fallbackUser ? { fallbackUser: opts.fallbackUser } : {}),
        },
        ...(given ? { mappings: given.mappings, decisions: given.gaps } : {}),
        now: systemClock.now(),
        ...(opts.maxPointsPerHour ? { quota: { pointsPerHour: opts.maxPointsPerHour } } : {}),
      });
      const out = opts.out ?? 'restore-plan.json';
      const open = undecidedGaps(plan);
      if (opts.dryRun) {
        // A rehearsal of the plan: the summary, and no file written.
        ctx.out(opts.json ? JSON.stringify({ stats: plan.stats, gaps: plan.gaps }) : renderPlanSummary(plan));
        if (!opts.json) ctx.out('\nDry run: no plan or mapping file written.');
        return plan;
      }
      // The plan holds decrypted issue content (bodies, fields): readable by its owner only.
      await writeFile(out, `${JSON.stringify(plan, null, 1)}\n`, { mode: 0o600 });
      let mappingFile: string | undefined;
      if (plan.gaps.length > 0) {
        mappingFile = opts.mappings ?? `${out.replace(/\.json$/, '')}.mappings.json`;
        await writeMappingFile(mappingFile, { mappings: plan.mappings, gaps: plan.gaps });
      }
      if (opts.json) {
        ctx.out(
          JSON.stringify({
            plan: out,
            ...(mappingFile ? { mappings: mappingFile } : {}),
            stats: plan.stats,
            gaps: plan.gaps,
          }),
        );
      } else {
        ctx.out(renderPlanSummary(plan));
        ctx.out(`\nPlan written to ${out}.`);
        if (open.length > 0)
          ctx.out(
            `${open.length} item(s) need a decision before apply: edit ${mappingFile} (map, skip or fallback for each gap), ` +
              `then plan again with --mappings ${mappingFile}.`,
          );
        else ctx.out(`Apply it with: tidemark restore apply ${out} --yes (or rehearse it with --dry-run)`);
      }
      return plan;
    } finally {
      await reader.close();
    }
  });
}

export async function runRestoreApply(ctx: CliContext, file: string, opts: RestoreApplyOptions): Promise<ApplyReport> {
  const plan = await readPlanFile(file);
  // Before anything else: nothing is written while a gap has no decision.
  assertDecided(plan);
  if (!opts.yes && !opts.dryRun)
    throw new TidemarkError('usage', `applying this plan writes to ${plan.target.name}: confirm with --yes`, {
      hint: `It makes ${plan.stats.writes} writes (about ${plan.stats.points} points). Review it with \`tidemark restore plan\`'s summary, or rehearse with --dry-run.`,
    });
  let client: JiraClient | undefined;
  const renderer = progressRenderer(ctx, opts, { points: () => client?.usage.points });
  const controller = new AbortController();
  void ctx.stopped().then(() => controller.abort());
  try {
    return await withRepository(ctx, opts, async (repo) => {
      const reader = await repo.openSnapshotReader(plan.source.snapshot);
      try {
        const source = await RestoreSource.open(reader);
        let target;
        if (opts.dryRun) target = new DryRunTarget();
        else {
          const t = await siteClient(ctx, opts, plan.target.cloudId, (e) => renderer.emit(e));
          client = t.client;
          target = new JiraTarget({ client: t.client, signal: controller.signal });
        }
        // A dry run starts from what the real journal holds (so it shows what a resumed apply would
        // still send) and never writes to it.
        const journal = opts.dryRun
          ? new MemoryJournal(await existingJournal(journalPath(file, opts.journal)))
          : await FileJournal.open(journalPath(file, opts.journal));
        try {
          const report = await applyPlan({
            plan,
            target,
            journal,
            readSource: (p) => source.readFile(p),
            progress: renderer,
            signal: controller.signal,
            clock: systemClock,
            ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
          });
          renderer.close();
          if (opts.json) ctx.out(JSON.stringify({ type: 'report', report }));
          else ctx.out(applyReportText(report, plan));
          if (report.failed.length > 0 || report.cancelled) ctx.exitCode = 1;
          if (opts.dryRun && target instanceof DryRunTarget && !opts.json) {
            ctx.out(`\nDry run: nothing was written. The ${target.recorded.length} request(s) apply would send:`);
            for (const r of target.recorded.slice(0, 40)) ctx.out(`  ${r.method} ${r.path}  (${r.step})`);
            if (target.recorded.length > 40) ctx.out(`  … and ${target.recorded.length - 40} more`);
          }
          return report;
        } finally {
          await journal.close();
        }
      } finally {
        await reader.close();
      }
    });
  } catch (e) {
    renderer.close();
    throw controller.signal.aborted
      ? new TidemarkError('cancelled', 'the restore was interrupted', {
          hint: `Run \`tidemark restore apply ${file}\` again: the journal resumes it without duplicating anything.`,
        })
      : e;
  }
}

/** The original key of the issue an `issue.create` step restores (from its provenance). */
function originalKey(step: RestorePlan['steps'][number]): string | undefined {
  const props = step.payload.properties;
  if (!Array.isArray(props)) return undefined;
  const prov = (props as Array<{ key?: string; value?: { original?: { key?: string } } }>).find(
    (p) => p.key === PROVENANCE_KEY,
  );
  return prov?.value?.original?.key;
}

export function applyReportText(report: ApplyReport, plan: RestorePlan): string {
  const lines = [
    `${report.cancelled ? 'Interrupted' : report.target === 'dry-run' ? 'Rehearsed' : 'Applied'} plan ${plan.id.slice(0, 8)} on ${plan.target.name}${report.target === 'dry-run' ? ' (dry run)' : ''}: ` +
      `${report.done.length} step(s) done now, ${report.alreadyDone.length} already done, ` +
      `${report.reconciled.length} reconciled after an interruption, ${report.failed.length} failed, ${report.skipped.length} skipped; ` +
      `${report.writes} write and ${report.reads} read request(s).`,
  ];
  const created = plan.steps.filter((s) => s.kind === 'issue.create' && report.outputs[s.id]?.key);
  for (const s of created.slice(0, 10))
    lines.push(
      `  ${report.target === 'dry-run' ? 'would restore' : 'restored'} ${originalKey(s) ?? s.id} as ${report.outputs[s.id]!.key}`,
    );
  if (created.length > 10) lines.push(`  … and ${created.length - 10} more issues`);
  for (const f of report.failed.slice(0, 10)) lines.push(`  failed ${f.step}: ${f.error.message}`);
  if (report.failed.length > 0 || report.cancelled)
    lines.push('Run `tidemark restore apply` again to retry the failed steps; finished ones are not repeated.');
  return lines.join('\n');
}

export async function runRestoreVerify(
  ctx: CliContext,
  file: string,
  opts: RestoreVerifyOptions,
): Promise<FidelityReport | undefined> {
  const plan = await readPlanFile(file);
  if (opts.dryRun) {
    const kinds = Object.entries(plan.stats.entities)
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    ctx.out(
      `Dry run: verify would read back what plan ${plan.id.slice(0, 8)} restored on ${plan.target.name} (${kinds}) ` +
        'and compare it with the snapshot; nothing was read.',
    );
    return undefined;
  }
  return withRepository(ctx, opts, async (repo) => {
    const reader = await repo.openSnapshotReader(plan.source.snapshot);
    try {
      const source = await RestoreSource.open(reader);
      const journal = await FileJournal.open(journalPath(file, opts.journal));
      const entries = await journal.entries();
      await journal.close();
      const { client } = await siteClient(ctx, opts, plan.target.cloudId);
      const report = await verifyRestore({ plan, journal: entries, source, client });
      if (opts.out) await writeFile(opts.out, `${JSON.stringify(report, null, 1)}\n`, { mode: 0o600 });
      ctx.out(opts.json ? JSON.stringify(report) : renderFidelityReport(report));
      return report;
    } finally {
      await reader.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------

const COMMON_HELP =
  'The target site comes from the connections `tidemark connect` stored (master key from --master-key-file or ' +
  'TIDEMARK_MASTER_KEY).';

function common(cmd: Command): Command {
  return cmd
    .option('--connection <id>', 'use this connection when several reach the site')
    .option('--master-key-file <file>', 'file holding the master key that seals the stored connections')
    .option('--max-points-per-hour <n>', 'most API points to spend in one hour', positive('--max-points-per-hour'))
    .option('--dry-run', 'record the requests a restore would make without writing anything');
}

export function registerRestoreCommand(program: Command, ctx: CliContext): void {
  const restore = program
    .command('restore')
    .summary('plan, apply and verify a restore from a snapshot')
    .description(
      'Restore from a snapshot in three steps: `plan` works out every write (nothing is written) and prints counts, ' +
        'API points and an ETA; `apply` carries a plan out, journaling each step so that an interrupted run ' +
        'resumes without duplicating anything; `verify` reads the restored entities back and prints the fidelity ' +
        'report: exact, kept with provenance (what Jira cannot set, such as comment authors and dates, is kept in ' +
        'a header and the tidemark.provenance property), or not restorable (with the reason). docs/design.md §9.',
    );
  addRepoOptions(
    common(
      restore
        .command('plan')
        .summary('work out a restore and write it to a plan file')
        .description(
          'Modes (choose one):\n' +
            '  --deleted           issues deleted since the snapshot, with all they had\n' +
            '  --issues/--filter-… chosen issues: re-created if missing, else brought back\n' +
            '  --fields F1,F2      only these fields of chosen issues (undo a bulk edit)\n' +
            '  --project KEY       a whole project, under its key if free, else --target-key\n\n' +
            'Into another site (--target SITE), mappings of users, fields, options, statuses and more ' +
            'are suggested and written to a mapping file to review; apply refuses until every gap has ' +
            'a decision (map, skip or fallback).\n\n' +
            COMMON_HELP,
        )
        .option('--snapshot <ref>', 'snapshot to restore from: an id prefix or `latest` (default latest)')
        .option('-s, --site <site>', 'the site the snapshot is of (for `latest`), and the default target')
        .option('--target <site>', 'restore into this connected site (default: the snapshot’s own site)')
        .option('--deleted', 'restore issues deleted since the snapshot')
        .option('--issues <keys>', 'comma-separated issue keys')
        .option('--filter-project <keys>', 'issues of these projects (comma-separated keys)')
        .option('--filter-type <names>', 'issues of these issue types (comma-separated names or ids)')
        .option('--updated-from <iso>', 'issues updated at or after this time (in the snapshot)')
        .option('--updated-to <iso>', 'issues updated at or before this time (in the snapshot)')
        .option('--text <text>', 'issues whose summary or description contains this text')
        .option('--fields <ids>', 'roll back only these fields (comma-separated ids or names, e.g. summary,labels)')
        .option('--project <key>', 'restore this whole project')
        .option('--target-key <key>', 'with --project: the key to create it under')
        .option('--target-name <name>', 'with --project: the name to create it under')
        .option('--mappings <file>', 'a reviewed mapping file (decisions for every gap)')
        .option('--fallback-user <accountId>', 'account to use for users the target site does not have')
        .option('-o, --out <file>', 'where to write the plan (default restore-plan.json)'),
    ),
    { jsonHelp: 'print the plan file name, stats and gaps as JSON' },
  ).action(async (opts: RestorePlanOptions) => {
    await runRestorePlan(ctx, opts);
  });
  addRepoOptions(
    common(
      restore
        .command('apply')
        .summary('carry out a restore plan (resumable)')
        .description(
          'Apply a plan made by `restore plan`. Writes only with --yes (or rehearses with --dry-run). Progress: bars on a terminal, ' +
            'NDJSON events with --json. The journal (beside the plan: <plan>.journal.jsonl) records every step; ' +
            'running apply again after an interruption resumes, reconciling steps that were in flight, and a ' +
            'finished plan applied again writes nothing. Refuses plans with undecided mapping gaps.\n\n' +
            COMMON_HELP,
        )
        .argument('<plan>', 'the plan file')
        .option('-y, --yes', 'confirm: write the plan to the target site')
        .option('--journal <file>', 'journal file (default <plan>.journal.jsonl)')
        .option('--concurrency <n>', 'steps worked on at once (default 32)', positive('--concurrency')),
    ),
    { jsonHelp: 'write progress and the final report as NDJSON on standard output' },
  ).action(async (file: string, opts: RestoreApplyOptions) => {
    await runRestoreApply(ctx, file, opts);
  });
  addRepoOptions(
    common(
      restore
        .command('verify')
        .summary('compare what a restore wrote with the snapshot')
        .description(
          'Read back every entity an applied plan restored and compare it with the snapshot (through the plan’s ' +
            'mappings): a fidelity report per entity kind — exact, kept with provenance, not restorable (with the ' +
            'reason), or mismatch (with the differing fields).\n\n' +
            COMMON_HELP,
        )
        .argument('<plan>', 'the plan file')
        .option('--journal <file>', 'journal file (default <plan>.journal.jsonl)')
        .option('-o, --out <file>', 'also write the report as JSON to this file'),
    ),
    { jsonHelp: 'print the report as JSON' },
  ).action(async (file: string, opts: RestoreVerifyOptions) => {
    await runRestoreVerify(ctx, file, opts);
  });
}

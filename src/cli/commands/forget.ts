import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { TidemarkError } from '../../core/index.js';
import { type RetentionPolicy, forget, forgetSnapshots, parseDuration, policyIsEmpty } from '../../store/index.js';
import { parsePercent, pruneText, runPrune } from './prune.js';
import {
  type RepoCliOptions,
  addRepoOptions,
  labelsText,
  output,
  parseCount,
  parseLabel,
  short,
  withRepository,
} from './repo-options.js';

interface ForgetOptions extends RepoCliOptions {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepWithin?: string;
  keepWithinHourly?: string;
  keepWithinDaily?: string;
  keepWithinWeekly?: string;
  keepWithinMonthly?: string;
  keepWithinYearly?: string;
  groupBy?: string;
  label?: Record<string, string>;
  dryRun?: boolean;
  prune?: boolean;
  repackThreshold: number;
}

export function registerForgetCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('forget')
      .summary('remove snapshots by id or by a retention policy')
      .argument('[snapshot...]', 'snapshot ids (or unique prefixes) to remove')
      .description(
        'Remove snapshots, given by id or chosen by a retention policy. Only the snapshot files are ' +
          'deleted; run `tidemark prune` (or pass --prune) to reclaim the space of data no snapshot uses.\n\n' +
          'Snapshots are grouped by their labels (all of them, or those named by --group-by) and the ' +
          'policy is applied to each group, as restic does, in UTC: --keep-daily 7 keeps the newest ' +
          'snapshot of each of the 7 most recent days that have one. A snapshot is kept when any rule ' +
          'keeps it. Counts accept "unlimited". Durations are years, months, days, hours: 1y6m, 30d, 2d12h. ' +
          'Checkpoints never count; they go once their group has a newer complete snapshot.',
      )
      .option('--keep-last <n>', 'keep the n newest snapshots', parseCount)
      .option('--keep-hourly <n>', 'keep the newest snapshot of each of the n newest hours', parseCount)
      .option('--keep-daily <n>', 'keep the newest snapshot of each of the n newest days', parseCount)
      .option('--keep-weekly <n>', 'keep the newest snapshot of each of the n newest ISO weeks', parseCount)
      .option('--keep-monthly <n>', 'keep the newest snapshot of each of the n newest months', parseCount)
      .option('--keep-yearly <n>', 'keep the newest snapshot of each of the n newest years', parseCount)
      .option('--keep-within <duration>', 'keep every snapshot younger than this, relative to the newest one')
      .option('--keep-within-hourly <duration>', 'keep hourly snapshots within the duration')
      .option('--keep-within-daily <duration>', 'keep daily snapshots within the duration')
      .option('--keep-within-weekly <duration>', 'keep weekly snapshots within the duration')
      .option('--keep-within-monthly <duration>', 'keep monthly snapshots within the duration')
      .option('--keep-within-yearly <duration>', 'keep yearly snapshots within the duration')
      .option('--group-by <labels>', 'comma-separated label names to group by ("" for one group; default: all labels)')
      .option('-l, --label <name=value>', 'only consider snapshots with this label (repeatable)', parseLabel)
      .option('-n, --dry-run', 'only say what would be removed')
      .option('--prune', 'run prune afterwards')
      .option('--repack-threshold <percent>', 'with --prune: see `tidemark prune --help`', parsePercent, 0.2),
  ).action(async (ids: string[], opts: ForgetOptions) => {
    const d = (v: string | undefined) => (v === undefined ? undefined : parseDuration(v));
    const policy: RetentionPolicy = {
      last: opts.keepLast,
      hourly: opts.keepHourly,
      daily: opts.keepDaily,
      weekly: opts.keepWeekly,
      monthly: opts.keepMonthly,
      yearly: opts.keepYearly,
      within: d(opts.keepWithin),
      withinHourly: d(opts.keepWithinHourly),
      withinDaily: d(opts.keepWithinDaily),
      withinWeekly: d(opts.keepWithinWeekly),
      withinMonthly: d(opts.keepWithinMonthly),
      withinYearly: d(opts.keepWithinYearly),
    };
    if (ids.length > 0 && !policyIsEmpty(policy)) {
      throw new TidemarkError('usage', 'give snapshot ids or a policy, not both');
    }
    if (ids.length === 0 && policyIsEmpty(policy)) {
      throw new TidemarkError('usage', 'nothing to forget: give snapshot ids or at least one --keep-* rule', {
        hint: 'For example: tidemark forget --keep-daily 7 --keep-weekly 5 --keep-monthly 12',
      });
    }
    const groupBy =
      opts.groupBy === undefined
        ? undefined
        : opts.groupBy
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    await withRepository(ctx, opts, async (repo) => {
      if (ids.length > 0) {
        const removed = await forgetSnapshots(repo, ids, opts.dryRun);
        output(ctx, opts, { removed, dryRun: opts.dryRun ?? false }, () =>
          removed.map((id) => `${opts.dryRun ? 'would remove' : 'removed'} ${short(id)}`).join('\n'),
        );
      } else {
        const result = await forget(repo, policy, { groupBy, dryRun: opts.dryRun, filter: opts.label });
        output(
          ctx,
          opts,
          {
            dryRun: result.dryRun,
            removed: result.removed,
            groups: result.groups.map((g) => ({
              labels: g.labels,
              keep: g.decisions
                .filter((x) => x.keep)
                .map((x) => ({ id: x.snapshot.id, time: x.snapshot.time, reasons: x.reasons })),
              remove: g.decisions.filter((x) => !x.keep).map((x) => ({ id: x.snapshot.id, time: x.snapshot.time })),
              checkpoints: g.obsoleteCheckpoints.map((c) => c.id),
            })),
          },
          () => {
            const lines: string[] = [];
            for (const g of result.groups) {
              lines.push(
                `group ${labelsText(Object.fromEntries(Object.entries(g.labels).map(([k, v]) => [k, v ?? '(none)'])))}:`,
              );
              for (const x of g.decisions) {
                lines.push(
                  `  ${x.keep ? 'keep  ' : 'remove'} ${short(x.snapshot.id)}  ${x.snapshot.time}${x.keep ? `  (${x.reasons.join(', ')})` : ''}`,
                );
              }
              for (const c of g.obsoleteCheckpoints)
                lines.push(`  remove ${short(c.id)}  ${c.time}  (superseded checkpoint)`);
            }
            lines.push(`${result.dryRun ? 'would remove' : 'removed'} ${result.removed.length} snapshot(s)`);
            return lines.join('\n');
          },
        );
      }
      if (opts.prune && !opts.dryRun) {
        const report = await runPrune(repo, opts);
        if (!opts.json) ctx.out(pruneText(report));
      }
    });
  });
}

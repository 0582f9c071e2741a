import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import {
  type RepoCliOptions,
  addRepoOptions,
  labelsText,
  output,
  parseLabel,
  short,
  withRepository,
} from './repo-options.js';

export function registerSnapshotsCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('snapshots')
      .summary('list snapshots')
      .description('List the snapshots in the repository, newest first. Checkpoints (incomplete snapshots) are marked.')
      .option('-l, --label <name=value>', 'only snapshots with this label (repeatable)', parseLabel),
  ).action(async (opts: RepoCliOptions & { label?: Record<string, string> }) => {
    const snapshots = await withRepository(ctx, opts, (repo) => repo.listSnapshots(opts.label ?? {}));
    output(ctx, opts, snapshots, () =>
      snapshots.length === 0
        ? 'no snapshots'
        : snapshots
            .map(
              (s) =>
                `${short(s.id)}  ${s.time}  ${labelsText(s.labels)}${s.incomplete ? `  [checkpoint: ${s.incomplete}]` : ''}`,
            )
            .concat(`${snapshots.length} snapshot(s)`)
            .join('\n'),
    );
  });
}

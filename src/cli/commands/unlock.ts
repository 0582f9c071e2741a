import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { type RepoCliOptions, addRepoOptions, output, withRepository } from './repo-options.js';

export function registerUnlockCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('unlock')
      .summary('remove stale locks')
      .description(
        'Remove locks left by processes that are gone (not refreshed for 30 minutes, or of a process of ' +
          'this host that no longer runs). With --remove-all, remove every lock, damaged ones included: ' +
          'only do that when you know no other Tidemark process uses the repository.',
      )
      .option('--remove-all', 'remove every lock'),
  ).action(async (opts: RepoCliOptions & { removeAll?: boolean }) => {
    const removed = await withRepository(ctx, opts, (repo) => repo.removeLocks(opts.removeAll ?? false));
    output(ctx, opts, { removed }, () => `removed ${removed.length} lock(s)`);
  });
}

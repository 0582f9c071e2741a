import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { repoStats } from '../../store/index.js';
import { type RepoCliOptions, addRepoOptions, formatBytes, output, withRepository } from './repo-options.js';

export function registerStatsCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('stats')
      .summary('show repository statistics')
      .description(
        'Show what the repository holds: snapshots, packs, distinct blobs, and their sizes before ' +
          '(raw) and after compression and encryption (stored).',
      ),
  ).action(async (opts: RepoCliOptions) => {
    const s = await withRepository(ctx, opts, (repo) => repoStats(repo));
    output(ctx, opts, s, () =>
      [
        `snapshots:   ${s.snapshots} (+ ${s.checkpoints} checkpoint(s))`,
        `packs:       ${s.packs}, ${formatBytes(s.packBytes)}`,
        `blobs:       ${s.dataBlobs} data, ${s.treeBlobs} tree`,
        `raw size:    ${formatBytes(s.rawBytes)} of distinct content`,
        `stored size: ${formatBytes(s.storedBytes)} (${s.rawBytes > 0 ? ((100 * s.storedBytes) / s.rawBytes).toFixed(1) : '0'} % of raw)`,
        `total:       ${formatBytes(s.totalBytes)} in ${s.packs + s.indexFiles + s.keys + s.locks + s.snapshots + s.checkpoints + 1} files (${s.indexFiles} index, ${s.keys} keys, ${s.locks} locks)`,
      ].join('\n'),
    );
  });
}

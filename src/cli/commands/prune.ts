import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { TidemarkError } from '../../core/index.js';
import { type PruneReport, type Repository, prune } from '../../store/index.js';
import { type RepoCliOptions, addRepoOptions, formatBytes, output, withRepository } from './repo-options.js';

export function parsePercent(value: string): number {
  const n = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new TidemarkError('usage', `not a percentage: ${value}`);
  return n / 100;
}

export function pruneText(r: PruneReport): string {
  return [
    `${r.dryRun ? 'would delete' : 'deleted'} ${r.packsDeleted} unused pack(s) and ${r.unindexedPacksDeleted} leftover pack(s), repacked ${r.packsRepacked}`,
    `kept ${r.blobsKept} blobs, removed ${r.blobsRemoved}`,
    `packs: ${formatBytes(r.packBytesBefore)} → ${formatBytes(r.packBytesAfter)} (${r.dryRun ? 'would reclaim' : 'reclaimed'} ${formatBytes(r.bytesReclaimed)})`,
  ].join('\n');
}

export async function runPrune(
  repo: Repository,
  opts: { repackThreshold?: number; dryRun?: boolean },
): Promise<PruneReport> {
  return prune(repo, { repackThreshold: opts.repackThreshold, dryRun: opts.dryRun });
}

export function registerPruneCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('prune')
      .summary('delete data no snapshot uses')
      .description(
        'Delete blobs that no snapshot reaches (after `tidemark forget`) and reclaim their space. ' +
          'Packs with no used blob are deleted; packs whose unused share reaches the repack threshold are ' +
          'rewritten with only their used blobs. Takes an exclusive lock: it refuses to run while a backup, ' +
          'restore or check holds the repository (use --lock-wait to wait).',
      )
      .option(
        '--repack-threshold <percent>',
        'repack a pack when at least this share of it is unused',
        parsePercent,
        0.2,
      )
      .option('-n, --dry-run', 'only say what would be done'),
  ).action(async (opts: RepoCliOptions & { repackThreshold: number; dryRun?: boolean }) => {
    const report = await withRepository(ctx, opts, (repo) => runPrune(repo, opts));
    output(ctx, opts, report, () => pruneText(report));
  });
}

import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { check } from '../../store/index.js';
import { type RepoCliOptions, addRepoOptions, formatBytes, output, withRepository } from './repo-options.js';

export function registerCheckCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('check')
      .summary('verify the repository')
      .description(
        'Verify the repository: every key, index, snapshot and lock file is intact; every index entry ' +
          'points into an existing pack; every blob every snapshot reaches exists (all trees are read).\n\n' +
          'With --read-data, also read every pack and verify every blob (decrypt, decompress, re-hash): ' +
          'this reads the whole repository. Exits with status 1 when anything is damaged or missing.',
      )
      .option('--read-data', 'also read and verify every byte of every pack'),
  ).action(async (opts: RepoCliOptions & { readData?: boolean }) => {
    const report = await withRepository(ctx, opts, (repo) => check(repo, { readData: opts.readData }));
    output(ctx, opts, report, () => {
      const lines = report.errors.map((e) => `error: ${e.file ? `${e.file}: ` : ''}${e.message}`);
      lines.push(...report.notes.map((n) => `note: ${n.file ? `${n.file}: ` : ''}${n.message}`));
      const c = report.counts;
      lines.push(
        `${report.ok ? 'no errors' : `${report.errors.length} error(s)`}: ${c.snapshots} snapshots, ${c.indexFiles} index files, ` +
          `${c.packs} packs, ${c.blobs} blobs, ${c.treesRead} trees read` +
          (report.readData ? `, ${c.packsRead} packs (${formatBytes(c.bytesRead)}) read and verified` : ''),
      );
      return lines.join('\n');
    });
    if (!report.ok) ctx.exitCode = 1;
  });
}

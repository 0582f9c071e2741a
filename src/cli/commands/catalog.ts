import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { Catalog } from '../../catalog/index.js';
import { type RepoCliOptions, addRepoOptions, output, short, tidemarkHome, withRepository } from './repo-options.js';

interface CatalogCliOptions extends RepoCliOptions {
  catalog?: string;
}

export async function openCatalog(opts: CatalogCliOptions, env: CliContext['env']): Promise<Catalog> {
  const file = opts.catalog ?? path.join(tidemarkHome(env), 'catalog.db');
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  return Catalog.openSqlite(file);
}

async function withCatalog<T>(ctx: CliContext, opts: CatalogCliOptions, fn: (c: Catalog) => Promise<T>): Promise<T> {
  const catalog = await openCatalog(opts, ctx.env);
  try {
    return await fn(catalog);
  } finally {
    await catalog.close();
  }
}

const catalogOption = (cmd: Command) =>
  addRepoOptions(cmd).option('--catalog <file>', 'the catalog database (default $TIDEMARK_HOME/catalog.db)');

export function registerCatalogCommand(program: Command, ctx: CliContext): void {
  const catalog = program
    .command('catalog')
    .summary('query what the snapshots hold')
    .description(
      'The catalog lists, for every snapshot, every entity version it holds (kind, id, key, project, ' +
        'updated, content hash). It is a cache of the repository: `rebuild` recreates it from the ' +
        'repository alone, `sync` adds and removes what changed since.',
    );

  catalogOption(catalog.command('rebuild').description('Recreate the catalog from the repository alone.')).action(
    async (opts: CatalogCliOptions) => {
      const result = await withRepository(ctx, opts, (repo) => withCatalog(ctx, opts, (c) => c.rebuild(repo)));
      output(
        ctx,
        opts,
        result,
        () => `catalog rebuilt: ${result.snapshots} snapshot(s), ${result.versions} entity version(s)`,
      );
    },
  );

  catalogOption(
    catalog.command('sync').description('Add new snapshots to the catalog and drop forgotten ones.'),
  ).action(async (opts: CatalogCliOptions) => {
    const result = await withRepository(ctx, opts, (repo) => withCatalog(ctx, opts, (c) => c.sync(repo)));
    output(ctx, opts, result, () => `catalog synced: ${result.added} added, ${result.removed} removed`);
  });

  catalogOption(
    catalog
      .command('versions')
      .argument('<key>', 'entity key, e.g. ABC-123')
      .option('--kind <kind>', 'entity kind', 'issue')
      .description('Every version of an entity across snapshots, oldest first.'),
  ).action(async (key: string, opts: CatalogCliOptions & { kind: string }) => {
    const rows = await withCatalog(ctx, opts, (c) => c.versionsOf({ kind: opts.kind, key }));
    output(ctx, opts, rows, () =>
      rows.length === 0
        ? `no versions of ${opts.kind} ${key}`
        : rows
            .map(
              (r) =>
                `${short(r.snapshotId)}  ${r.snapshotTime}  ${short(r.contentHash)}  ${r.updated ?? ''}  ${r.summary ?? ''}`,
            )
            .join('\n'),
    );
  });

  catalogOption(
    catalog
      .command('diff')
      .argument('<from>', 'snapshot id')
      .argument('<to>', 'snapshot id')
      .description('Entities added, changed and deleted from one snapshot to another.'),
  ).action(async (from: string, to: string, opts: CatalogCliOptions) => {
    const d = await withRepository(ctx, opts, async (repo) => {
      const [a, b] = [(await repo.loadSnapshot(from)).id, (await repo.loadSnapshot(to)).id];
      return withCatalog(ctx, opts, (c) => c.diff(a, b));
    });
    output(ctx, opts, d, () =>
      [
        ...d.added.map((v) => `+ ${v.kind} ${v.key ?? v.entityId}  ${v.summary ?? ''}`),
        ...d.changed.map((c) => `~ ${c.after.kind} ${c.after.key ?? c.after.entityId}  ${c.after.summary ?? ''}`),
        ...d.deleted.map((v) => `- ${v.kind} ${v.key ?? v.entityId}  ${v.summary ?? ''}`),
        `${d.added.length} added, ${d.changed.length} changed, ${d.deleted.length} deleted`,
      ].join('\n'),
    );
  });

  catalogOption(
    catalog
      .command('search')
      .argument('<words...>', 'words that must all appear in the summary')
      .option('--kind <kind>', 'only this entity kind')
      .option('--limit <n>', 'at most this many results', (v) => Number(v), 50)
      .description('Search entity summaries across all snapshots.'),
  ).action(async (words: string[], opts: CatalogCliOptions & { kind?: string; limit: number }) => {
    const hits = await withCatalog(ctx, opts, (c) => c.search(words.join(' '), { kind: opts.kind, limit: opts.limit }));
    output(ctx, opts, hits, () =>
      hits.length === 0
        ? 'no matches'
        : hits
            .map((h) => `${h.kind} ${h.key ?? h.entityId}  ${h.summary ?? ''}  (latest in ${short(h.snapshotId)})`)
            .join('\n'),
    );
  });
}

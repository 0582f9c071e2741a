/**
 * Which snapshot a command line names — an id, a unique id prefix, or `latest` — and reading
 * snapshots for `ls`, `show` and `diff` on top of the repository commands' helpers (repo-options).
 */
import { TidemarkError } from '../core/index.js';
import type { Repository, Snapshot } from '../store/index.js';
import { type RepoCliOptions, withRepository } from './commands/repo-options.js';
import type { CliContext } from './context.js';
import { clean } from './text.js';

/**
 * The snapshot a command line names: `latest` (the newest complete snapshot, of `site` when given:
 * a name, host or cloud id as in the `site` label), or an id or unique id prefix. Unknown ones fail
 * with `not-found` and a hint.
 */
export async function resolveSnapshot(repo: Repository, ref: string, site?: string): Promise<Snapshot> {
  const wanted = ref.trim().toLowerCase();
  if (wanted === 'latest') {
    const all = (await repo.listSnapshots()).filter((s) => s.incomplete === undefined);
    const matching = site ? all.filter((s) => siteMatches(s.labels.site, site)) : all;
    const hit = matching[0];
    if (!hit)
      throw new TidemarkError(
        'not-found',
        site ? `there is no complete snapshot of ${site} in the repository` : 'the repository has no complete snapshot',
        { hint: 'Take one with `tidemark backup`; `tidemark snapshots` lists what there is.' },
      );
    return hit;
  }
  if (!/^[0-9a-f]{4,64}$/.test(wanted))
    throw new TidemarkError('usage', `not a snapshot: ${ref}`, {
      hint: 'Name a snapshot by its id or the first 4 or more characters of it (`tidemark snapshots` lists them), or say `latest`.',
    });
  try {
    return await repo.loadSnapshot(wanted);
  } catch (e) {
    if (e instanceof TidemarkError && e.kind === 'not-found')
      throw new TidemarkError('not-found', `there is no snapshot ${ref} in the repository`, {
        hint: '`tidemark snapshots` lists the snapshots; `latest` names the newest.',
      });
    throw e;
  }
}

function siteMatches(label: string | undefined, site: string): boolean {
  if (!label) return false;
  const s = site.toLowerCase();
  return label.toLowerCase() === s || label.toLowerCase().split('.')[0] === s;
}

/** Opens the repository, resolves `ref` to a snapshot and runs `fn` with a reader of it (shared lock). */
export async function withSnapshots<T>(
  ctx: CliContext,
  opts: RepoCliOptions & { site?: string },
  refs: string[],
  fn: (readers: Array<Awaited<ReturnType<Repository['openSnapshotReader']>>>, repo: Repository) => Promise<T>,
): Promise<T> {
  return withRepository(ctx, opts, async (repo) => {
    const snapshots: Snapshot[] = [];
    for (const ref of refs) snapshots.push(await resolveSnapshot(repo, ref, opts.site));
    const readers: Array<Awaited<ReturnType<Repository['openSnapshotReader']>>> = [];
    try {
      for (const s of snapshots) readers.push(await repo.openSnapshotReader(s.id));
      return await fn(readers, repo);
    } finally {
      for (const r of readers) await r.close();
    }
  });
}

/** One line about a snapshot: short id, time, labels, checkpoint marker. */
export function snapshotLine(s: Pick<Snapshot, 'id' | 'time' | 'labels' | 'incomplete'>): string {
  const labels = Object.entries(s.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return clean(
    `${s.id.slice(0, 8)}  ${s.time.slice(0, 16).replace('T', ' ')} UTC  ${labels}${s.incomplete ? `  [checkpoint: ${s.incomplete}]` : ''}`,
  );
}

/**
 * Opening the snapshot repository from the command line, for the commands that read or write
 * snapshots (backup, ls, show, diff, demo): where it is (--repo, $TIDEMARK_REPOSITORY, default
 * $TIDEMARK_HOME/repo), how to open it (--key-file, --password-file, $TIDEMARK_PASSWORD), S3
 * settings from the environment, and which snapshot a command line names (an id prefix or
 * `latest`). Everything comes from the CliContext, so commands run the same in tests.
 *
 * The options and environment variables are the repository commands' (init, check, snapshots…):
 * a repository opened here opens there.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { TidemarkError, registerSecret } from '../core/index.js';
import { type Backend, openBackend } from '../store/backend/index.js';
import {
  type Credential,
  type LockOwner,
  Repository,
  type RepositoryOptions,
  type Snapshot,
  parseKeyFileCredential,
  passphrase,
} from '../store/index.js';
import type { CliContext } from './context.js';
import { tidemarkHome } from './settings.js';
import { clean } from './text.js';

type Env = Record<string, string | undefined>;

export interface RepoCliOptions {
  repo?: string;
  passwordFile?: string;
  keyFile?: string;
  lockWait?: number;
}

export const REPO_ENV_HELP = `
Repository:
  --repo, $TIDEMARK_REPOSITORY  a folder or s3://bucket/prefix (default $TIDEMARK_HOME/repo)
  --password-file, $TIDEMARK_PASSWORD  the repository passphrase (or --key-file)
  TIDEMARK_S3_ENDPOINT, TIDEMARK_S3_REGION, TIDEMARK_S3_PATH_STYLE=1  S3-compatible storage
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE…  S3 credentials (the AWS SDK's chain)`;

function parseWait(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new TidemarkError('usage', `not a number of seconds: ${value}`);
  return n;
}

/** Adds --repo, --password-file, --key-file and --lock-wait to a command. */
export function addRepoOptions(cmd: Command): Command {
  return cmd
    .option('-r, --repo <location>', 'repository: a folder, or s3://bucket/prefix (default $TIDEMARK_HOME/repo)')
    .option('-p, --password-file <file>', 'read the repository passphrase from this file (else $TIDEMARK_PASSWORD)')
    .option('-k, --key-file <file>', 'open the repository with a key file instead of a passphrase')
    .option('--lock-wait <seconds>', "wait up to this long for another operation's lock (default 0)", parseWait);
}

export function repoLocation(env: Env, opts: RepoCliOptions): string {
  return opts.repo || env.TIDEMARK_REPOSITORY || path.join(tidemarkHome(env), 'repo');
}

export function backendFor(env: Env, opts: RepoCliOptions): Backend {
  const pathStyle = env.TIDEMARK_S3_PATH_STYLE;
  return openBackend(repoLocation(env, opts), {
    s3: {
      ...(env.TIDEMARK_S3_ENDPOINT ? { endpoint: env.TIDEMARK_S3_ENDPOINT } : {}),
      region: env.TIDEMARK_S3_REGION || 'us-east-1',
      forcePathStyle: pathStyle === '1' || pathStyle === 'true',
    },
  });
}

async function readSecret(file: string, what: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (e) {
    throw new TidemarkError(
      'usage',
      `cannot read the ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
}

/** The credential from --key-file, --password-file or $TIDEMARK_PASSWORD, registered for redaction. */
export async function readCredential(env: Env, opts: RepoCliOptions): Promise<Credential> {
  if (opts.keyFile) {
    const text = await readSecret(opts.keyFile, 'key');
    registerSecret(text.trim());
    return parseKeyFileCredential(text);
  }
  const pass = opts.passwordFile ? await readSecret(opts.passwordFile, 'passphrase') : env.TIDEMARK_PASSWORD;
  if (pass === undefined || pass === '') {
    throw new TidemarkError('usage', 'no repository passphrase given', {
      hint: 'Use --password-file <file>, set TIDEMARK_PASSWORD, or open the repository with --key-file <file>.',
    });
  }
  registerSecret(pass);
  return passphrase(pass);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function repositoryOptions(opts: RepoCliOptions): RepositoryOptions {
  const owner: LockOwner = { host: hostname(), pid: process.pid, isAlive };
  return { owner, lockTimings: { waitMs: (opts.lockWait ?? 0) * 1000 } };
}

export async function openRepository(ctx: CliContext, opts: RepoCliOptions): Promise<Repository> {
  const credential = await readCredential(ctx.env, opts);
  return Repository.open(backendFor(ctx.env, opts), credential, repositoryOptions(opts));
}

/** Runs `fn` with the opened repository and closes it (and its backend) afterwards. */
export async function withRepository<T>(
  ctx: CliContext,
  opts: RepoCliOptions,
  fn: (repo: Repository) => Promise<T>,
): Promise<T> {
  const repo = await openRepository(ctx, opts);
  try {
    return await fn(repo);
  } finally {
    await repo.close();
    await repo.backend.close();
  }
}

/**
 * The snapshot a command line names: `latest` (the newest complete snapshot, of `site` when given:
 * a name, host or cloud id as in the `site` label), or an id or unique id prefix. Unknown ones fail
 * with `not-found` and a hint listing what there is.
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

/**
 * What every repository command shares: where the repository is (--repo, $TIDEMARK_REPOSITORY,
 * default $TIDEMARK_HOME/repo), how to open it (--password-file, $TIDEMARK_PASSWORD, --key-file),
 * S3 settings from the environment, lock ownership for this process, and output (--json).
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { tidemarkHome } from '../settings.js';
import { TidemarkError, registerSecret } from '../../core/index.js';
import { type Backend, openBackend } from '../../store/backend/index.js';
import {
  type Credential,
  type LockOwner,
  Repository,
  type RepositoryOptions,
  newKeyFileCredential,
  parseKeyFileCredential,
  passphrase,
} from '../../store/index.js';

export interface RepoCliOptions {
  repo?: string;
  passwordFile?: string;
  keyFile?: string;
  json?: boolean;
  lockWait?: number;
}

export const ENV_HELP = `
Environment:
  TIDEMARK_HOME          Tidemark's folder (default ~/.tidemark)
  TIDEMARK_REPOSITORY    repository location when --repo is not given (default $TIDEMARK_HOME/repo)
  TIDEMARK_PASSWORD      the repository passphrase (prefer --password-file)
  TIDEMARK_S3_ENDPOINT   S3 endpoint for s3:// locations (MinIO, Ceph…); AWS when unset
  TIDEMARK_S3_REGION     S3 region (default us-east-1)
  TIDEMARK_S3_PATH_STYLE 1 for path-style addressing (MinIO, Ceph, s3rver)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE…  S3 credentials (the AWS SDK's usual chain)`;

export function addRepoOptions(cmd: Command): Command {
  return cmd
    .option('-r, --repo <location>', 'repository: a folder, or s3://bucket/prefix')
    .option('-p, --password-file <file>', 'read the passphrase from this file (else $TIDEMARK_PASSWORD)')
    .option('-k, --key-file <file>', 'open the repository with a key file instead of a passphrase')
    .option('--lock-wait <seconds>', 'wait up to this long for another operation’s lock (default 0)', parseSeconds)
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', ENV_HELP);
}

type Env = CliContext['env'];

export { tidemarkHome };

export function repoLocation(opts: RepoCliOptions, env: Env): string {
  return opts.repo || env.TIDEMARK_REPOSITORY || path.join(tidemarkHome(env), 'repo');
}

export function backendFor(opts: RepoCliOptions, env: Env): Backend {
  return openBackend(repoLocation(opts, env), {
    s3: {
      endpoint: env.TIDEMARK_S3_ENDPOINT || undefined,
      region: env.TIDEMARK_S3_REGION || 'us-east-1',
      forcePathStyle: env.TIDEMARK_S3_PATH_STYLE === '1' || env.TIDEMARK_S3_PATH_STYLE === 'true',
    },
  });
}

async function readSecretFile(file: string, what: string): Promise<string> {
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
export async function readCredential(
  opts: Pick<RepoCliOptions, 'keyFile' | 'passwordFile'>,
  env: Env,
): Promise<Credential> {
  if (opts.keyFile) {
    const text = await readSecretFile(opts.keyFile, 'key');
    registerSecret(text.trim());
    return parseKeyFileCredential(text);
  }
  const pass = opts.passwordFile ? await readSecretFile(opts.passwordFile, 'passphrase') : env.TIDEMARK_PASSWORD;
  if (pass === undefined || pass === '') {
    throw new TidemarkError('usage', 'no passphrase given', {
      hint: 'Use --password-file <file>, set TIDEMARK_PASSWORD, or open the repository with --key-file <file>.',
    });
  }
  registerSecret(pass);
  return passphrase(pass);
}

/**
 * Creates a new key file credential at `file` (which must not exist, mode 0600), then runs `use`
 * with it; if `use` fails, the file is removed again so no useless credential is left behind.
 */
export async function withNewKeyFile<T>(file: string, use: (credential: Credential) => Promise<T>): Promise<T> {
  const made = newKeyFileCredential();
  try {
    await writeFile(file, made.text, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new TidemarkError(
      'usage',
      `cannot create the key file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      {
        hint: 'The file must not exist yet.',
      },
    );
  }
  try {
    return await use(made.credential);
  } catch (e) {
    await unlink(file).catch(() => undefined);
    throw e;
  }
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

export async function openRepository(opts: RepoCliOptions, env: Env): Promise<Repository> {
  const credential = await readCredential(opts, env);
  return Repository.open(backendFor(opts, env), credential, repositoryOptions(opts));
}

/** Runs `fn` with the opened repository and closes it afterwards. */
export async function withRepository<T>(
  ctx: CliContext,
  opts: RepoCliOptions,
  fn: (repo: Repository) => Promise<T>,
): Promise<T> {
  const repo = await openRepository(opts, ctx.env);
  try {
    return await fn(repo);
  } finally {
    await repo.close();
    await repo.backend.close();
  }
}

export function output(ctx: CliContext, opts: { json?: boolean }, json: unknown, human: () => string): void {
  ctx.out(opts.json ? JSON.stringify(json, null, 2) : human());
}

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new TidemarkError('usage', `not a number of seconds: ${value}`);
  return n;
}

export function parseCount(value: string): number {
  if (value === 'unlimited') return -1;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new TidemarkError('usage', `not a count: ${value} (a whole number, or "unlimited")`);
  return n;
}

export function parseLabel(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new TidemarkError('usage', `a label is name=value: ${value}`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(2)} ${units[u]}`;
}

export function short(id: string): string {
  return id.slice(0, 8);
}

export function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

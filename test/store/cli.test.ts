/** The repository commands, run in-process through the CLI's main(). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/program.js';
import { FsBackend } from '../../src/store/backend/index.js';
import { Repository, passphrase } from '../../src/store/index.js';
import { SMALL, issue, writeIssues } from './helpers.js';

const home = mkdtempSync(path.join(tmpdir(), 'tidemark-cli-'));
const repoDir = path.join(home, 'repo');
const pwFile = path.join(home, 'pw');
const PW = 'a cli passphrase that must never be printed';

/** Runs the CLI in process with its own environment; answers the exit code and what it printed. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runWith({}, ...args);
}

async function runWith(
  extraEnv: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env: { HOME: home, TIDEMARK_HOME: home, PATH: process.env.PATH, ...extraEnv },
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    fetch: () => Promise.reject(new Error('no network in repository command tests')),
    openBrowser: () => false,
    stopped: () => new Promise<void>(() => undefined),
    exitCode: 0,
  };
  const code = await main(['node', 'tidemark', ...args], ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function snapshot(project: string, n: number, version = 0): Promise<string> {
  const repo = await Repository.open(new FsBackend(repoDir), passphrase(PW));
  const w = await repo.openSnapshotWriter({ labels: { site: 'acme', project } });
  return w.finish(
    await writeIssues(
      w,
      Array.from({ length: n }, (_, i) => issue(i, version, project)),
      project,
    ),
  );
}

beforeAll(async () => {
  writeFileSync(pwFile, `${PW}\n`);
  // created through the API with cheap scrypt parameters; `init` itself is tested on its own below
  await Repository.init(new FsBackend(repoDir), passphrase(PW), SMALL);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('tidemark repository commands', () => {
  it('init creates a repository once, with a passphrase or a new key file', async () => {
    const dir = path.join(home, 'fresh');
    const init = await run('init', '--repo', dir, '--password-file', pwFile, '--json');
    expect(init.code).toBe(0);
    expect(JSON.parse(init.out).location).toBe(dir);
    const again = await run('init', '--repo', dir, '--password-file', pwFile);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    const keyFile = path.join(home, 'first.key');
    expect((await run('init', '--repo', path.join(home, 'fresh2'), '--new-key-file', keyFile)).code).toBe(0);
    expect((await run('snapshots', '--repo', path.join(home, 'fresh2'), '--key-file', keyFile)).out).toBe(
      'no snapshots',
    );
    // the default location is $TIDEMARK_HOME/repo
    expect((await run('snapshots', '--password-file', pwFile)).out).toBe('no snapshots');
  });

  it('snapshots, check, stats, catalog, forget, prune, key, unlock', async () => {
    const s1 = await snapshot('ABC', 30);
    const s2 = await snapshot('ABC', 30, 1);
    const r = ['--repo', repoDir, '--password-file', pwFile];

    const list = await run('snapshots', ...r, '--json');
    expect(JSON.parse(list.out).map((s: { id: string }) => s.id)).toEqual([s2, s1]);
    expect((await run('snapshots', ...r)).out).toContain(s1.slice(0, 8));

    const checked = await run('check', ...r, '--read-data', '--json');
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.out).ok).toBe(true);

    const stats = JSON.parse((await run('stats', ...r, '--json')).out);
    expect(stats.snapshots).toBe(2);
    expect(stats.locks).toBe(0);

    // catalog: rebuild, then the three queries
    const cat = ['--catalog', path.join(home, 'catalog.db')];
    expect((await run('catalog', 'rebuild', ...r, ...cat)).out).toContain('2 snapshot(s)');
    const versions = JSON.parse((await run('catalog', 'versions', 'ABC-3', ...r, ...cat, '--json')).out);
    expect(versions.map((v: { snapshotId: string }) => v.snapshotId)).toEqual([s1, s2]);
    const diff = JSON.parse((await run('catalog', 'diff', s1.slice(0, 8), s2.slice(0, 8), ...r, ...cat, '--json')).out);
    expect(diff.changed).toHaveLength(30);
    expect((await run('catalog', 'search', 'issue', '7', ...r, ...cat)).out).toContain('ABC-7');

    // forget by policy, dry run first; then with --prune
    const dry = JSON.parse((await run('forget', ...r, '--keep-last', '1', '--dry-run', '--json')).out);
    expect(dry.removed).toEqual([s1]);
    expect(JSON.parse((await run('snapshots', ...r, '--json')).out)).toHaveLength(2);
    const forgot = await run('forget', ...r, '--keep-last', '1', '--prune');
    expect(forgot.code).toBe(0);
    expect(forgot.out).toMatch(/reclaimed/);
    expect(JSON.parse((await run('snapshots', ...r, '--json')).out)).toHaveLength(1);
    expect((await run('catalog', 'sync', ...r, ...cat)).out).toContain('1 removed');

    // keys: a key file, list with it, remove the passphrase key, and the last key cannot go
    const keyFile = path.join(home, 'second.key');
    expect((await run('key', 'add', ...r, '--new-key-file', keyFile, '--label', 'vault')).code).toBe(0);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^tidemark-keyfile-v1:/);
    const viaFile = ['--repo', repoDir, '--key-file', keyFile];
    const keys = JSON.parse((await run('key', 'list', ...viaFile, '--json')).out) as Array<{
      id: string;
      kind: string;
      current: boolean;
    }>;
    expect(keys.map((k) => k.kind).sort()).toEqual(['keyfile', 'passphrase']);
    const pass = keys.find((k) => k.kind === 'passphrase')!;
    expect((await run('key', 'remove', pass.id.slice(0, 8), ...viaFile)).code).toBe(0);
    expect((await run('check', ...r)).code).toBe(1); // the passphrase no longer opens it
    const last = await run('key', 'remove', keys.find((k) => k.current)!.id, ...viaFile);
    expect(last.code).toBe(2);

    expect((await run('unlock', ...viaFile)).out).toContain('removed 0 lock(s)');
    expect((await run('prune', ...viaFile, '--dry-run')).out).toMatch(/would reclaim/);

    // damage a snapshot file: check reports it and exits with status 1
    const snapFile = path.join(repoDir, 'snapshots', s2);
    const bytes = readFileSync(snapFile);
    bytes[20]! ^= 1;
    writeFileSync(snapFile, bytes);
    const damaged = await run('check', ...viaFile);
    expect(damaged.code).toBe(1);
    expect(damaged.out).toContain(`error: snapshots/${s2}`);
  });

  it('fails clearly, without printing the passphrase', async () => {
    const repoDir = path.join(home, 'third');
    await Repository.init(new FsBackend(repoDir), passphrase(PW), SMALL);
    const wrong = path.join(home, 'wrong');
    writeFileSync(wrong, 'not it');
    const res = await run('snapshots', '--repo', repoDir, '--password-file', wrong);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/does not match/);
    const missing = await run('snapshots', '--repo', path.join(home, 'nothing-here'), '--password-file', pwFile);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no repository/);
    // the passphrase from the environment (the policy guard allows Tidemark's own repository passphrase)
    expect((await runWith({ TIDEMARK_PASSWORD: PW }, 'snapshots', '--repo', repoDir)).out).toBe('no snapshots');
    const none = await run('snapshots', '--repo', repoDir);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no passphrase/);
    for (const r of [res, missing, none]) expect(r.out + r.err).not.toContain(PW);
    expect((await run('forget', '--repo', repoDir, '--password-file', pwFile, '--keep-within', '2w')).err).toMatch(
      /not a duration/,
    );
  });
});

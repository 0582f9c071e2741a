/**
 * `tidemark demo`: the main job end to end, in one process, on embedded defaults, against the
 * bundled simulator — start a seeded site on loopback, connect through the OAuth consent flow (a
 * scripted browser approves it on the simulator's pages), take a full backup, change the site
 * through the simulator's control API, take an incremental backup and show the diff. The home
 * folder (vault, master key, repository, passphrase) is left behind for `tidemark ls/show/diff`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { TidemarkError } from '../../core/index.js';
import { DEMO_ADMIN_EMAIL, demoApp } from '../../simulator/auth/apps.js';
import { createSimulator } from '../../simulator/create.js';
import type { Site } from '../../simulator/index.js';
import { availableTransitions } from '../../simulator/world/workflow.js';
import { Repository, passphrase } from '../../store/index.js';
import { approveOnSimulator } from '../consent-robot.js';
import type { CliContext } from '../context.js';
import { serveFetch } from '../http-adapter.js';
import { parseInteger } from '../parse.js';
import { withSnapshots } from '../snapshot-ref.js';
import { backendFor, repositoryOptions } from './repo-options.js';
import { runBackupCommand } from './backup.js';
import { runRestoreApply, runRestorePlan, runRestoreVerify } from './restore.js';
import { connectEmbedded } from './connect.js';
import { computeDiff, diffText } from './diff.js';

interface DemoOptions {
  home?: string;
  seed: number;
}

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .summary('run the main job end to end against the bundled simulator: connect, back up, change, back up, diff')
    .description(
      'The main job on embedded defaults, in one process, against the bundled Jira Cloud simulator (never a real ' +
        'site):\n\n' +
        '  1. start the simulator on loopback with a seeded site (acme, about 130 issues);\n' +
        '  2. connect through the OAuth 2.0 consent flow, as `tidemark connect` does — a scripted browser logs in as ' +
        `${DEMO_ADMIN_EMAIL} and approves the consent on the simulator's pages;\n` +
        '  3. create an encrypted repository;\n' +
        '  4. take a full backup (progress shown);\n' +
        "  5. change the site through the simulator's control API: edits, a transition, a deleted issue, new " +
        'comments and an attachment;\n' +
        '  6. take an incremental backup (only what changed is fetched);\n' +
        '  7. show the diff between the two snapshots; then stop the simulator.\n\n' +
        'Everything it stores — the sealed connection, master key, repository and its passphrase — goes to a home ' +
        'folder: --home DIR, or else a fresh temporary folder (your own $TIDEMARK_HOME, by default ~/.tidemark, is ' +
        'not touched). The demo prints the folder and the `tidemark ls/show/diff` commands to explore it afterwards.',
    )
    .option('--home <dir>', 'keep the demo in this folder (created if missing; reused if it holds an earlier demo)')
    .option('-s, --seed <n>', 'seed of the generated site (the same seed gives the same data)', parseInteger, 1)
    .action(async (opts: DemoOptions) => runDemo(ctx, opts));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A file with fresh random content, unless it exists (an earlier demo in the same home). */
async function secretFile(file: string, make: () => string): Promise<void> {
  if (existsSync(file)) return;
  await writeFile(file, make(), { mode: 0o600, flag: 'wx' });
}

function quote(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

interface PlannedChanges {
  ops: Array<Record<string, unknown>>;
  lines: string[];
  project: string;
  editedKey: string;
  deletedKey: string;
}

/** Picks issues of the site's first project and the changes to make to them. */
function planChanges(site: Site): PlannedChanges {
  const issues = [...site.data.issues.values()];
  const project = [...site.data.projects.values()].sort((a, b) => a.key.localeCompare(b.key))[0];
  if (!project) throw new TidemarkError('internal', 'the demo site has no project');
  const parents = new Set(issues.map((i) => String(i.fields.parent ?? '')));
  const candidates = issues
    .filter((i) => i.projectId === project.id && !parents.has(i.id) && !i.archived)
    .sort((a, b) => Number(a.key.split('-')[1]) - Number(b.key.split('-')[1]));
  if (candidates.length < 5) throw new TidemarkError('internal', 'the demo site has too few issues to change');
  const [edited, moved, commented, attached, deleted] = candidates.slice(0, 5) as [
    (typeof candidates)[number],
    (typeof candidates)[number],
    (typeof candidates)[number],
    (typeof candidates)[number],
    (typeof candidates)[number],
  ];
  const priority = [...site.data.priorities.keys()].find((id) => id !== String(edited.fields.priority ?? ''));
  const ops: Array<Record<string, unknown>> = [];
  const lines: string[] = [];
  const newSummary = 'Checkout fails when the basket holds more than 99 items';
  ops.push({
    op: 'edit',
    issue: edited.key,
    fields: { summary: newSummary, labels: ['demo', 'regression'], ...(priority ? { priority } : {}) },
  });
  lines.push(
    `edited ${edited.key}: summary → "${newSummary}", labels → demo, regression${priority ? `, priority → ${site.data.priorities.get(priority)?.name ?? priority}` : ''}`,
  );
  const transition = availableTransitions(site, moved)[0];
  if (transition) {
    ops.push({ op: 'transition', issue: moved.key, transition: transition.id });
    lines.push(
      `moved ${moved.key} along "${transition.name}" to ${site.data.statuses.get(transition.to)?.name ?? transition.to}`,
    );
  }
  ops.push(
    { op: 'comment-add', issue: commented.key, body: 'Reproduced on staging; the fix is in review.' },
    { op: 'comment-add', issue: commented.key, body: 'Verified after the deploy. Closing this week.' },
  );
  lines.push(`added 2 comments to ${commented.key}`);
  ops.push({
    op: 'attachment-add',
    issue: attached.key,
    filename: 'release-notes.txt',
    mimeType: 'text/plain',
    text: 'Release notes\n\n- Checkout handles large baskets\n- Faster search\n',
  });
  lines.push(`attached release-notes.txt to ${attached.key}`);
  ops.push({ op: 'issue-delete', issue: deleted.key });
  lines.push(`deleted ${deleted.key} ("${String(deleted.fields.summary ?? '')}")`);
  return { ops, lines, project: project.key, editedKey: edited.key, deletedKey: deleted.key };
}

const STEPS = 10;

export async function runDemo(ctx: CliContext, opts: DemoOptions): Promise<void> {
  const home = opts.home ? path.resolve(opts.home) : await mkdtemp(path.join(tmpdir(), 'tidemark-demo-'));
  await mkdir(home, { recursive: true });
  const keyFile = path.join(home, 'master.key');
  const passFile = path.join(home, 'repository-passphrase');
  const repoDir = path.join(home, 'repo');
  await secretFile(keyFile, () => `${randomBytes(32).toString('base64')}\n`);
  await secretFile(passFile, () => `${randomBytes(18).toString('base64url')}\n`);

  // Ctrl-C: a running backup stops on its own; between steps the demo stops before the next one.
  let interrupted = false;
  void ctx.stopped().then(() => (interrupted = true));
  const step = (n: number, text: string): void => {
    if (interrupted) throw new TidemarkError('cancelled', `the demo was stopped before step ${n}`);
    ctx.out(`\n[${n}/${STEPS}] ${text}`);
  };
  ctx.out('Tidemark demo: the main job on embedded defaults, against the bundled Jira Cloud simulator.');
  ctx.out(
    `Home folder: ${home} (${opts.home ? 'from --home' : 'a fresh temporary folder; pass --home DIR to choose one'}).`,
  );

  // 1. The simulator, with the demo app's callback on a loopback port `tidemark connect` will listen on.
  const callbackPort = await freePort();
  const redirectUri = `http://127.0.0.1:${callbackPort}/callback`;
  const sim = createSimulator({
    seed: opts.seed,
    size: 'tiny',
    control: true,
    limitsPreset: 'realistic',
    demoCallbackUrl: redirectUri,
  });
  const served = await serveFetch(sim.fetch, { host: '127.0.0.1', port: 0 });
  sim.setBaseUrl(served.url);
  let done: { first: string; second: string; plan: PlannedChanges } | undefined;
  try {
    const app = demoApp(sim.world);
    const site = [...sim.world.sites.values()].find((s) => s.name === 'acme') ?? [...sim.world.sites.values()][0];
    if (!app || !site) throw new TidemarkError('internal', 'the seeded world has no demo app or site');
    step(1, `Started the Jira Cloud simulator on ${served.url} (loopback only).`);
    ctx.out(
      `      Site "${site.name}" (${new URL(site.url).host}): ${site.data.projects.size} projects, ${site.data.issues.size} issues, ${site.data.attachments.size} attachments. Rate limits and points as Atlassian documents them.`,
    );

    // 2. Connect through the consent flow, exactly as `tidemark connect` does; the "browser" is scripted.
    step(2, "Connecting with `tidemark connect` through the simulator's OAuth 2.0 (3LO) consent flow.");
    ctx.out(
      `      A scripted browser logs in as ${DEMO_ADMIN_EMAIL} and approves Tidemark for ${site.name} on the simulator's consent page.`,
    );
    let robotFailed!: () => void;
    const robotFailure = new Promise<void>((resolve) => (robotFailed = resolve));
    let robotError: unknown;
    const env: Record<string, string | undefined> = {
      PATH: ctx.env.PATH,
      HOME: ctx.env.HOME,
      TERM: ctx.env.TERM,
      TIDEMARK_LOG_LEVEL: ctx.env.TIDEMARK_LOG_LEVEL,
      TIDEMARK_HOME: home,
      TIDEMARK_MASTER_KEY_FILE: keyFile,
      TIDEMARK_CLIENT_ID: app.clientId,
      TIDEMARK_CLIENT_SECRET: app.clientSecret,
      TIDEMARK_AUTH_BASE_URL: sim.urls.auth,
      TIDEMARK_API_BASE_URL: sim.urls.api,
      TIDEMARK_REDIRECT_URI: redirectUri,
    };
    const indented = (write: (s: string) => void) => (text: string) =>
      write(
        text
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => (l ? `      ${l}` : l))
          .join('\n'),
      );
    const demoCtx: CliContext = {
      ...ctx,
      env,
      out: indented((s) => ctx.out(s)),
      err: indented((s) => ctx.err(s)),
      openBrowser: (url) => {
        approveOnSimulator({
          fetch: ctx.fetch,
          simulatorBase: served.url,
          authorizeUrl: url,
          email: DEMO_ADMIN_EMAIL,
          sites: [site.cloudId],
        }).catch((e: unknown) => {
          robotError = e;
          robotFailed();
        });
        return false;
      },
      stopped: () => Promise.race([ctx.stopped(), robotFailure]),
    };
    let connection: { id: string };
    try {
      connection = await connectEmbedded(demoCtx, { browser: true, timeout: 60 });
    } catch (e) {
      if (robotError) throw robotError;
      throw e;
    }

    // 3. The repository.
    const repoOpts = { repo: repoDir, passwordFile: passFile };
    if (existsSync(path.join(repoDir, 'config'))) {
      step(3, `Using the repository from an earlier demo at ${repoDir}.`);
    } else {
      step(3, `Creating an encrypted repository at ${repoDir} (its passphrase is in ${passFile}).`);
      const pass = (await readFile(passFile, 'utf8')).replace(/\r?\n$/, '');
      const repo = await Repository.init(backendFor(repoOpts, env), passphrase(pass), repositoryOptions({}));
      await repo.close();
      await repo.backend.close();
    }

    // 4. Full backup.
    step(4, `Full backup of ${site.name}: configuration, issues, changelogs, comments, worklogs, attachments.`);
    const full = await runBackupCommand(
      { ...demoCtx, stopped: ctx.stopped },
      { ...repoOpts, full: true, connection: connection.id },
    );

    // 5. Changes, through the control API over HTTP (what a user would do in Jira).
    step(5, "Changing the site through the simulator's control API (POST /__sim/mutate):");
    const plan = planChanges(site);
    const res = await ctx.fetch(`${served.url}/__sim/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cloudId: site.cloudId, actor: DEMO_ADMIN_EMAIL, ops: plan.ops }),
    });
    if (res.status !== 200)
      throw new TidemarkError(
        'internal',
        `the simulator refused the demo's changes: ${res.status} ${await res.text()}`,
      );
    await res.arrayBuffer();
    for (const line of plan.lines) ctx.out(`      - ${line}`);

    // 6. Incremental backup.
    step(6, 'Incremental backup: new and changed issues are fetched; unchanged ones are reused from the snapshot.');
    const incremental = await runBackupCommand(
      { ...demoCtx, stopped: ctx.stopped },
      { ...repoOpts, connection: connection.id },
    );

    // 7. The diff.
    step(7, `What changed: tidemark diff ${full.snapshot.slice(0, 8)} ${incremental.snapshot.slice(0, 8)}`);
    const text = await withSnapshots(demoCtx, repoOpts, [full.snapshot, incremental.snapshot], async ([a, b]) =>
      diffText(await computeDiff(a!, b!)),
    );
    demoCtx.out(text);

    // 8. Restore the deleted issue from the first snapshot: plan, then apply.
    const restoreOpts = { ...repoOpts, connection: connection.id, snapshot: full.snapshot };
    const deletedPlan = path.join(home, 'restore-deleted.json');
    step(8, `Restoring the deleted issue ${plan.deletedKey}: tidemark restore plan --deleted, then restore apply.`);
    await runRestorePlan(demoCtx, { ...restoreOpts, deleted: true, out: deletedPlan });
    await runRestoreApply(demoCtx, deletedPlan, { ...repoOpts, connection: connection.id, yes: true });

    // 9. Roll back the bad edit: only the fields that were changed, nothing else.
    const rollbackPlan = path.join(home, 'restore-rollback.json');
    step(9, `Rolling back the edit of ${plan.editedKey} (summary, labels, priority) with restore plan --fields.`);
    await runRestorePlan(demoCtx, {
      ...restoreOpts,
      fields: 'summary,labels,priority',
      issues: plan.editedKey,
      out: rollbackPlan,
    });
    await runRestoreApply(demoCtx, rollbackPlan, { ...repoOpts, connection: connection.id, yes: true });

    // 10. Prove it: read everything back and compare with the snapshot.
    step(10, 'Verifying both restores against the snapshot (tidemark restore verify): the fidelity report.');
    await runRestoreVerify(demoCtx, deletedPlan, { ...repoOpts, connection: connection.id });
    await runRestoreVerify(demoCtx, rollbackPlan, { ...repoOpts, connection: connection.id });
    done = { first: full.snapshot, second: incremental.snapshot, plan };
  } finally {
    await served.close();
    ctx.out('\nStopped the simulator.');
  }

  const flags = `--repo ${quote(repoDir)} --password-file ${quote(passFile)}`;
  const { first, second, plan } = done!;
  ctx.out(`\nThe connection, repository and passphrase stay in ${home}. Explore the snapshots:`);
  ctx.out(`  npx tidemark ls latest ${flags}                     # the site, projects, counts`);
  ctx.out(`  npx tidemark ls latest ${plan.project} ${flags}                # the issues of ${plan.project}`);
  ctx.out(`  npx tidemark show latest ${plan.editedKey} ${flags}            # one issue, as a person reads it`);
  ctx.out(
    `  npx tidemark show ${first.slice(0, 8)} ${plan.deletedKey} ${flags}          # the deleted issue, still in the first snapshot`,
  );
  ctx.out(`  npx tidemark diff ${first.slice(0, 8)} ${second.slice(0, 8)} ${flags}`);
}

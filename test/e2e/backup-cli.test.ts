/**
 * Issue P4, CLI: `tidemark backup`, `ls`, `show` and `diff` through the CLI context (in process,
 * captured output) against the seeded simulator over loopback HTTP with Atlassian's limits, with a
 * 3LO connection stored the way `tidemark connect` stores it and a repository on disk.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.js';
import type { ProgressEvent } from '../../src/core/index.js';
import type { Issue } from '../../src/simulator/world/site.js';
import { connectedHome, servedSimulator, testCli, type ConnectedHome, type ServedSim } from '../support/cli-context.js';

let s: ServedSim;
let h: ConnectedHome;
let issues: Issue[];
let first = '';
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function ndjson(text: string): ProgressEvent[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ProgressEvent);
}

beforeAll(async () => {
  s = await servedSimulator(3);
  const globex = [...s.sim.world.sites.values()].find((x) => x.name === 'globex')!;
  h = await connectedHome(s, [s.site, globex]);
  const parents = new Set([...s.site.data.issues.values()].map((i) => String(i.fields.parent ?? '')));
  const project = [...s.site.data.projects.values()].sort((a, b) => a.key.localeCompare(b.key))[0]!;
  issues = [...s.site.data.issues.values()]
    .filter((i) => i.projectId === project.id && !parents.has(i.id))
    .sort((a, b) => Number(a.key.split('-')[1]) - Number(b.key.split('-')[1]));
  // Hostile content a person might have typed (or pasted) into Jira: terminal escapes, a window
  // title, a bell, carriage returns that overwrite the line, a bidi override.
  await s.mutate([
    {
      op: 'comment-add',
      issue: issues[0]!.key,
      body: 'before\u001b[2J\u001b[31mRED\u001b[0m\u001b]0;pwned-title\u0007\u0007bell\roverwrite \u202eevil.exe after',
    },
  ]);
});

afterAll(async () => {
  await s?.close();
});

describe('tidemark backup', () => {
  it('asks which site when the connection reaches several, and lists them', async () => {
    const cli = testCli(h.env);
    const code = await cli.run('backup');
    expect(code).toBe(2);
    expect(cli.stderr()).toMatch(/there are 2 connected sites; say which one with --site/);
    expect(cli.stderr()).toMatch(/acme \(acme\.atlassian\.net, cloud id .*\) via 3lo connection grant_test/);
    expect(cli.stderr()).toMatch(/globex \(/);
    const unknown = await cli.run('backup', '--site', 'initech');
    expect(unknown).toBe(1);
    expect(cli.stderr()).toMatch(/no connected site matches initech/);
  });

  it('takes a full backup with --json: one event per line, ending with `done` and the report', async () => {
    const cli = testCli(h.env);
    const code = await cli.run('backup', '--site', 'acme.atlassian.net', '--json', '--max-points-per-hour', '50000');
    expect(cli.stderr()).toBe('');
    expect(code).toBe(0);
    expect(cli.stdout()).not.toMatch(CONTROL); // no ANSI, no bars
    const events = ndjson(cli.stdout());
    expect(events[0]).toMatchObject({ type: 'start', job: 'backup' });
    const phases = events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase);
    expect(phases).toEqual(expect.arrayContaining(['discovery', 'configuration', 'issue ids', 'issues', 'snapshot']));
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    const last = events[events.length - 1]!;
    expect(last.type).toBe('done');
    const report = (last as Extract<ProgressEvent, { type: 'done' }>).summary as {
      snapshot: string;
      mode: string;
      issues: { total: number };
      points: { total: number; byEndpoint: Record<string, unknown> };
      entities: { stored: Record<string, number> };
    };
    expect(report.snapshot).toMatch(/^[0-9a-f]{64}$/);
    expect(report.mode).toBe('full');
    expect(report.issues.total).toBe(s.site.data.issues.size);
    expect(report.entities.stored.issue).toBe(s.site.data.issues.size);
    expect(report.points.total).toBeGreaterThan(0);
    expect(Object.keys(report.points.byEndpoint)).toContain('POST /rest/api/3/issue/bulkfetch');
    first = report.snapshot;

    // The catalog followed the backup: every issue version of the new snapshot is listed.
    const catalog = await Catalog.openSqlite(path.join(h.env.TIDEMARK_HOME!, 'catalog.db'));
    try {
      const someIssue = [...s.site.data.issues.values()][0]!;
      const versions = await catalog.versionsOf({ kind: 'issue', key: someIssue.key });
      expect(versions.map((v) => v.snapshotId)).toContain(first);
    } finally {
      await catalog.close();
    }

    const list = testCli(h.env);
    expect(await list.run('snapshots')).toBe(0);
    expect(list.stdout()).toMatch(
      new RegExp(
        `^${first.slice(0, 8)} {2}\\S+ {2}site=acme\\.atlassian\\.net {2}${s.site.data.issues.size} issues$`,
        'm',
      ),
    );
  });

  it('ls shows the projects and counts; ls PROJECT lists issues with summary, status and update time', async () => {
    const cli = testCli(h.env);
    expect(await cli.run('ls', 'latest')).toBe(0);
    const top = cli.stdout();
    expect(top).toContain(`Snapshot ${first.slice(0, 8)}`);
    expect(top).toMatch(/^Site acme {2}https:\/\/acme\.atlassian\.net/m);
    for (const p of s.site.data.projects.values()) expect(top).toMatch(new RegExp(`^${p.key} `, 'm'));
    expect(top).toContain(`${s.site.data.issues.size} issues in all`);
    expect(top).toMatch(/Configuration: .*\d+ field/);

    cli.clear();
    const project = issues[0]!.key.split('-')[0]!;
    expect(await cli.run('ls', first.slice(0, 10), project.toLowerCase())).toBe(0);
    const lines = cli.stdout().split('\n');
    expect(lines[0]).toMatch(/^Key +Status +Updated +Summary$/);
    const status = s.site.data.statuses.get(String(issues[1]!.fields.status))!.name;
    const row = lines.find((l) => l.startsWith(`${issues[1]!.key} `))!;
    expect(row).toContain(status);
    expect(row).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(cli.stdout()).not.toMatch(CONTROL);

    cli.clear();
    expect(await cli.run('ls', 'latest', project, '--json')).toBe(0);
    const json = JSON.parse(cli.stdout()) as { issues: Array<{ key: string; status: string }> };
    expect(json.issues.find((i) => i.key === issues[1]!.key)?.status).toBe(status);
  });

  it('show renders the issue as a person reads it, and hostile content cannot drive the terminal', async () => {
    const cli = testCli(h.env);
    const issue = issues[0]!;
    expect(await cli.run('show', 'latest', issue.key)).toBe(0);
    const out = cli.stdout();
    expect(out).not.toMatch(CONTROL);
    expect(out).not.toContain('\u001b');
    expect(out.split('\n')[0]).toMatch(new RegExp(`^${issue.key} {2}`));
    expect(out).toMatch(/^Fields/m);
    expect(out).toMatch(/^ {2}Created +\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/m);
    expect(out).toMatch(/^Description:/m);
    expect(out).toMatch(new RegExp(`^Comments \\(${issue.comments.length}\\):`, 'm'));
    expect(out).toMatch(new RegExp(`^Attachments \\(${issue.attachmentIds.length}\\):`, 'm'));
    expect(out).toMatch(new RegExp(`^History \\(${issue.changelog.length}\\):`, 'm'));
    // The hostile comment: its words survive, its escapes and controls do not.
    expect(out).toMatch(/beforeREDbell\n +overwrite evil\.exe after/);
    expect(out).not.toContain('pwned-title');
    // Field names come from the snapshot's field configuration.
    const priority = s.site.data.fields.get('priority');
    if (issue.fields.priority && priority) expect(out).toMatch(new RegExp(`^ {2}${priority.name} `, 'm'));

    cli.clear();
    expect(await cli.run('show', 'latest', issue.key.toLowerCase(), '--json')).toBe(0);
    const json = JSON.parse(cli.stdout()) as { issue: { key: string }; comments: unknown[] };
    expect(json.issue.key).toBe(issue.key);
    expect(json.comments).toHaveLength(issue.comments.length);
  });

  it('says clearly what is wrong: unknown snapshot, issue or project, wrong passphrase, no connection', async () => {
    const cli = testCli(h.env);
    expect(await cli.run('show', 'latest', 'NOPE-999')).toBe(1);
    expect(cli.stderr()).toMatch(/tidemark: there is no issue NOPE-999 in snapshot [0-9a-f]{8}/);
    expect(cli.stderr()).toMatch(/hint: .*tidemark ls/);
    cli.clear();
    expect(await cli.run('ls', 'abcd0123')).toBe(1);
    expect(cli.stderr()).toMatch(/there is no snapshot abcd0123/);
    expect(cli.stderr()).toMatch(/hint: `tidemark snapshots` lists the snapshots/);
    cli.clear();
    expect(await cli.run('diff', 'not-a-snapshot', 'latest')).toBe(2);
    expect(cli.stderr()).toMatch(/not a snapshot: not-a-snapshot/);
    cli.clear();
    expect(await cli.run('ls', 'latest', 'NOPE')).toBe(1);
    expect(cli.stderr()).toMatch(/has no project NOPE/);
    expect(cli.stderr()).toMatch(/hint: Its projects: /);

    const wrong = testCli({ ...h.env, TIDEMARK_PASSWORD: 'not the passphrase' });
    expect(await wrong.run('ls', 'latest')).toBe(1);
    expect(wrong.stderr()).toMatch(/the passphrase does not match/);
    expect(wrong.stderr()).not.toContain('not the passphrase');
    expect(wrong.stderr()).toMatch(/^hint: /m);

    const nopass = testCli({ ...h.env, TIDEMARK_PASSWORD: undefined });
    expect(await nopass.run('ls', 'latest')).toBe(2);
    expect(nopass.stderr()).toMatch(/no passphrase given/);

    const empty = await connectedHomeWithoutGrants();
    expect(await empty.run('backup')).toBe(1);
    expect(empty.stderr()).toMatch(/there are no connected Jira sites/);
    expect(empty.stderr()).toMatch(/hint: Connect one with `tidemark connect`/);

    const bad = testCli(h.env);
    expect(await bad.run('backup', '--site', 'acme', '--max-points-per-hour', 'lots')).toBe(2);
    expect(bad.stderr()).toMatch(/--max-points-per-hour must be a whole number above 0/);
  });

  it('an incremental backup after changes stores what changed, and diff shows it by kind and field', async () => {
    const [, edited, commented, attached, deleted] = issues as [Issue, Issue, Issue, Issue, Issue];
    await s.mutate([
      { op: 'edit', issue: edited.key, fields: { summary: 'Renamed by the CLI test' } },
      { op: 'comment-add', issue: commented.key, body: 'A new comment from the CLI test.' },
      { op: 'attachment-add', issue: attached.key, filename: 'notes.txt', text: 'hello' },
      { op: 'issue-delete', issue: deleted.key },
    ]);
    const cli = testCli(h.env);
    expect(await cli.run('backup', '--site', 'acme')).toBe(0);
    // Not a terminal: plain progress lines on standard error; the report on standard output.
    expect(cli.stderr()).toMatch(/^backup: issues \(\d+ issues\)( — estimate .*)?$/m);
    expect(cli.stderr()).toMatch(/^ {2}issues \d+\/\d+ issues \(100%\) · [\d,]+ points/m);
    expect(cli.stdout()).toMatch(/^Snapshot [0-9a-f]{8} saved: incremental backup of acme \(acme\.atlassian\.net\)/m);
    expect(cli.stdout()).toMatch(/1 deleted since the parent/);
    expect(cli.stdout()).toMatch(/^Points by endpoint:/m);
    expect(cli.stdout()).toMatch(/^Entities by kind:/m);

    cli.clear();
    expect(await cli.run('diff', first.slice(0, 8), 'latest', '--json')).toBe(0);
    const diff = JSON.parse(cli.stdout()) as {
      kinds: Record<string, { added: number; changed: number; deleted: number }>;
      issues: Array<{
        key: string;
        change: string;
        fields: Array<{ field: string; before: unknown; after: unknown }>;
        children: Record<string, { added: number }>;
      }>;
    };
    expect(diff.kinds.issue).toEqual({ added: 0, changed: 3, deleted: 1 });
    expect(diff.kinds.attachment?.added).toBe(1);
    expect(diff.kinds.comment?.added).toBe(1);
    const byKey = new Map(diff.issues.map((i) => [i.key, i]));
    expect(byKey.get(deleted.key)?.change).toBe('deleted');
    const summary = byKey.get(edited.key)!.fields.find((f) => f.field === 'summary');
    expect(summary).toEqual({
      field: 'summary',
      name: 'Summary',
      before: expect.any(String),
      after: 'Renamed by the CLI test',
    });
    expect(byKey.get(commented.key)?.children.comment?.added).toBe(1);
    expect(byKey.get(attached.key)?.children.attachment?.added).toBe(1);

    cli.clear();
    expect(await cli.run('diff', first.slice(0, 8), 'latest')).toBe(0);
    const text = cli.stdout();
    expect(text).toMatch(/^Deleted issues \(1\):\n {2}\S+ /m);
    expect(text).toContain(`  ${deleted.key}  `);
    expect(text).toMatch(
      new RegExp(`^ {2}${edited.key} {2}Renamed by the CLI test\\n {6}Summary: .* → Renamed by the CLI test`, 'm'),
    );

    // The deleted issue is still in the first snapshot.
    cli.clear();
    expect(await cli.run('show', first.slice(0, 8), deleted.key)).toBe(0);
    expect(cli.stdout().split('\n')[0]).toMatch(new RegExp(`^${deleted.key} `));
  });

  it('Ctrl-C stops a run cleanly (a `failed` event says so) and the next run completes', async () => {
    const cli = testCli(h.env);
    const running = cli.run('backup', '--site', 'acme', '--full', '--json');
    await cli.waitForOut(/"type":"start"/);
    cli.stop();
    expect(await running).toBe(1);
    expect(cli.stderr()).toMatch(/tidemark: the backup was interrupted; no snapshot was written/);
    const events = ndjson(cli.stdout());
    const last = events[events.length - 1] as Extract<ProgressEvent, { type: 'failed' }>;
    expect(last.type).toBe('failed');
    expect(last.error.kind).toBe('cancelled');

    const again = testCli(h.env);
    expect(await again.run('backup', '--site', 'acme', '--json')).toBe(0);
    expect(ndjson(again.stdout()).at(-1)?.type).toBe('done');
  });
});

async function connectedHomeWithoutGrants(): Promise<ReturnType<typeof testCli>> {
  const home = await mkdtemp(path.join(tmpdir(), 'tm-cli-empty-'));
  return testCli({ ...h.env, HOME: home, TIDEMARK_HOME: home });
}

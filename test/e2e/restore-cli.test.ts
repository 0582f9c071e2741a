/**
 * Issue 6, CLI: `tidemark restore plan | apply | verify` run as the real binary in child processes
 * against the seeded simulator over loopback HTTP (realistic limits), with a stored 3LO connection
 * to both sites of the world. Deleted issues come back; apply refuses without --yes and with
 * undecided gaps; --dry-run writes nothing; a finished plan verifies clean; a restore into the
 * other site (globex) goes through the mapping file.
 */
import { stat, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRestoreCommand } from '../../src/cli/commands/restore.js';
import type { CliContext } from '../../src/cli/context.js';
import { PROVENANCE_KEY, type Gap, type RestorePlan } from '../../src/restore/plan.js';
import type { FidelityReport } from '../../src/restore/verifier/index.js';
import { meterOf } from '../../src/simulator/limits/parts.js';
import type { Issue, Site } from '../../src/simulator/index.js';
import { runCli } from '../support/cli.js';
import { connectedHome, servedSimulator, type ConnectedHome, type ServedSim } from '../support/cli-context.js';
import { isWriteRoute } from '../support/restore-harness.js';

type Json = Record<string, unknown>;
let s: ServedSim;
let h: ConnectedHome;
let env: Record<string, string>;
let globex: Site;
let deleted: Issue[];

const cli = (...args: string[]) => runCli(args, env);
const file = (name: string): string => path.join(h.home, name);

function writes(): number {
  let n = 0;
  for (const [key, v] of Object.entries(meterOf(s.sim).counters().byEndpoint))
    if (isWriteRoute(key)) n += v.requests - v.rateLimited;
  return n;
}

/** Issues of a site carrying a provenance written by a restore of `plan`. */
function restoredBy(site: Site, plan: string): Issue[] {
  return [...site.data.issues.values()].filter((i) => (i.properties.get(PROVENANCE_KEY) as Json)?.plan === plan);
}

beforeAll(async () => {
  s = await servedSimulator(5);
  globex = [...s.sim.world.sites.values()].find((x) => x.name === 'globex')!;
  h = await connectedHome(s, [s.site, globex]);
  env = Object.fromEntries(Object.entries(h.env).filter((e): e is [string, string] => e[1] !== undefined));
  const backup = await cli('backup', '--site', 'acme', '--max-points-per-hour', '50000');
  expect(backup.code, backup.stderr).toBe(0);
  // Two light issues (a few comments, no subtasks) are deleted after the backup.
  const parents = new Set([...s.site.data.issues.values()].map((i) => String(i.fields.parent ?? '')));
  deleted = [...s.site.data.issues.values()]
    .filter((i) => !parents.has(i.id) && !i.fields.parent && i.comments.length > 0 && i.comments.length <= 6)
    .slice(0, 2);
  expect(deleted).toHaveLength(2);
  await s.mutate(deleted.map((i) => ({ op: 'issue-delete', issue: i.key })));
}, 120_000);

afterAll(async () => {
  await s?.close();
});

describe('tidemark restore', () => {
  let plan: RestorePlan;

  it('plan --deleted prints the summary and writes the plan', async () => {
    const r = await cli('restore', 'plan', '--deleted', '--site', 'acme', '--out', file('plan.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Plan written to ${file('plan.json')}.`);
    // The plan holds decrypted issue content: owner-only.
    expect((await stat(file('plan.json'))).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain(`Apply it with: tidemark restore apply ${file('plan.json')} --yes`);
    plan = JSON.parse(await readFile(file('plan.json'), 'utf8')) as RestorePlan;
    const creates = plan.steps.filter((x) => x.kind === 'issue.create');
    expect(creates.map((x) => x.issue).sort()).toEqual(deleted.map((i) => i.id).sort());
    expect(plan.gaps).toEqual([]);
    expect(r.stdout).toMatch(new RegExp(`${plan.stats.writes}`));
  }, 60_000);

  it('apply without --yes refuses and writes nothing; --dry-run writes nothing', async () => {
    const before = writes();
    const refused = await cli('restore', 'apply', file('plan.json'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/applying this plan writes to acme: confirm with --yes/);
    expect(refused.stderr).toMatch(/^hint: .*--dry-run/m);
    expect(writes()).toBe(before);

    const dry = await cli('restore', 'apply', file('plan.json'), '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/\(dry run\)/);
    expect(dry.stdout).toMatch(/Dry run: nothing was written\. The \d+ request\(s\) apply would send:/);
    expect(dry.stdout).toMatch(/^ {2}POST \/rest\/api\/3\/issue\/bulk {2}\(issue:\d+(,issue:\d+)*\)$/m);
    expect(dry.stdout).toMatch(/^ {2}would restore [A-Z]+-\d+ as DRY-\d+$/m);
    expect(writes()).toBe(before);
    expect(restoredBy(s.site, plan.id)).toEqual([]);
    // A second dry run shows the same: it never records its fake outcomes in the journal.
    const again = await cli('restore', 'apply', file('plan.json'), '--dry-run');
    expect(again.stdout).toContain(/The \d+ request\(s\)/.exec(dry.stdout)![0]);

    // plan --dry-run writes no file; verify --dry-run reads nothing.
    const planDry = await cli('restore', 'plan', '--deleted', '--out', file('dry-plan.json'), '--dry-run');
    expect(planDry.code, planDry.stderr).toBe(0);
    expect(planDry.stdout).toContain('Dry run: no plan or mapping file written.');
    await expect(readFile(file('dry-plan.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    const verifyDry = await cli('restore', 'verify', file('plan.json'), '--dry-run');
    expect(verifyDry.code, verifyDry.stderr).toBe(0);
    expect(verifyDry.stdout).toMatch(/^Dry run: verify would read back .* nothing was read\.$/m);
    expect(writes()).toBe(before);
  }, 60_000);

  it('apply --yes --json streams NDJSON progress and the report, and restores the deleted issues', async () => {
    const before = writes();
    const r = await cli('restore', 'apply', file('plan.json'), '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Json);
    expect(events[0]).toMatchObject({ type: 'start', job: 'restore' });
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    const last = events.at(-1)! as { type: string; report: { done: string[]; failed: unknown[]; writes: number } };
    expect(last.type).toBe('report');
    expect(last.report.failed).toEqual([]);
    expect(last.report.done).toHaveLength(plan.steps.length);
    expect(writes() - before).toBe(last.report.writes);
    const restored = restoredBy(s.site, plan.id);
    expect(restored.map((i) => i.fields.summary).sort()).toEqual(deleted.map((i) => i.fields.summary).sort());

    // Applied again: every step is already done, nothing is written.
    const again = await cli('restore', 'apply', file('plan.json'), '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`0 step\\(s\\) done now, ${plan.steps.length} already done`));
    expect(writes() - before).toBe(last.report.writes);
  }, 120_000);

  it('verify prints the fidelity report without a mismatch, as text and JSON', async () => {
    const text = await cli('restore', 'verify', file('plan.json'));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Fidelity of restore plan .* to acme/m);
    expect(text.stdout).toMatch(/^total +\d+ +\d+ +\d+ +0$/m);
    expect(text.stdout).toMatch(/^steps: \d+ done, 0 failed, 0 skipped, 0 not finished/m);
    const json = await cli('restore', 'verify', file('plan.json'), '--json', '--out', file('report.json'));
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as FidelityReport;
    const mismatches = report.items.filter((i) => i.outcome === 'mismatch');
    expect(mismatches).toEqual([]);
    expect(report.items.length).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(file('report.json'), 'utf8'))).toEqual(report);
  }, 60_000);

  it('into the other site: gaps are listed and written to a mapping file; apply refuses until each is decided', async () => {
    const keys = deleted.map((i) => i.key).join(',');
    const planFile = file('globex.json');
    const r = await cli('restore', 'plan', '--issues', keys, '--site', 'acme', '--target', 'globex', '--out', planFile);
    expect(r.code, r.stderr).toBe(0);
    const first = JSON.parse(await readFile(planFile, 'utf8')) as RestorePlan;
    const open = first.gaps.filter((g) => g.decision === undefined);
    expect(open.length).toBeGreaterThan(0);
    const mappingFile = file('globex.mappings.json');
    expect(r.stdout).toContain(`need a decision before apply: edit ${mappingFile}`);
    expect(r.stdout).toContain(`--mappings ${mappingFile}`);

    const before = writes();
    const refused = await cli('restore', 'apply', planFile, '--yes');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`The plan has ${open.length} unmapped items? without a decision`));
    // Every gap is named, with its use count.
    for (const g of open) expect(refused.stderr).toContain(`${g.kind} ${g.sourceId} "${g.name}" (used by ${g.usedBy})`);
    expect(writes()).toBe(before);

    // Decide every gap, as an operator would in the file: the project goes into a globex project of
    // the same type, users fall back to a globex member, anything else is skipped. Planning again
    // with the file may bring up new gaps (those of the mapped project): decide them the same way.
    const source = s.site.data.projects.get(deleted[0]!.projectId)!;
    const into = [...globex.data.projects.values()].find((p) => p.projectTypeKey === source.projectTypeKey)!;
    const fallback = [...globex.members][0]!;
    let decided = first;
    for (let round = 0; round < 3 && decided.gaps.some((g) => g.decision === undefined); round++) {
      const mapping = JSON.parse(await readFile(mappingFile, 'utf8')) as { gaps: Gap[] };
      for (const g of mapping.gaps)
        if (g.decision === undefined)
          g.decision = g.kind === 'users' ? { fallback } : g.kind === 'projects' ? { map: into.id } : { skip: true };
      await writeFile(mappingFile, JSON.stringify(mapping));
      const again = await cli(
        'restore',
        'plan',
        '--issues',
        keys,
        '--site',
        'acme',
        '--target',
        'globex',
        '--mappings',
        mappingFile,
        '--out',
        planFile,
      );
      expect(again.code, again.stderr).toBe(0);
      decided = JSON.parse(await readFile(planFile, 'utf8')) as RestorePlan;
      if (decided.gaps.every((g) => g.decision !== undefined))
        expect(again.stdout).toContain(`Apply it with: tidemark restore apply ${planFile}`);
    }
    expect(decided.gaps.filter((g) => g.decision === undefined)).toEqual([]);
    expect(decided.steps.filter((x) => x.kind === 'issue.create')).toHaveLength(deleted.length);

    const applied = await cli('restore', 'apply', planFile, '--yes');
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout).toMatch(/0 failed, 0 skipped/);
    const restored = restoredBy(globex, decided.id);
    expect(restored.map((i) => i.fields.summary).sort()).toEqual(deleted.map((i) => i.fields.summary).sort());
  }, 180_000);

  it('--help of each subcommand names every option', async () => {
    const program = new Command();
    registerRestoreCommand(program, {} as CliContext);
    const restore = program.commands.find((c) => c.name() === 'restore')!;
    for (const sub of ['plan', 'apply', 'verify']) {
      const cmd = restore.commands.find((c) => c.name() === sub)!;
      const help = await cli('restore', sub, '--help');
      expect(help.code).toBe(0);
      expect(cmd.options.length).toBeGreaterThan(5);
      for (const o of cmd.options) expect(help.stdout, `${sub} ${o.long}`).toContain(o.long!);
    }
  }, 60_000);
});

/**
 * Issue 6, acceptance 5 (crash safety), with a real process kill: the simulator lives in the test
 * process and is served over loopback HTTP; `restore apply` runs in a child process (apply-child.ts)
 * that is killed with SIGKILL the moment the simulator has applied a chosen write and before it
 * answers (an issue create, an attachment, a link, a comment half-way through an issue with more
 * than 100, the tenth write of a run), so each kill leaves a step the journal has as `started`
 * whose write did reach Jira; then it runs to completion. The
 * simulator's own data must hold every planned entity exactly once, and a finished plan applied
 * again must not send a single write.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serveFetch, type ServedHandle } from '../../src/cli/http-adapter.js';
import { systemClock } from '../../src/core/index.js';
import type { ApplyReport } from '../../src/restore/executor/executor.js';
import { refsOf } from '../../src/restore/executor/refs.js';
import { PROVENANCE_KEY, isRef, type RestorePlan, type Step } from '../../src/restore/plan.js';
import { DEMO_ADMIN_EMAIL, demoApp } from '../../src/simulator/auth/apps.js';
import { simAuth } from '../../src/simulator/auth/service.js';
import { meterOf } from '../../src/simulator/limits/parts.js';
import type { Issue, Site } from '../../src/simulator/index.js';
import { backupBench } from '../support/backup-harness.js';
import { isWriteRoute, openSource, plan } from '../support/restore-harness.js';
import { deleteVariedIssues } from '../support/restore-scenarios.js';

type Json = Record<string, unknown>;
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'apply-child.ts');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  /** Journal lines seen before the kill (or the exit). */
  lines: string[];
  killed: boolean;
  report?: ApplyReport;
}

/** Decides, for each write the simulator has just applied (before it answers), whether to kill. */
type KillOnWrite = (req: Request) => boolean;
let onWrite: KillOnWrite | undefined;

/**
 * Runs the child; when `killOnWrite` says so, SIGKILLs it the moment the simulator has applied that
 * write and before the answer leaves: the write reached Jira, the journal only says `started`.
 */
function runChild(args: string[], killOnWrite?: KillOnWrite): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { code: null, signal: null, out: '', lines: [], killed: false };
    onWrite = killOnWrite
      ? (req) => {
          if (run.killed || !killOnWrite(req)) return false;
          run.killed = true;
          p.kill('SIGKILL');
          return true;
        }
      : undefined;
    p.stdout.on('data', (d: Buffer) => (run.out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (run.out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      onWrite = undefined;
      run.code = code;
      run.signal = signal;
      run.lines = run.out.split('\n').filter((l) => l.startsWith('journal '));
      const line = run.out.split('\n').find((l) => l.startsWith('report '));
      if (line) run.report = JSON.parse(line.slice(7)) as ApplyReport;
      resolve(run);
    });
  });
}

function writesSoFar(sim: Parameters<typeof meterOf>[0]): number {
  let writes = 0;
  for (const [key, v] of Object.entries(meterOf(sim).counters().byEndpoint))
    if (isWriteRoute(key)) writes += v.requests - v.rateLimited;
  return writes;
}

function provenanceStep(props: Map<string, unknown>): string | undefined {
  const v = props.get(PROVENANCE_KEY) as Json | undefined;
  return typeof v?.step === 'string' ? v.step : undefined;
}

/** A step's issue end (link) as a target issue id, from the run's outputs. */
function endOf(v: unknown, outputs: ApplyReport['outputs']): string {
  if (isRef(v)) return String(outputs[v.$ref]?.[v.out ?? 'id']);
  return String(v);
}

/**
 * Steps the planner got wrong on this seed, whatever the crashes (they would fail the same way in
 * an uninterrupted in-process apply), left out with everything depending on them so that a
 * finished plan exists to apply again. None now: the option of customfield_10034 the target
 * refuses for HELP-7 is no longer sent (kept in provenance), and the sprint of team-managed board 4
 * is read from the live site (it maps to itself) instead of being re-created there.
 */
const PLANNER_FAILS: string[] = [];

/** The plan without these steps and every step that depends on them (by deps or Refs). */
function withoutSteps(p: RestorePlan, ids: string[]): RestorePlan {
  const gone = new Set(ids);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of p.steps)
      if (!gone.has(s.id) && [...s.deps, ...refsOf(s.payload)].some((d) => gone.has(d))) {
        gone.add(s.id);
        grew = true;
      }
  }
  return { ...p, steps: p.steps.filter((s) => !gone.has(s.id)) };
}

const served: ServedHandle[] = [];
afterAll(async () => {
  for (const s of served) await s.close();
});

describe('restore apply killed with SIGKILL', () => {
  it('resumes to completion without a duplicate entity, and a finished plan applied again writes nothing', async () => {
    const repoDir = await mkdtemp(path.join(tmpdir(), 'tm-restore-kill-'));
    const bench = await backupBench({ size: 'tiny', repoDir, clock: systemClock, limitsPreset: 'unlimited' });
    const backup = await bench.backup();
    const actor = [...bench.site.members][0]!;
    const deleted = deleteVariedIssues(bench.sim, bench.site, 14, actor, systemClock.now());
    expect(deleted.shape.heavyComments).toBeGreaterThan(0);
    const source = await openSource(bench, backup.snapshot);
    const thePlan: RestorePlan = withoutSteps(await plan(bench, source, { kind: 'deleted-issues' }), PLANNER_FAILS);
    expect(thePlan.gaps.filter((g) => g.decision === undefined)).toEqual([]);

    const handle = await serveFetch(
      async (req) => {
        const write = req.method !== 'GET' && !/bulkfetch|\/search|\/jql/.test(new URL(req.url).pathname);
        const probe = write && onWrite ? req.clone() : undefined;
        const res = await bench.sim.fetch(req);
        if (probe && res.status < 300 && onWrite?.(probe)) await new Promise((r) => setTimeout(r, 200));
        return res;
      },
      { host: '127.0.0.1', port: 0 },
    );
    served.push(handle);
    bench.sim.setBaseUrl(handle.url);
    const app = demoApp(bench.sim.world)!;
    const token = simAuth(bench.sim).issueTokens({
      clientId: app.clientId,
      email: DEMO_ADMIN_EMAIL,
      cloudIds: [bench.site.cloudId],
    }).access_token;
    const planFile = path.join(repoDir, 'plan.json');
    await writeFile(planFile, JSON.stringify(thePlan));
    const args = [repoDir, planFile, bench.sim.urls.api, bench.site.cloudId, token];

    const byKind = (k: Step['kind']): Step[] => thePlan.steps.filter((s) => s.kind === k);
    const heavy = [...deleted.dumps.values()].find((d) => ((d.comments as unknown[] | undefined) ?? []).length > 100)!;
    expect(heavy).toBeDefined();
    const heavyComments = byKind('comment.add').filter((s) => s.issue === String(heavy.id)).length;
    expect(heavyComments).toBeGreaterThan(100);
    expect(byKind('attachment.upload').length).toBeGreaterThan(0);
    expect(byKind('link.create').length).toBeGreaterThan(0);
    expect(byKind('worklog.add').length).toBeGreaterThan(0);

    // Kill points, each right after the simulator applied a write of the kind (so the step is in
    // the journal as `started` only): an issue create, an attachment upload, a link, a comment once
    // half the comments of the issue with many are back, and the tenth write of a run.
    const path_ = (r: Request): string => new URL(r.url).pathname;
    const heavyBack = (): number => {
      const mine = [...bench.site.data.issues.values()].filter(
        (x) => provenanceStep(x.properties) === `issue:${heavy.id}`,
      );
      return Math.max(0, ...mine.map((i) => i.comments.length));
    };
    let writesInRun = 0;
    const kills: Array<{ name: string; when: KillOnWrite }> = [
      { name: 'an issue create', when: (r) => r.method === 'POST' && /\/issue(\/bulk)?$/.test(path_(r)) },
      { name: 'an attachment upload', when: (r) => /\/attachments$/.test(path_(r)) },
      { name: 'a link create', when: (r) => /\/issueLink$/.test(path_(r)) },
      {
        name: 'a comment half-way through the issue with many',
        when: (r) => /\/comment$/.test(path_(r)) && heavyBack() >= heavyComments / 2,
      },
      { name: 'the tenth write of a run', when: () => ++writesInRun >= 10 },
    ];
    const landed: string[] = [];
    for (const k of kills) {
      const run = await runChild(args, k.when);
      if (!run.killed) {
        expect(run.code, run.out.slice(-2000)).toBe(0);
        break;
      }
      expect(run.signal, `${k.name}\n${run.out.slice(-2000)}`).toBe('SIGKILL');
      expect(run.report).toBeUndefined();
      landed.push(k.name);
    }

    const finished = await runChild(args);
    expect(finished.code, finished.out.slice(-3000)).toBe(0);
    const report = finished.report!;
    expect(report.failed).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.alreadyDone.length).toBeGreaterThan(0);
    for (const s of thePlan.steps) expect(report.outputs[s.id], s.id).toBeDefined();

    assertExactlyOnce(bench.site, thePlan, report);
    expect(landed).toContain('a comment half-way through the issue with many');
    expect(landed.length).toBeGreaterThanOrEqual(4);

    // A finished plan applied again: no writes at all, every step already done.
    const before = writesSoFar(bench.sim);
    const again = await runChild(args);
    expect(again.code, again.out.slice(-2000)).toBe(0);
    expect(again.report!.done).toEqual([]);
    expect(again.report!.reconciled).toEqual([]);
    expect(again.report!.alreadyDone).toHaveLength(thePlan.steps.length);
    expect(again.report!.writes).toBe(0);
    expect(writesSoFar(bench.sim) - before).toBe(0);
    assertExactlyOnce(bench.site, thePlan, again.report!);
  }, 300_000);
});

/** Every planned issue, comment, worklog, attachment and link is on the site exactly once. */
function assertExactlyOnce(site: Site, thePlan: RestorePlan, report: ApplyReport): void {
  const steps = (k: Step['kind']): Step[] => thePlan.steps.filter((s) => s.kind === k);

  // Issues: one issue per create step, found by its provenance.
  const issuesByStep = new Map<string, Issue[]>();
  for (const i of site.data.issues.values()) {
    const s = provenanceStep(i.properties);
    if (s) issuesByStep.set(s, [...(issuesByStep.get(s) ?? []), i]);
  }
  for (const s of steps('issue.create')) {
    expect(
      issuesByStep.get(s.id)?.map((i) => i.key),
      s.id,
    ).toHaveLength(1);
    expect(issuesByStep.get(s.id)![0]!.id).toBe(report.outputs[s.id]!.id);
  }
  const restored = new Map(steps('issue.create').map((s) => [s.issue ?? s.id.slice(6), report.outputs[s.id]!.id!]));
  const restoredIssue = (sourceIssue: string | undefined): Issue => site.data.issues.get(restored.get(sourceIssue!)!)!;

  // Comments and worklogs: the restored issues are new, so each holds exactly its planned ones;
  // and no provenance step id occurs twice.
  for (const [kind, list] of [
    ['comment.add', (i: Issue) => i.comments],
    ['worklog.add', (i: Issue) => i.worklogs],
  ] as const) {
    const planned = new Map<string, number>();
    for (const s of steps(kind)) planned.set(s.issue!, (planned.get(s.issue!) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const [src, n] of planned) {
      const items = list(restoredIssue(src)) as Array<{ properties: Map<string, unknown> }>;
      expect(items.length, `${kind} on the restored ${src}`).toBe(n);
      for (const it of items) {
        const st = provenanceStep(it.properties);
        if (st) seen.set(st, (seen.get(st) ?? 0) + 1);
      }
    }
    expect(
      [...seen].filter(([, n]) => n > 1),
      `${kind} duplicated`,
    ).toEqual([]);
    for (const s of steps(kind)) expect(seen.get(s.id) ?? 0, s.id).toBeLessThanOrEqual(1);
  }

  // Attachments: by file name and size on the restored issue.
  const plannedFiles = new Map<string, number>();
  for (const s of steps('attachment.upload')) {
    const k = JSON.stringify([s.issue, String(s.payload.filename), String(s.payload.size)]);
    plannedFiles.set(k, (plannedFiles.get(k) ?? 0) + 1);
  }
  for (const [k, n] of plannedFiles) {
    const [src, filename, size] = JSON.parse(k) as [string, string, string];
    const on = restoredIssue(src).attachmentIds.map((id) => site.data.attachments.get(id)!);
    expect(on.filter((a) => a.filename === filename && String(a.size) === size).length, k).toBe(n);
  }
  for (const src of new Set(steps('attachment.upload').map((s) => s.issue)))
    expect(restoredIssue(src).attachmentIds.length).toBe(
      steps('attachment.upload').filter((s) => s.issue === src).length,
    );

  // Links: by type and ends.
  const links = [...site.data.links.values()];
  for (const s of steps('link.create')) {
    const t = s.payload.type as Json | string;
    const typeId = typeof t === 'object' ? t.id : t;
    const typeName = typeof t === 'object' ? t.name : undefined;
    const inward = endOf(s.payload.inward, report.outputs);
    const outward = endOf(s.payload.outward, report.outputs);
    const same = links.filter(
      (l) =>
        l.inwardIssueId === inward &&
        l.outwardIssueId === outward &&
        (typeId !== undefined
          ? l.typeId === String(typeId)
          : site.data.issueLinkTypes.get(l.typeId)?.name === typeName),
    );
    expect(same.length, `${s.id} ${inward} → ${outward}`).toBe(1);
  }
}

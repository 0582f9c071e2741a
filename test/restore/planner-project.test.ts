/**
 * Planner, project mode: a whole project under a new key on the same site, and the same snapshot
 * into another site (`globex`) through suggested mappings, with every unmapped item a gap that
 * needs a decision; the mapping file round-trips.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TidemarkError } from '../../src/core/index.js';
import { assertDecided, readMappingFile, undecidedGaps, writeMappingFile } from '../../src/restore/mappings.js';
import { checkOrder, isRef, type Gap, type RestorePlan } from '../../src/restore/plan.js';
import { planRestore, renderPlanSummary } from '../../src/restore/planner/index.js';
import { plannerBench, type PlannerBench } from './planner-support.js';

type Json = Record<string, unknown>;

let pb: PlannerBench;
let devIssues: string[];

beforeAll(async () => {
  pb = await plannerBench();
  devIssues = pb.source
    .issues()
    .filter((e) => e.project === 'DEV')
    .map((e) => e.id);
}, 30_000);

describe('project into a new key (same site)', () => {
  let plan: RestorePlan;
  beforeAll(async () => {
    plan = await planRestore({
      source: pb.source,
      live: pb.live(),
      mode: { kind: 'project', project: 'DEV', targetKey: 'DEVR' },
      now: 0,
    });
  });

  it('creates the project, its components and versions first, then every issue in it', async () => {
    const projects = await pb.source.config('project');
    const dev = projects.find((p) => p.key === 'DEV')!;
    expect(plan.steps[0]!.kind).toBe('project.create');
    expect(plan.steps[0]!.payload.key).toBe('DEVR');
    const projectStep = plan.steps[0]!.id;
    expect(plan.steps.filter((s) => s.kind === 'component.create')).toHaveLength((dev.components as unknown[]).length);
    expect(plan.steps.filter((s) => s.kind === 'version.create')).toHaveLength((dev.versions as unknown[]).length);
    const creates = plan.steps.filter((s) => s.kind === 'issue.create');
    expect(creates.map((s) => s.issue).sort()).toEqual([...devIssues].sort());
    for (const s of creates) {
      expect(s.payload.project).toEqual({ $ref: projectStep });
      expect(s.deps).toContain(projectStep);
    }
    const firstIssue = plan.steps.findIndex((s) => s.kind === 'issue.create');
    const lastConfig = plan.steps.map((s) => s.kind).lastIndexOf('version.create');
    expect(lastConfig).toBeLessThan(firstIssue);
    expect(checkOrder(plan.steps)).toEqual([]);
    expect(plan.gaps).toEqual([]);
  });

  it('recreates sprints on their board (create → start → add → close) after the issues', () => {
    const sprints = plan.steps.filter((s) => s.kind === 'sprint.create');
    expect(sprints.length).toBeGreaterThan(0);
    const closed = plan.steps.filter((s) => s.kind === 'sprint.update' && s.payload.state === 'closed');
    for (const c of closed) {
      const adds = plan.steps.filter((s) => s.kind === 'sprint.add-issues' && c.deps.includes(s.id));
      expect(adds.length).toBeGreaterThan(0);
      for (const a of adds)
        for (const i of a.payload.issues as unknown[]) expect(isRef(i) && a.deps.includes(i.$ref)).toBe(true);
    }
    // Rank order comes last.
    expect(plan.steps[plan.steps.length - 1]!.kind).toBe('rank.order');
  });

  it('refuses the original key while it holds issues', async () => {
    await expect(
      planRestore({ source: pb.source, live: pb.live(), mode: { kind: 'project', project: 'DEV' }, now: 0 }),
    ).rejects.toThrow(/DEV is in use .* holds \d+ issue/);
  });
});

describe('into another site (globex)', () => {
  let plan: RestorePlan;
  beforeAll(async () => {
    plan = await planRestore({
      source: pb.source,
      live: pb.liveOn('globex'),
      mode: { kind: 'project', project: 'DEV' },
      now: 0,
    });
  });

  it('suggests mappings by name and lists unmapped users as gaps with their use counts', async () => {
    const globexUsers = (await pb.liveOn('globex').users()).map((u) => u.accountId);
    expect(plan.target.cloudId).toBe(pb.bench.siteNamed('globex').cloudId);
    const globex = pb.bench.siteNamed('globex');
    // Priorities and issue types are matched by name onto globex's own ids.
    for (const [from, to] of Object.entries(plan.mappings.priorities)) {
      const name = pb.bench.site.data.priorities.get(from)?.name;
      expect(globex.data.priorities.get(to)?.name).toBe(name);
    }
    const userGaps = plan.gaps.filter((g) => g.kind === 'users');
    expect(userGaps.length).toBeGreaterThan(0);
    for (const g of userGaps) {
      expect(g.usedBy).toBeGreaterThan(0);
      expect(globexUsers).not.toContain(g.sourceId);
    }
    expect(undecidedGaps(plan)).toEqual(plan.gaps);
    expect(() => assertDecided(plan)).toThrow(TidemarkError);
    try {
      assertDecided(plan);
    } catch (e) {
      for (const g of plan.gaps) expect((e as Error).message).toContain(g.sourceId);
    }
    expect(renderPlanSummary(plan)).toContain('UNDECIDED');
    expect(checkOrder(plan.steps)).toEqual([]);
  });

  it('lists a custom field the target lacks as a gap, and plans without gaps once each is decided', async () => {
    const field = 'customfield_10016';
    expect(plan.mappings.fields[field]).toBeDefined();
    const def = pb.bench.siteNamed('globex').data.fields.get(field)!;
    const name = def.name;
    def.name = 'Estimate (points)';
    try {
      const gapped = await planRestore({
        source: pb.source,
        live: pb.liveOn('globex'),
        mode: { kind: 'project', project: 'DEV' },
        now: 0,
      });
      const gap = gapped.gaps.find((g) => g.kind === 'fields' && g.sourceId === field)!;
      expect(gap.name).toBe(name);
      let using = 0;
      for await (const b of pb.source.issueBundles(devIssues))
        if (((b.issue.fields as Json)[field] ?? null) !== null) using += 1;
      expect(gap.usedBy).toBe(using);
      for (const s of gapped.steps.filter((x) => x.kind === 'issue.create'))
        expect(Object.keys(s.payload.fields as Json)).not.toContain(field);

      // The operator's decisions, through the mapping file.
      const dir = await mkdtemp(join(tmpdir(), 'tidemark-map-'));
      await writeMappingFile(join(dir, 'map.json'), gapped);
      const file = await readMappingFile(join(dir, 'map.json'));
      expect(file.gaps).toEqual(gapped.gaps);
      expect(file.mappings).toEqual(gapped.mappings);
      const globexUsers = new Set((await pb.liveOn('globex').users()).map((u) => u.accountId));
      const fallback = (await pb.liveOn('globex').myself()).accountId;
      const decisions: Gap[] = file.gaps.map((g) =>
        g.kind === 'users'
          ? { ...g, decision: { fallback } }
          : g.kind === 'fields'
            ? { ...g, decision: { map: def.id } }
            : { ...g, decision: { skip: true } },
      );
      const decided = await planRestore({
        source: pb.source,
        live: pb.liveOn('globex'),
        mode: { kind: 'project', project: 'DEV' },
        decisions,
        now: 0,
      });
      expect(undecidedGaps(decided)).toEqual([]);
      expect(() => assertDecided(decided)).not.toThrow();
      expect(decided.mappings.fields[field]).toBe(def.id);
      for (const s of decided.steps.filter((x) => x.kind === 'issue.create')) {
        const f = s.payload.fields as Json;
        for (const k of ['assignee', 'reporter'])
          if (f[k]) expect(globexUsers.has(String((f[k] as Json).accountId))).toBe(true);
      }
      expect(
        decided.steps.filter((x) => x.kind === 'issue.create').some((s) => field in (s.payload.fields as Json)),
      ).toBe(using > 0);
    } finally {
      def.name = name;
    }
  });

  it('chosen issues into another site: all created, links between them as Refs, a filter picks them', async () => {
    // Two DEV issues linked to each other in the snapshot.
    let pair: [string, string] | undefined;
    for await (const b of pb.source.issueBundles(devIssues)) {
      for (const l of ((b.issue.fields as Json).issuelinks ?? []) as Json[]) {
        const other = String(((l.outwardIssue ?? l.inwardIssue) as Json).key);
        if (!pair && other.startsWith('DEV-')) pair = [String(b.issue.key), other];
      }
    }
    expect(pair).toBeDefined();
    const devId = String((await pb.source.config('project')).find((x) => x.key === 'DEV')!.id);
    const unmapped = await planRestore({
      source: pb.source,
      live: pb.liveOn('globex'),
      mode: { kind: 'issues', keys: pair! },
      now: 0,
    });
    // DEV is not on globex: a gap, and nothing is created into thin air.
    expect(unmapped.gaps.find((g) => g.kind === 'projects')).toMatchObject({ sourceId: devId, usedBy: 2 });
    expect(unmapped.steps.filter((s) => s.kind === 'issue.create')).toEqual([]);
    const into = (await pb.liveOn('globex').projects()).find((x) => x.projectTypeKey === 'software')!;
    const p = await planRestore({
      source: pb.source,
      live: pb.liveOn('globex'),
      mode: { kind: 'issues', keys: pair! },
      mappings: { projects: { [devId]: into.id } },
      now: 0,
    });
    expect(p.gaps.filter((g) => g.kind === 'projects')).toEqual([]);
    const creates = p.steps.filter((s) => s.kind === 'issue.create');
    expect(creates).toHaveLength(2);
    const links = p.steps.filter(
      (s) => s.kind === 'link.create' && isRef(s.payload.inward) && isRef(s.payload.outward),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(l.deps.sort()).toEqual(creates.map((c) => c.id).sort());
    expect(checkOrder(p.steps)).toEqual([]);

    const byFilter = await planRestore({
      source: pb.source,
      live: pb.liveOn('globex'),
      mode: { kind: 'issues', filter: { projects: ['DEV'], issueTypes: ['Epic'] } },
      mappings: { projects: { [devId]: into.id } },
      now: 0,
    });
    const epics: string[] = [];
    for await (const b of pb.source.issueBundles(devIssues))
      if (((b.issue.fields as Json).issuetype as Json).name === 'Epic') epics.push(b.id);
    expect(epics.length).toBeGreaterThan(0);
    expect(
      byFilter.steps
        .filter((s) => s.kind === 'issue.create')
        .map((s) => s.issue)
        .sort(),
    ).toEqual(epics.sort());
  });

  it('refuses deleted-issues and field rollback into another site', async () => {
    await expect(
      planRestore({ source: pb.source, live: pb.liveOn('globex'), mode: { kind: 'deleted-issues' }, now: 0 }),
    ).rejects.toThrow(TidemarkError);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalJson, FakeClock } from '../../src/core/index.js';
import { createSimulator } from '../../src/simulator/create.js';
import { onWorldReseeded } from '../../src/simulator/control/world.js';
import { generateWorld, FIXED_ACCOUNT_IDS, GENERATION_END } from '../../src/simulator/generator/index.js';
import { dumpSite } from '../../src/simulator/world/dump.js';
import { findIssue } from '../../src/simulator/world/queries.js';
import type { JiraSimulator } from '../../src/simulator/simulator.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- control API answers are untyped JSON
type Json = any;

const T0 = GENERATION_END + 30 * 86_400_000;

function sim(seed = 3): JiraSimulator {
  return createSimulator({ seed, size: 'tiny', control: true, clock: new FakeClock(T0) });
}

async function call(
  s: JiraSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const res = await s.inProcessFetch(`http://sim.invalid/__sim${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('world control API', () => {
  it('is off unless the simulator is created with control', async () => {
    const s = createSimulator({ seed: 3, size: 'tiny' });
    expect((await call(s, 'GET', '/sites')).status).toBe(404);
    expect(s.world.sites.size).toBeGreaterThan(0);
    expect(createSimulator().world.sites.size).toBe(0);
  });

  it('lists sites with counts and accounts with their sites', async () => {
    const s = sim();
    const { status, json } = await call(s, 'GET', '/sites');
    expect(status).toBe(200);
    expect(json.sites.map((x: { name: string }) => x.name)).toEqual([...s.world.sites.values()].map((x) => x.name));
    const acme = [...s.world.sites.values()][0]!;
    expect(json.sites[0]).toMatchObject({
      cloudId: acme.cloudId,
      url: 'https://acme.atlassian.net',
      counts: { issues: acme.data.issues.size, projects: acme.data.projects.size },
    });
    const accounts = (await call(s, 'GET', '/accounts')).json.accounts as Array<{
      accountId: string;
      memberOf: string[];
      adminOf: string[];
    }>;
    const admin = accounts.find((a) => a.accountId === FIXED_ACCOUNT_IDS.demoAdmin)!;
    expect(admin.memberOf).toHaveLength(s.world.sites.size);
    expect(admin.adminOf).toHaveLength(s.world.sites.size);
    expect(accounts.find((a) => a.accountId === FIXED_ACCOUNT_IDS.demoUser)!.memberOf).toEqual([acme.cloudId]);
  });

  it('serves the ground truth of a site as canonical JSON', async () => {
    const s = sim();
    const site = [...s.world.sites.values()][1]!;
    const res = await s.inProcessFetch(`http://sim.invalid/__sim/ground-truth/${site.cloudId}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(canonicalJson(dumpSite(site, s.world.accounts)));
    expect((await call(s, 'GET', '/ground-truth/no-such-site')).status).toBe(404);
  });

  it('reseeds the world in place, identical to a generated world, and tells listeners', async () => {
    const s = sim();
    const world = s.world;
    const before = [...s.world.sites.keys()];
    let notified = 0;
    onWorldReseeded(s, () => notified++);
    const { status, json } = await call(s, 'POST', '/seed', { seed: 9, size: 'tiny' });
    expect(status).toBe(200);
    expect(s.world).toBe(world);
    expect(notified).toBe(1);
    expect(json.seed).toBe(9);
    const expected = generateWorld({ seed: 9, size: 'tiny' });
    expect([...s.world.sites.keys()]).toEqual([...expected.sites.keys()]);
    expect([...s.world.sites.keys()]).not.toEqual(before);
    const first = [...s.world.sites.values()][0]!;
    expect(canonicalJson(dumpSite(first, s.world.accounts))).toBe(
      canonicalJson(dumpSite([...expected.sites.values()][0]!, expected.accounts)),
    );
    expect(s.world.accounts.has(FIXED_ACCOUNT_IDS.demoAdmin)).toBe(true);
    expect((await call(s, 'POST', '/seed', { seed: 1.5, size: 'tiny' })).status).toBe(400);
    expect((await call(s, 'POST', '/seed', { seed: 1, size: 'gigantic' })).status).toBe(400);
  });

  it('applies explicit ops at the clock time and reports what changed', async () => {
    const s = sim();
    const site = [...s.world.sites.values()][0]!;
    const issues = [...site.data.issues.values()].filter(
      (i) => i.projectId === [...site.data.projects.values()].find((p) => p.key === 'DEV')!.id,
    );
    const target =
      issues.find((i) => i.comments.length > 1 && i.worklogs.length > 0) ?? issues.find((i) => i.comments.length > 1)!;
    const moved = issues.find(
      (i) =>
        i !== target && !i.fields.parent && site.data.issueTypes.get(String(i.fields.issuetype))!.hierarchyLevel === 0,
    )!;
    const doomed = issues.find((i) => i !== target && i !== moved && i.linkIds.length === 0)!;
    const oldKey = moved.key;
    const status = site.data.statuses.get(String(target.fields.status))!;
    const ops: unknown[] = [
      { op: 'edit', issue: target.key, fields: { summary: 'Edited through /__sim/mutate' } },
      { op: 'comment-add', issue: target.key, body: 'A new comment' },
      { op: 'comment-edit', issue: target.key, comment: target.comments[0]!.id, body: 'Changed first comment' },
      { op: 'comment-delete', issue: target.key, comment: target.comments[1]!.id },
      { op: 'attachment-add', issue: target.key, filename: 'notes.txt', text: 'hello' },
      { op: 'issue-move', issue: moved.key, project: 'TEAM' },
      { op: 'issue-delete', issue: doomed.key, deleteSubtasks: true },
      { op: 'config-change', kind: 'status-rename', id: status.id, name: 'Renamed status' },
    ];
    if (target.worklogs.length > 0)
      ops.push({ op: 'worklog-delete', issue: target.key, worklog: target.worklogs[0]!.id });
    const { status: code, json } = await call(s, 'POST', '/mutate', { cloudId: site.cloudId, ops });
    expect(code).toBe(200);
    expect(json.at).toBe(T0);
    expect(json.applied.map((a: { op: string }) => a.op)).toEqual(ops.map((o) => (o as { op: string }).op));
    expect(target.fields.summary).toBe('Edited through /__sim/mutate');
    expect(target.updated).toBe(T0);
    expect(target.comments.at(-1)!.created).toBe(T0);
    expect(json.applied[1].commentId).toBe(target.comments.at(-1)!.id);
    expect(json.applied[4].size).toBe(5);
    expect(json.applied[5]).toMatchObject({ fromKey: oldKey, key: moved.key });
    expect(moved.key.startsWith('TEAM-')).toBe(true);
    expect(findIssue(site, oldKey)).toBe(moved);
    expect(site.data.issues.has(doomed.id)).toBe(false);
    expect(status.name).toBe('Renamed status');
    const truth = (await call(s, 'GET', `/ground-truth/${site.cloudId}`)).json;
    const dumped = truth.issues.find((i: { id: string }) => i.id === target.id);
    expect(dumped.fields.summary).toBe('Edited through /__sim/mutate');
    expect(
      dumped.attachments.some((a: { filename: string; size: number }) => a.filename === 'notes.txt' && a.size === 5),
    ).toBe(true);
  });

  it('stops at the first failing op with the Jira error and what was applied', async () => {
    const s = sim();
    const site = [...s.world.sites.values()][0]!;
    const issue = [...site.data.issues.values()][0]!;
    const { status, json } = await call(s, 'POST', '/mutate', {
      cloudId: site.cloudId,
      ops: [
        { op: 'comment-add', issue: issue.key, body: 'fine' },
        { op: 'edit', issue: issue.key, fields: { status: '3' } },
        { op: 'comment-add', issue: issue.key, body: 'never' },
      ],
    });
    expect(status).toBe(400);
    expect(json.failedOp).toBe(1);
    expect(json.applied).toHaveLength(1);
    expect(json.error.status).toBe(400);
    expect(json.error.body.errors.status).toMatch(/cannot be set/);
    expect(issue.comments.at(-1)!.body.content[0]!.content![0]!.text).toBe('fine');
    expect((await call(s, 'POST', '/mutate', { cloudId: site.cloudId, ops: [{ op: 'frobnicate' }] })).status).toBe(400);
    expect((await call(s, 'POST', '/mutate', { cloudId: 'nope', ops: [] })).status).toBe(404);
    expect((await call(s, 'POST', '/mutate', { cloudId: site.cloudId })).status).toBe(400);
  });

  it('applies a deterministic random mix', async () => {
    const a = sim();
    const b = sim();
    const cloudId = [...a.world.sites.keys()][0]!;
    const ra = await call(a, 'POST', '/mutate', { cloudId, random: { seed: 77, count: 40 } });
    const rb = await call(b, 'POST', '/mutate', { cloudId, random: { seed: 77, count: 40 } });
    expect(ra.status).toBe(200);
    expect(ra.json).toEqual(rb.json);
    expect(ra.json.applied).toHaveLength(40);
    expect(new Set(ra.json.applied.map((x: { op: { op: string } }) => x.op.op)).size).toBeGreaterThanOrEqual(5);
    const ga = await a.inProcessFetch(`http://sim.invalid/__sim/ground-truth/${cloudId}`);
    const gb = await b.inProcessFetch(`http://sim.invalid/__sim/ground-truth/${cloudId}`);
    expect(await ga.text()).toBe(await gb.text());
    // The applied ops replay: the same ops as explicit ops on a fresh simulator give the same site.
    const c = sim();
    for (const { op, actorId } of ra.json.applied) {
      const r = await call(c, 'POST', '/mutate', { cloudId, actor: actorId, ops: [op] });
      expect(r.status).toBe(200);
    }
    const gc = await c.inProcessFetch(`http://sim.invalid/__sim/ground-truth/${cloudId}`);
    expect(await gc.text()).toBe(
      await (await a.inProcessFetch(`http://sim.invalid/__sim/ground-truth/${cloudId}`)).text(),
    );
    const other = await call(sim(), 'POST', '/mutate', { cloudId, random: { seed: 78, count: 40 } });
    expect(other.json).not.toEqual(ra.json);
  });
});

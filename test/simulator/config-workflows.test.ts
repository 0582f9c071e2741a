/**
 * Behaviour of status, workflow (new API) and workflow scheme reads.
 */
import { describe, expect, it } from 'vitest';
import { allPages, call, harness, type Body } from './config-harness.js';
import { ADMIN, ALICE, BOB } from '../support/fixture-config.js';

const A = '/rest/api/3';
const h = harness();
type J = Body;
const ids = (list: J[]): string[] => list.map((x) => String(x.id));

describe('statuses', () => {
  const SEARCH = `GET ${A}/statuses/search`;

  it('searches global statuses, or one project’s statuses, with the new status shape', async () => {
    const global = await call(h, { op: SEARCH, path: `${A}/statuses/search`, as: ADMIN });
    expect(ids(global.body.values)).toEqual(['10000', '10001', '10002', '10003', '10004', '10005']);
    expect(global.body.maxResults).toBe(200);
    expect(global.body.values[1]).toEqual({
      id: '10001',
      name: 'In Progress',
      description: 'In Progress status',
      statusCategory: 'IN_PROGRESS',
      scope: { type: 'GLOBAL' },
    });
    const team = await call(h, { op: SEARCH, path: `${A}/statuses/search?projectId=10002`, as: ADMIN });
    expect(team.body.values).toEqual([
      expect.objectContaining({ id: '10010', scope: { type: 'PROJECT', project: { id: '10002' } } }),
    ]);
  });

  it('filters by category and name, pages, and caps at 200', async () => {
    const done = await call(h, { op: SEARCH, path: `${A}/statuses/search?statusCategory=DONE`, as: ADMIN });
    expect(ids(done.body.values)).toEqual(['10002']);
    const text = await call(h, { op: SEARCH, path: `${A}/statuses/search?searchString=REVIEW`, as: ADMIN });
    expect(ids(text.body.values)).toEqual(['10003']);
    const pages = await allPages(h, { op: SEARCH, path: `${A}/statuses/search?maxResults=4`, as: ADMIN });
    expect(pages.map((p) => p.body.values.length)).toEqual([4, 2]);
    const capped = await call(h, { op: SEARCH, path: `${A}/statuses/search?maxResults=9999`, as: ADMIN });
    expect(capped.body.maxResults).toBe(200);
  });

  it('lets project administrators search, and refuses other users with 401', async () => {
    const alice = await call(h, { op: SEARCH, path: `${A}/statuses/search?projectId=10002`, as: ALICE });
    expect(ids(alice.body.values)).toEqual(['10010']);
    const r = await call(h, { op: SEARCH, path: `${A}/statuses/search`, as: BOB });
    expect(r.status).toBe(401);
  });

  it('reads statuses by id in the order asked', async () => {
    const r = await call(h, { op: `GET ${A}/statuses`, path: `${A}/statuses?id=10010&id=10000&id=99999`, as: ADMIN });
    expect(ids(r.body)).toEqual(['10010', '10000']);
    const many = Array.from({ length: 51 }, (_, i) => `id=${10000 + i}`).join('&');
    expect((await call(h, { op: `GET ${A}/statuses`, path: `${A}/statuses?${many}`, as: ADMIN })).status).toBe(400);
  });

  it('lists the statuses of active workflows in viewable projects, with their categories', async () => {
    const r = await call(h, { op: `GET ${A}/status`, path: `${A}/status`, as: BOB });
    expect(ids(r.body).sort()).toEqual(['10000', '10001', '10002', '10003', '10004', '10010']);
    expect(r.body.find((s: J) => s.id === '10002').statusCategory).toMatchObject({ key: 'done', colorName: 'green' });
    const cats = await call(h, { op: `GET ${A}/statuscategory`, path: `${A}/statuscategory`, as: BOB });
    expect(cats.body.map((c: J) => c.key)).toEqual(['undefined', 'new', 'indeterminate', 'done']);
  });
});

describe('workflows (new API)', () => {
  const READ = `POST ${A}/workflows`;
  const SEARCH = `GET ${A}/workflows/search`;

  it('reads workflows by id, name and project + issue type, with their statuses once', async () => {
    const r = await call(h, {
      op: READ,
      path: `${A}/workflows`,
      as: ADMIN,
      body: {
        workflowIds: ['10002'],
        workflowNames: ['Retired Workflow', 'No such workflow'],
        projectAndIssueTypes: [
          { projectId: '10000', issueTypeId: '10002' },
          { projectId: '10000', issueTypeId: '10003' },
        ],
      },
    });
    expect(r.body.workflows.map((w: J) => w.name)).toEqual([
      'Software Simplified Workflow',
      'Bug Workflow',
      'Business Workflow',
      'Retired Workflow',
    ]);
    const statusRefs = r.body.statuses.map((s: J) => s.statusReference);
    expect(new Set(statusRefs).size).toBe(statusRefs.length);
    for (const s of r.body.statuses) expect(s.statusReference).toBe(s.id);
    for (const w of r.body.workflows) {
      const refs = new Set(w.statuses.map((s: J) => s.statusReference));
      for (const ref of refs) expect(statusRefs).toContain(ref);
      for (const t of w.transitions) {
        expect(refs.has(t.toStatusReference)).toBe(true);
        for (const link of t.links) expect(refs.has(link.fromStatusReference)).toBe(true);
      }
    }
  });

  it('renders transitions with their types, sources and transition screens', async () => {
    const r = await call(h, { op: READ, path: `${A}/workflows`, as: ADMIN, body: { workflowIds: ['10000'] } });
    const w = r.body.workflows[0];
    expect(w).toMatchObject({ id: '10000', scope: { type: 'GLOBAL' }, version: { versionNumber: 3 } });
    expect(w.version.id).toMatch(/^[0-9a-f-]{36}$/);
    const byName = Object.fromEntries(w.transitions.map((t: J) => [t.name, t]));
    expect(byName.Create).toMatchObject({ type: 'INITIAL', toStatusReference: '10004', links: [] });
    expect(byName['To Do']).toMatchObject({ type: 'GLOBAL', links: [] });
    expect(byName.Start.links.map((l: J) => l.fromStatusReference)).toEqual(['10000', '10004']);
    expect(byName.Done.transitionScreen).toEqual({
      ruleKey: 'system:transition-screen',
      parameters: { screenId: '2' },
    });
  });

  it('shows project administrators only the workflows of their team-managed projects', async () => {
    const r = await call(h, {
      op: READ,
      path: `${A}/workflows`,
      as: ALICE,
      body: { workflowNames: ['Software Simplified Workflow', 'TEAM workflow'] },
    });
    expect(r.body.workflows.map((w: J) => w.name)).toEqual(['TEAM workflow']);
    expect(r.body.workflows[0].scope).toEqual({ type: 'PROJECT', project: { id: '10002' } });
  });

  it('searches workflows: transitions only with the expand, by scope, activity and name', async () => {
    const plain = await call(h, { op: SEARCH, path: `${A}/workflows/search`, as: ADMIN });
    expect(plain.body.total).toBe(5);
    expect(plain.body.values.every((w: J) => !('transitions' in w))).toBe(true);
    const expanded = await call(h, { op: SEARCH, path: `${A}/workflows/search?expand=values.transitions`, as: ADMIN });
    expect(expanded.body.values.every((w: J) => Array.isArray(w.transitions))).toBe(true);
    const project = await call(h, { op: SEARCH, path: `${A}/workflows/search?scope=PROJECT`, as: ADMIN });
    expect(project.body.values.map((w: J) => w.name)).toEqual(['TEAM workflow']);
    const inactive = await call(h, { op: SEARCH, path: `${A}/workflows/search?isActive=false`, as: ADMIN });
    expect(inactive.body.values.map((w: J) => w.name)).toEqual(['Retired Workflow']);
    const named = await call(h, {
      op: SEARCH,
      path: `${A}/workflows/search?queryString=flow&orderBy=-name`,
      as: ADMIN,
    });
    expect(named.body.values.map((w: J) => w.name)).toEqual([
      'TEAM workflow',
      'Software Simplified Workflow',
      'Retired Workflow',
      'Business Workflow',
      'Bug Workflow',
    ]);
  });

  it('pages search results, each page listing the statuses of its own workflows', async () => {
    const pages = await allPages(h, { op: SEARCH, path: `${A}/workflows/search?maxResults=2`, as: ADMIN });
    expect(pages.map((p) => p.body.values.length)).toEqual([2, 2, 1]);
    for (const p of pages) {
      const used = new Set(p.body.values.flatMap((w: J) => w.statuses.map((s: J) => s.statusReference)));
      expect(new Set(p.body.statuses.map((s: J) => s.statusReference))).toEqual(used);
    }
  });
});

describe('workflow schemes', () => {
  it('lists schemes and reads one, naming workflows', async () => {
    const list = await call(h, { op: `GET ${A}/workflowscheme`, path: `${A}/workflowscheme`, as: ADMIN });
    expect(list.body.values.map((s: J) => s.id)).toEqual([10000, 10001, 10002]);
    const one = await call(h, { op: `GET ${A}/workflowscheme/{id}`, path: `${A}/workflowscheme/10000`, as: ADMIN });
    expect(one.body).toMatchObject({
      id: 10000,
      defaultWorkflow: 'Software Simplified Workflow',
      issueTypeMappings: { '10002': 'Bug Workflow' },
      draft: false,
    });
  });

  it('reads schemes by project with workflow ids, versions and scopes', async () => {
    const r = await call(h, {
      op: `POST ${A}/workflowscheme/read`,
      path: `${A}/workflowscheme/read`,
      as: ADMIN,
      body: { projectIds: ['10000', '10004', '10002'] },
    });
    expect(r.body.map((s: J) => s.id)).toEqual(['10000', '10002']);
    expect(r.body[0]).toMatchObject({
      scope: { type: 'GLOBAL' },
      defaultWorkflow: { id: '10000', name: 'Software Simplified Workflow', version: { versionNumber: 3 } },
      workflowsForIssueTypes: [{ issueTypeIds: ['10002'], workflow: { id: '10001', name: 'Bug Workflow' } }],
    });
    expect(r.body[1].scope).toEqual({ type: 'PROJECT', project: { id: '10002' } });
    const alice = await call(h, {
      op: `POST ${A}/workflowscheme/read`,
      path: `${A}/workflowscheme/read`,
      as: ALICE,
      body: { workflowSchemeIds: ['10000', '10002'] },
    });
    expect(alice.body.map((s: J) => s.id)).toEqual(['10002']);
  });

  it('associates company-managed projects with their schemes, ignoring team-managed ones', async () => {
    const r = await call(h, {
      op: `GET ${A}/workflowscheme/project`,
      path: `${A}/workflowscheme/project?projectId=10000&projectId=10004&projectId=10001&projectId=10002`,
      as: ADMIN,
    });
    expect(r.body.values.map((v: J) => [v.workflowScheme.id, v.projectIds])).toEqual([
      [10000, ['10000', '10004']],
      [10001, ['10001']],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/create.js';
import { emitSiteEvent } from '../../src/simulator/world/events.js';
import {
  agileFixture,
  ALICE,
  BOB,
  contractErrors,
  DAVE,
  RANK_ORDER,
  SPRINT_FIELD,
  VIC,
  type Json,
} from '../support/fixture-agile.js';
import { REQUIRED_OPERATIONS } from './required-operations.js';

const A = '/rest/agile/1.0';

type Page = {
  maxResults: number;
  startAt: number;
  total?: number;
  isLast: boolean;
  values: Array<Record<string, unknown>>;
};
type Issues = {
  startAt: number;
  maxResults: number;
  total: number;
  issues: Array<{ key: string; self: string; fields: Record<string, unknown> }>;
};

const keysOf = (body: unknown): string[] => (body as Issues).issues.map((i) => i.key);
const inRankOrder = (keys: string[]): string[] =>
  [...keys].sort((a, b) => RANK_ORDER.indexOf(a) - RANK_ORDER.indexOf(b));

describe('route table', () => {
  it('registers every Agile, JSM and webhook operation the issue requires', () => {
    const keys = new Set(createSimulator().routes.keys());
    const mine = [...REQUIRED_OPERATIONS.agile!, ...REQUIRED_OPERATIONS.serviceDesk!, ...REQUIRED_OPERATIONS.webhooks!];
    expect(mine.filter((k) => !keys.has(k))).toEqual([]);
  });
});

describe('GET /rest/agile/1.0/board', () => {
  const route = `${A}/board`;

  it('lists the boards the caller can view, in an Agile page', async () => {
    const f = agileFixture();
    const res = await f.call('GET', route);
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    const page = res.body as Page;
    expect(page.values.map((b) => b.id)).toEqual([1, 2, 3]);
    expect(page).toMatchObject({ startAt: 0, maxResults: 50, total: 3, isLast: true });
    expect(page.values[0]).toMatchObject({
      name: 'SCRUM board',
      type: 'scrum',
      isPrivate: false,
      location: { projectId: 10001, projectKey: 'SCRUM', displayName: 'Scrum team (SCRUM)' },
    });
  });

  it('hides boards whose filter the caller cannot see, and appends them as private on includePrivate', async () => {
    const f = agileFixture();
    const plain = await f.call('GET', route, { as: BOB });
    expect((plain.body as Page).values.map((b) => b.id)).toEqual([1, 2]);
    const withPrivate = await f.call('GET', `${route}?includePrivate=true`, { as: BOB });
    expect(contractErrors('GET', route, withPrivate)).toEqual([]);
    const values = (withPrivate.body as Page).values;
    expect(values.map((b) => b.id)).toEqual([1, 2, 3]);
    expect(values[2]).toMatchObject({ id: 3, isPrivate: true });
    expect(values[2]).not.toHaveProperty('name');
    expect(values[2]).not.toHaveProperty('type');
    // Someone without access to the project learns nothing.
    const dave = await f.call('GET', `${route}?includePrivate=true`, { as: DAVE });
    expect((dave.body as Page).values).toEqual([]);
  });

  it('filters by type, name, project and filter id', async () => {
    const f = agileFixture();
    const ids = async (q: string) => ((await f.call('GET', `${route}?${q}`)).body as Page).values.map((b) => b.id);
    expect(await ids('type=kanban')).toEqual([2]);
    expect(await ids('type=scrum,kanban')).toEqual([1, 2, 3]);
    expect(await ids('name=kan')).toEqual([2]);
    expect(await ids('projectKeyOrId=KAN')).toEqual([2]);
    expect(await ids('projectKeyOrId=10001')).toEqual([1, 3]);
    expect(await ids('filterId=10000')).toEqual([1]);
    // Names: 1 "SCRUM board", 2 "KAN board", 3 "Alice's board".
    expect(await ids('orderBy=name')).toEqual([3, 2, 1]);
    expect(await ids('orderBy=-name')).toEqual([1, 2, 3]);
  });

  it('pages and caps maxResults silently', async () => {
    const f = agileFixture();
    const first = (await f.call('GET', `${route}?maxResults=2`)).body as Page;
    expect(first).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false });
    expect(first.values).toHaveLength(2);
    const second = (await f.call('GET', `${route}?maxResults=2&startAt=2`)).body as Page;
    expect(second).toMatchObject({ startAt: 2, isLast: true });
    expect(second.values.map((b) => b.id)).toEqual([3]);
    expect(((await f.call('GET', `${route}?maxResults=1000`)).body as Page).maxResults).toBe(50);
  });

  it('answers 400 for an unknown project, board type or a bad number', async () => {
    const f = agileFixture();
    for (const q of ['projectKeyOrId=NOPE', 'type=huge', 'startAt=x', 'maxResults=-1']) {
      const res = await f.call('GET', `${route}?${q}`);
      expect(res.status).toBe(400);
      expect(contractErrors('GET', route, res)).toEqual([]);
    }
  });
});

describe('GET /rest/agile/1.0/board/{boardId}', () => {
  const route = `${A}/board/{boardId}`;
  it('returns a visible board, 404 for invisible or unknown boards, 400 for a bad id', async () => {
    const f = agileFixture();
    const ok = await f.call('GET', `${A}/board/2?expand=admins,permissions`);
    expect(ok.status).toBe(200);
    expect(contractErrors('GET', route, ok)).toEqual([]);
    expect(ok.body).toMatchObject({ id: 2, name: 'KAN board', type: 'kanban', canEdit: true });
    expect(
      (ok.body as { admins: { users: Array<{ accountId: string }> } }).admins.users.map((u) => u.accountId),
    ).toEqual([ALICE]);
    for (const [path, as, status] of [
      [`${A}/board/3`, BOB, 404],
      [`${A}/board/99`, ALICE, 404],
      [`${A}/board/1`, DAVE, 404],
      [`${A}/board/abc`, ALICE, 400],
    ] as const) {
      const res = await f.call('GET', path, { as });
      expect(res.status).toBe(status);
      expect(contractErrors('GET', route, res)).toEqual([]);
    }
  });
});

describe('GET /rest/agile/1.0/board/{boardId}/configuration', () => {
  const route = `${A}/board/{boardId}/configuration`;
  it('describes filter, columns, estimation and ranking of a scrum board', async () => {
    const f = agileFixture();
    const res = await f.call('GET', `${A}/board/1/configuration`);
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    const body = res.body as Record<string, Json>;
    expect(body.filter.id).toBe('10000');
    expect(body.location).toEqual({ type: 'project', projectKeyOrId: 'SCRUM' });
    expect(body.columnConfig.constraintType).toBe('issueCount');
    expect(body.columnConfig.columns.map((c: { name: string }) => c.name)).toEqual(['To Do', 'In Progress', 'Done']);
    expect(body.columnConfig.columns[1]).toMatchObject({ min: 1, max: 4, statuses: [{ id: '3' }] });
    expect(body.estimation).toEqual({
      type: 'field',
      field: { fieldId: 'customfield_10016', displayName: 'Story point estimate' },
    });
    expect(body.ranking).toEqual({ rankCustomFieldId: 10019 });
    expect(body).not.toHaveProperty('subQuery');
  });

  it('has a subQuery and no estimation on a kanban board; 404 when invisible', async () => {
    const f = agileFixture();
    const res = await f.call('GET', `${A}/board/2/configuration`);
    const body = res.body as Record<string, Json>;
    expect(body.subQuery).toEqual({ query: 'fixVersion in unreleasedVersions() OR fixVersion is EMPTY' });
    expect(body).not.toHaveProperty('estimation');
    const hidden = await f.call('GET', `${A}/board/3/configuration`, { as: BOB });
    expect(hidden.status).toBe(404);
    expect(contractErrors('GET', route, hidden)).toEqual([]);
  });
});

describe('GET /rest/agile/1.0/board/{boardId}/sprint', () => {
  const route = `${A}/board/{boardId}/sprint`;
  it('lists sprints closed, then active, then future, with ISO dates', async () => {
    const f = agileFixture();
    const res = await f.call('GET', `${A}/board/1/sprint`);
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    const page = res.body as Page;
    expect(page.values.map((s) => [s.id, s.state])).toEqual([
      [1, 'closed'],
      [2, 'active'],
      [3, 'future'],
      [4, 'future'],
    ]);
    expect(page.values[0]).toMatchObject({
      name: 'Sprint 1',
      originBoardId: 1,
      goal: 'Ship the login page',
      startDate: '2026-10-27T09:00:00.000Z',
      completeDate: '2026-11-10T10:00:00.000Z',
    });
    expect(page.values[3]).not.toHaveProperty('startDate');
    expect(page).not.toHaveProperty('total');
  });

  it('filters by state and rejects unknown states and kanban boards', async () => {
    const f = agileFixture();
    const res = await f.call('GET', `${A}/board/1/sprint?state=future,active`);
    expect((res.body as Page).values.map((s) => s.id)).toEqual([2, 3, 4]);
    const paged = (await f.call('GET', `${A}/board/1/sprint?maxResults=1&startAt=1`)).body as Page;
    expect(paged).toMatchObject({ startAt: 1, maxResults: 1, isLast: false });
    expect(paged.values.map((s) => s.id)).toEqual([2]);
    for (const path of [`${A}/board/1/sprint?state=open`, `${A}/board/2/sprint`]) {
      const bad = await f.call('GET', path);
      expect(bad.status).toBe(400);
      expect(contractErrors('GET', route, bad)).toEqual([]);
    }
    const missing = await f.call('GET', `${A}/board/9/sprint`);
    expect(missing.status).toBe(404);
    expect(contractErrors('GET', route, missing)).toEqual([]);
  });

  it('lists the sprints of a team-managed (simple) board', async () => {
    const f = agileFixture();
    f.site.data.boards.get(1)!.type = 'simple';
    const res = await f.call('GET', `${A}/board/1/sprint`);
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    expect((res.body as Page).values.map((s) => s.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('board issues and backlog', () => {
  it('returns the board filter issues in rank order, as SearchResults', async () => {
    const f = agileFixture();
    const route = `${A}/board/{boardId}/issue`;
    const res = await f.call('GET', `${A}/board/1/issue`);
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    const scrum = RANK_ORDER.filter((k) => k.startsWith('SCRUM-'));
    expect(keysOf(res.body)).toEqual(scrum);
    expect(res.body).toMatchObject({ startAt: 0, total: 8 });
  });

  it('narrows with the jql parameter and rejects bad JQL', async () => {
    const f = agileFixture();
    const route = `${A}/board/{boardId}/issue`;
    const todo = await f.call(
      'GET',
      `${A}/board/1/issue?jql=${encodeURIComponent('status = "To Do" AND issuetype = Story')}`,
    );
    expect(keysOf(todo.body)).toEqual(inRankOrder(['SCRUM-4', 'SCRUM-5', 'SCRUM-8']));
    const ordered = await f.call(
      'GET',
      `${A}/board/1/issue?jql=${encodeURIComponent('sprint in openSprints() ORDER BY key DESC')}`,
    );
    expect(keysOf(ordered.body)).toEqual(['SCRUM-4', 'SCRUM-3', 'SCRUM-2']);
    const bad = await f.call('GET', `${A}/board/1/issue?jql=${encodeURIComponent('status = (')}`);
    expect(bad.status).toBe(400);
    expect(contractErrors('GET', route, bad)).toEqual([]);
  });

  it('evaluates filters and jql with the shared search engine: its JQL subset, wording and index lag', async () => {
    const f = agileFixture();
    const route = `${A}/board/{boardId}/issue`;
    const q = (jql: string) => `${A}/board/1/issue?jql=${encodeURIComponent(jql)}`;
    // Clauses and functions the webhook subset does not have (text search, dates, ORDER BY rank DESC).
    const text = await f.call('GET', q('summary ~ "SCRUM" AND created <= now() ORDER BY rank DESC'));
    expect(text.status).toBe(200);
    expect(keysOf(text.body)).toEqual(RANK_ORDER.filter((k) => k.startsWith('SCRUM-')).reverse());
    const unknown = await f.call('GET', q('nosuchfield = 1'));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      errorMessages: ["Field 'nosuchfield' does not exist or you do not have permission to view it."],
    });
    expect(contractErrors('GET', route, unknown)).toEqual([]);
    // A change reaches the board when the search index has it, as in /search/jql.
    f.sim.settings.indexLagMs = 60_000;
    const issue = f.issue('SCRUM-5');
    const before = keysOf((await f.call('GET', q('status = Done'))).body);
    const done = [...f.site.data.statuses.values()].find((s) => s.name === 'Done')!;
    const from = String(issue.fields.status);
    issue.fields.status = done.id;
    emitSiteEvent(f.site, { type: 'issue_updated', at: f.clock.now(), actorId: ALICE, issue });
    expect(keysOf((await f.call('GET', q('status = Done'))).body)).toEqual(before);
    f.clock.advance(60_000);
    expect(keysOf((await f.call('GET', q('status = Done'))).body)).toContain('SCRUM-5');
    issue.fields.status = from;
  });

  it('backlog: board issues in no open sprint and not in the done column', async () => {
    const f = agileFixture();
    const route = `${A}/board/{boardId}/backlog`;
    const res = await f.call('GET', `${A}/board/1/backlog`);
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    // SCRUM-1 (closed sprint, done) and SCRUM-6 (done) are excluded; SCRUM-2..4 are in open sprints.
    expect(keysOf(res.body)).toEqual(inRankOrder(['SCRUM-5', 'SCRUM-7', 'SCRUM-8']));
    const kanban = await f.call('GET', `${A}/board/2/backlog`);
    expect(keysOf(kanban.body)).toEqual(inRankOrder(['KAN-1', 'KAN-2']));
    const hidden = await f.call('GET', `${A}/board/3/backlog`, { as: BOB });
    expect(hidden.status).toBe(404);
    expect(contractErrors('GET', route, hidden)).toEqual([]);
  });

  it('shows only issues the caller can browse, with a private board showing only its filter', async () => {
    const f = agileFixture();
    // Board 3's filter is "assignee = currentUser()": alice sees her own issue only.
    expect(keysOf((await f.call('GET', `${A}/board/3/issue`)).body)).toEqual(['SCRUM-8']);
    const vic = await f.call('GET', `${A}/board/1/issue`, { as: VIC });
    expect((vic.body as Issues).total).toBe(8);
  });

  it('renders Agile issue beans in the v2 representation with the Agile fields', async () => {
    const f = agileFixture();
    const res = await f.call('GET', `${A}/board/1/issue`);
    const byKey = new Map((res.body as Issues).issues.map((i) => [i.key, i]));
    const two = byKey.get('SCRUM-2')!;
    expect(two.self).toMatch(/\/rest\/agile\/1\.0\/issue\/10002$/);
    expect(two.fields.sprint).toMatchObject({ id: 2, state: 'active', name: 'Sprint 2' });
    expect((two.fields.closedSprints as Array<{ id: number }>).map((s) => s.id)).toEqual([1]);
    expect((two.fields[SPRINT_FIELD] as Array<{ id: number; state: string }>).map((s) => [s.id, s.state])).toEqual([
      [1, 'closed'],
      [2, 'active'],
    ]);
    expect(two.fields.description).toBe('Description of SCRUM-2\n\nSecond paragraph');
    expect((two.fields.project as { self: string }).self).toMatch(/\/rest\/api\/2\/project\/10001$/);
    expect(two.fields.flagged).toBe(false);
    expect(byKey.get('SCRUM-8')!.fields.epic).toMatchObject({ key: 'SCRUM-7', name: 'SCRUM-7 summary', done: false });
    expect(byKey.get('SCRUM-5')!.fields.sprint).toBeNull();
  });

  it('returns only the requested fields and pages issues', async () => {
    const f = agileFixture();
    const res = await f.call('GET', `${A}/board/1/issue?fields=summary,sprint&maxResults=3&startAt=1`);
    const body = res.body as Issues;
    expect(body).toMatchObject({ startAt: 1, maxResults: 3, total: 8 });
    expect(body.issues.map((i) => i.key)).toEqual(RANK_ORDER.slice(1, 4));
    expect(body.issues.every((i) => Object.keys(i.fields).sort().join() === 'sprint,summary')).toBe(true);
  });
});

describe('board properties, sprints and sprint issues', () => {
  it('lists board property keys', async () => {
    const f = agileFixture();
    const route = `${A}/board/{boardId}/properties`;
    const res = await f.call('GET', `${A}/board/1/properties`);
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    expect((res.body as { keys: Array<{ key: string; self: string }> }).keys).toEqual([
      { key: 'board.color', self: expect.stringMatching(/\/board\/1\/properties\/board\.color$/) },
    ]);
    for (const [path, status] of [
      [`${A}/board/x/properties`, 400],
      [`${A}/board/77/properties`, 404],
    ] as const) {
      const res2 = await f.call('GET', path);
      expect(res2.status).toBe(status);
      expect(contractErrors('GET', route, res2)).toEqual([]);
    }
  });

  it('reads a board property value; 404 for an unknown key or a board the caller cannot view', async () => {
    const f = agileFixture();
    const route = `${A}/board/{boardId}/properties/{propertyKey}`;
    const res = await f.call('GET', `${A}/board/1/properties/board.color`);
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    expect(res.body).toEqual({ key: 'board.color', value: 'blue' });
    for (const path of [`${A}/board/1/properties/board.size`, `${A}/board/77/properties/board.color`]) {
      const missing = await f.call('GET', path);
      expect(missing.status).toBe(404);
      expect(contractErrors('GET', route, missing)).toEqual([]);
    }
  });

  it('GET /sprint/{id}: visible through the board or an issue; 404 otherwise', async () => {
    const f = agileFixture();
    const route = `${A}/sprint/{sprintId}`;
    const res = await f.call('GET', `${A}/sprint/2`, { as: VIC });
    expect(res.status).toBe(200);
    expect(contractErrors('GET', route, res)).toEqual([]);
    expect(res.body).toMatchObject({ id: 2, state: 'active', endDate: '2026-11-24T09:00:00.000Z' });
    for (const [path, as] of [
      [`${A}/sprint/2`, DAVE],
      [`${A}/sprint/42`, ALICE],
    ] as const) {
      const missing = await f.call('GET', path, { as });
      expect(missing.status).toBe(404);
      expect(contractErrors('GET', route, missing)).toEqual([]);
    }
  });

  it('GET /sprint/{id}/issue: members in rank order, closed sprints keep theirs', async () => {
    const f = agileFixture();
    const route = `${A}/sprint/{sprintId}/issue`;
    const active = await f.call('GET', `${A}/sprint/2/issue`);
    expect(active.status).toBe(200);
    expect(contractErrors('GET', route, active)).toEqual([]);
    expect(keysOf(active.body)).toEqual(inRankOrder(['SCRUM-2', 'SCRUM-3']));
    expect(keysOf((await f.call('GET', `${A}/sprint/1/issue`)).body)).toEqual(inRankOrder(['SCRUM-1', 'SCRUM-2']));
    const none = await f.call('GET', `${A}/sprint/99/issue`);
    expect(none.status).toBe(404);
    expect(contractErrors('GET', route, none)).toEqual([]);
  });
});

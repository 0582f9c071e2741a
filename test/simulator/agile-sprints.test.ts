import { describe, expect, it } from 'vitest';
import { onSiteEvent, type SiteEvent } from '../../src/simulator/world/events.js';
import {
  agileFixture,
  ALICE,
  BOB,
  contractErrors,
  DAVE,
  RANK_FIELD,
  RANK_ORDER,
  SPRINT_FIELD,
  T0,
  VIC,
  type AgileFixture,
} from '../support/fixture-agile.js';

const A = '/rest/agile/1.0';
const SPRINT = `${A}/sprint`;
const SPRINT_ID = `${A}/sprint/{sprintId}`;
const SPRINT_ISSUE = `${A}/sprint/{sprintId}/issue`;
const RANK = `${A}/issue/rank`;
const BACKLOG = `${A}/backlog/issue`;

function events(f: AgileFixture): SiteEvent[] {
  const seen: SiteEvent[] = [];
  onSiteEvent(f.site, (_s, e) => seen.push(e));
  return seen;
}

const sprintsOf = (f: AgileFixture, key: string): unknown => f.issue(key).fields[SPRINT_FIELD];
const errorText = (body: unknown): string => JSON.stringify(body);

async function boardOrder(f: AgileFixture): Promise<string[]> {
  const res = await f.call('GET', `${A}/board/1/issue?fields=summary&maxResults=100`);
  return (res.body as { issues: Array<{ key: string }> }).issues.map((i) => i.key);
}

describe('POST /rest/agile/1.0/sprint', () => {
  it('creates a future sprint (201) with a trimmed name and announces it', async () => {
    const f = agileFixture();
    const seen = events(f);
    const res = await f.call('POST', SPRINT, {
      body: { name: '  Sprint 5 ', originBoardId: 1, startDate: '2026-12-01T10:00:00.000+10:00', goal: 'Polish' },
    });
    expect(res.status).toBe(201);
    expect(contractErrors('POST', SPRINT, res)).toEqual([]);
    expect(res.body).toMatchObject({
      id: 5,
      state: 'future',
      name: 'Sprint 5',
      originBoardId: 1,
      goal: 'Polish',
      startDate: '2026-12-01T00:00:00.000Z',
      createdDate: new Date(T0).toISOString(),
    });
    expect(f.site.data.sprints.get(5)?.state).toBe('future');
    expect(seen.map((e) => e.type)).toEqual(['sprint_created']);
  });

  it('validates the request (400), the board (404/400) and the permission (403)', async () => {
    const f = agileFixture();
    const cases: Array<[unknown, string, number, RegExp]> = [
      [{ originBoardId: 1 }, ALICE, 400, /name/],
      [{ name: 'x'.repeat(31), originBoardId: 1 }, ALICE, 400, /too long/],
      [{ name: 'S' }, ALICE, 400, /originBoardId/],
      [{ name: 'S', originBoardId: 1, startDate: 'next tuesday' }, ALICE, 400, /startDate/],
      [
        { name: 'S', originBoardId: 1, startDate: '2026-12-10T00:00:00Z', endDate: '2026-12-01T00:00:00Z' },
        ALICE,
        400,
        /after the start/,
      ],
      [{ name: 'S', originBoardId: 2 }, ALICE, 400, /does not support sprints/],
      [{ name: 'S', originBoardId: 99 }, ALICE, 404, /does not exist/],
      [{ name: 'S', originBoardId: 1 }, BOB, 403, /permission/],
    ];
    for (const [body, as, status, message] of cases) {
      const res = await f.call('POST', SPRINT, { body, as });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(errorText(res.body)).toMatch(message);
      expect(contractErrors('POST', SPRINT, res)).toEqual([]);
    }
    const malformed = await f.call('POST', SPRINT, { rawBody: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(f.site.data.sprints.size).toBe(4);
  });
});

describe('sprint state machine (POST/PUT /rest/agile/1.0/sprint/{id})', () => {
  it('starts a future sprint only when it has both dates', async () => {
    const f = agileFixture();
    const noDates = await f.call('POST', `${SPRINT}/4`, { body: { state: 'active' } });
    expect(noDates.status).toBe(400);
    expect(contractErrors('POST', SPRINT_ID, noDates)).toEqual([]);
    expect(errorText(noDates.body)).toMatch(/start date and an end date/);
    const seen = events(f);
    const started = await f.call('POST', `${SPRINT}/4`, {
      body: { state: 'active', startDate: '2026-11-24T09:00:00.000Z', endDate: '2026-12-08T09:00:00.000+0000' },
    });
    expect(started.status).toBe(200);
    expect(contractErrors('POST', SPRINT_ID, started)).toEqual([]);
    expect(started.body).toMatchObject({ state: 'active', endDate: '2026-12-08T09:00:00.000Z' });
    expect(seen.map((e) => e.type)).toEqual(['sprint_started']);
  });

  it('closes an active sprint with completeDate = now and never reopens it', async () => {
    const f = agileFixture();
    f.clock.advance(3_600_000);
    const seen = events(f);
    const closed = await f.call('POST', `${SPRINT}/2`, {
      body: { state: 'closed', completeDate: '2020-01-01T00:00:00Z' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', completeDate: new Date(T0 + 3_600_000).toISOString() });
    expect(seen.map((e) => e.type)).toEqual(['sprint_closed']);
    // Membership stays in the Sprint field; open issues are back in the backlog.
    expect(sprintsOf(f, 'SCRUM-3')).toEqual([2]);
    const backlog = await f.call('GET', `${A}/board/1/backlog`);
    expect((backlog.body as { issues: Array<{ key: string }> }).issues.map((i) => i.key)).toContain('SCRUM-3');
    for (const state of ['active', 'future']) {
      const res = await f.call('POST', `${SPRINT}/2`, { body: { state } });
      expect(res.status).toBe(400);
      expect(contractErrors('POST', SPRINT_ID, res)).toEqual([]);
      expect(errorText(res.body)).toMatch(/cannot be reopened/);
    }
  });

  it('refuses the other transitions with 400', async () => {
    const f = agileFixture();
    const cases: Array<[number, unknown, RegExp]> = [
      [3, { state: 'closed' }, /only be completed when it is active/],
      [2, { state: 'future' }, /from 'active' to 'future'/],
      [3, { state: 'done' }, /not valid/],
    ];
    for (const [id, body, message] of cases) {
      const res = await f.call('POST', `${SPRINT}/${id}`, { body });
      expect(res.status).toBe(400);
      expect(errorText(res.body)).toMatch(message);
      expect(contractErrors('POST', SPRINT_ID, res)).toEqual([]);
    }
    expect(f.site.data.sprints.get(3)?.state).toBe('future');
    expect(f.site.data.sprints.get(2)?.state).toBe('active');
  });

  it('on a closed sprint changes only name and goal; dates in the body are ignored', async () => {
    const f = agileFixture();
    const before = { ...f.site.data.sprints.get(1)! };
    const res = await f.call('POST', `${SPRINT}/1`, {
      body: { name: 'Sprint One', goal: 'Renamed', startDate: '2020-01-01T00:00:00Z', endDate: '2020-01-02T00:00:00Z' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Sprint One', goal: 'Renamed', state: 'closed' });
    const after = f.site.data.sprints.get(1)!;
    expect([after.startDate, after.endDate, after.completeDate]).toEqual([
      before.startDate,
      before.endDate,
      before.completeDate,
    ]);
  });

  it('partial update (POST) keeps absent fields; full update (PUT) clears them', async () => {
    const f = agileFixture();
    const partial = await f.call('POST', `${SPRINT}/3`, { body: { goal: 'New goal' } });
    expect(partial.body).toMatchObject({ name: 'Sprint 3', goal: 'New goal', startDate: expect.any(String) });
    const full = await f.call('PUT', `${SPRINT}/3`, { body: { name: 'Sprint Three' } });
    expect(full.status).toBe(200);
    expect(contractErrors('PUT', SPRINT_ID, full)).toEqual([]);
    expect(full.body).toMatchObject({ name: 'Sprint Three', state: 'future' });
    expect(full.body).not.toHaveProperty('goal');
    expect(full.body).not.toHaveProperty('startDate');
    expect(full.body).not.toHaveProperty('endDate');
    for (const [id, body, message] of [
      [3, { goal: 'no name' }, /name/],
      [2, { name: 'Sprint 2' }, /active sprint must have a start date/],
    ] as const) {
      const res = await f.call('PUT', `${SPRINT}/${id}`, { body });
      expect(res.status).toBe(400);
      expect(errorText(res.body)).toMatch(message);
      expect(contractErrors('PUT', SPRINT_ID, res)).toEqual([]);
    }
  });

  it('answers 404 for unknown or invisible sprints and 403 without Manage sprints', async () => {
    const f = agileFixture();
    for (const [method, path, as, status] of [
      ['POST', `${SPRINT}/77`, ALICE, 404],
      ['PUT', `${SPRINT}/2`, DAVE, 404],
      ['POST', `${SPRINT}/2`, BOB, 403],
    ] as const) {
      const res = await f.call(method, path, { body: { name: 'x' }, as });
      expect(res.status).toBe(status);
      expect(contractErrors(method, SPRINT_ID, res)).toEqual([]);
    }
    expect(f.site.data.sprints.get(2)?.name).toBe('Sprint 2');
  });
});

describe('DELETE /rest/agile/1.0/sprint/{id}', () => {
  it('deletes a future sprint and moves its issues to the backlog', async () => {
    const f = agileFixture();
    const seen = events(f);
    const res = await f.call('DELETE', `${SPRINT}/3`);
    expect(res.status).toBe(204);
    expect(contractErrors('DELETE', SPRINT_ID, res)).toEqual([]);
    expect(f.site.data.sprints.has(3)).toBe(false);
    expect(sprintsOf(f, 'SCRUM-4')).toBeUndefined();
    expect(seen.map((e) => e.type)).toEqual(['issue_updated', 'sprint_deleted']);
    expect((await f.call('GET', `${SPRINT}/3`)).status).toBe(404);
  });

  it('refuses active and closed sprints (403), users without Manage sprints (403), unknown ids (404)', async () => {
    const f = agileFixture();
    for (const [id, as, status] of [
      [2, ALICE, 403],
      [1, ALICE, 403],
      [4, BOB, 403],
      [42, ALICE, 404],
    ] as const) {
      const res = await f.call('DELETE', `${SPRINT}/${id}`, { as });
      expect(res.status).toBe(status);
      expect(contractErrors('DELETE', SPRINT_ID, res)).toEqual([]);
    }
    expect([...f.site.data.sprints.keys()]).toEqual([1, 2, 3, 4]);
  });
});

describe('POST /rest/agile/1.0/sprint/{id}/issue (membership)', () => {
  it('moves issues out of their open sprint and keeps closed-sprint history', async () => {
    const f = agileFixture();
    const res = await f.call('POST', `${SPRINT}/3/issue`, { body: { issues: ['SCRUM-2', 'SCRUM-3', 'SCRUM-5'] } });
    expect(res.status).toBe(204);
    expect(contractErrors('POST', SPRINT_ISSUE, res)).toEqual([]);
    expect(sprintsOf(f, 'SCRUM-2')).toEqual([1, 3]);
    expect(sprintsOf(f, 'SCRUM-3')).toEqual([3]);
    expect(sprintsOf(f, 'SCRUM-5')).toEqual([3]);
    const item = f.issue('SCRUM-2').changelog.at(-1)!.items[0];
    expect(item).toEqual({
      field: 'Sprint',
      fieldtype: 'custom',
      fieldId: SPRINT_FIELD,
      from: '1, 2',
      fromString: 'Sprint 1, Sprint 2',
      to: '1, 3',
      toString: 'Sprint 1, Sprint 3',
    });
    expect(f.issue('SCRUM-2').updated).toBe(T0);
    const sprint2 = await f.call('GET', `${SPRINT}/2/issue`);
    expect((sprint2.body as { total: number }).total).toBe(0);
  });

  it('ranks the moved issues when an anchor is given', async () => {
    const f = agileFixture();
    const res = await f.call('POST', `${SPRINT}/2/issue`, {
      body: { issues: ['SCRUM-6', 'SCRUM-5'], rankBeforeIssue: 'SCRUM-3' },
    });
    expect(res.status).toBe(204);
    const order = await f.call('GET', `${SPRINT}/2/issue`);
    expect((order.body as { issues: Array<{ key: string }> }).issues.map((i) => i.key)).toEqual([
      'SCRUM-6',
      'SCRUM-5',
      'SCRUM-3',
      'SCRUM-2',
    ]);
  });

  it('accepts only future and active sprints and valid requests', async () => {
    const f = agileFixture();
    const many = Array.from({ length: 51 }, (_, i) => `SCRUM-${i + 1}`);
    const cases: Array<[string, unknown, string, number, RegExp]> = [
      [`${SPRINT}/1/issue`, { issues: ['SCRUM-5'] }, ALICE, 400, /closed/],
      [`${SPRINT}/3/issue`, { issues: [] }, ALICE, 400, /must not be empty/],
      [`${SPRINT}/3/issue`, { issues: many }, ALICE, 400, /At most 50/],
      [`${SPRINT}/3/issue`, { issues: ['NOPE-1'] }, ALICE, 400, /does not exist/],
      [
        `${SPRINT}/3/issue`,
        { issues: ['SCRUM-5'], rankBeforeIssue: 'SCRUM-1', rankAfterIssue: 'SCRUM-2' },
        ALICE,
        400,
        /Only one/,
      ],
      [`${SPRINT}/3/issue`, { issues: ['SCRUM-5'] }, VIC, 403, /permission/],
      [`${SPRINT}/3/issue`, { issues: ['SCRUM-5'] }, DAVE, 404, /does not exist/],
      [`${SPRINT}/88/issue`, { issues: ['SCRUM-5'] }, ALICE, 404, /does not exist/],
    ];
    for (const [path, body, as, status, message] of cases) {
      const res = await f.call('POST', path, { body, as });
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(status);
      expect(errorText(res.body)).toMatch(message);
      expect(contractErrors('POST', SPRINT_ISSUE, res)).toEqual([]);
    }
    expect(sprintsOf(f, 'SCRUM-5')).toBeUndefined();
  });
});

describe('POST /rest/agile/1.0/backlog/issue', () => {
  it('removes future and active sprints, keeping closed ones', async () => {
    const f = agileFixture();
    const res = await f.call('POST', BACKLOG, { body: { issues: ['SCRUM-2', 'SCRUM-4', 'SCRUM-5'] } });
    expect(res.status).toBe(204);
    expect(contractErrors('POST', BACKLOG, res)).toEqual([]);
    expect(sprintsOf(f, 'SCRUM-2')).toEqual([1]);
    expect(sprintsOf(f, 'SCRUM-4')).toBeUndefined();
    // SCRUM-5 had no sprint: nothing changed, nothing recorded.
    expect(f.issue('SCRUM-5').changelog).toEqual([]);
    const backlog = await f.call('GET', `${A}/board/1/backlog`);
    expect((backlog.body as { issues: Array<{ key: string }> }).issues.map((i) => i.key)).toEqual(
      RANK_ORDER.filter((k) => ['SCRUM-2', 'SCRUM-4', 'SCRUM-5', 'SCRUM-7', 'SCRUM-8'].includes(k)),
    );
  });

  it('rejects empty, oversized and foreign requests', async () => {
    const f = agileFixture();
    for (const [body, as, status] of [
      [{ issues: [] }, ALICE, 400],
      [{ issues: Array.from({ length: 51 }, (_, i) => String(10000 + i)) }, ALICE, 400],
      [{ issues: ['SCRUM-3'] }, VIC, 403],
      [{ issues: ['SCRUM-3'] }, DAVE, 400],
    ] as const) {
      const res = await f.call('POST', BACKLOG, { body, as });
      expect(res.status).toBe(status);
      expect(contractErrors('POST', BACKLOG, res)).toEqual([]);
    }
    expect(sprintsOf(f, 'SCRUM-3')).toEqual([2]);
  });
});

describe('PUT /rest/agile/1.0/issue/rank', () => {
  it('ranks issues before or after an anchor (204) and records the change', async () => {
    const f = agileFixture();
    const seen = events(f);
    const before = await f.call('PUT', RANK, { body: { issues: ['SCRUM-6', 'SCRUM-4'], rankBeforeIssue: 'SCRUM-1' } });
    expect(before.status).toBe(204);
    expect(contractErrors('PUT', RANK, before)).toEqual([]);
    expect(await boardOrder(f)).toEqual([
      'SCRUM-3',
      'SCRUM-6',
      'SCRUM-4',
      'SCRUM-1',
      'SCRUM-2',
      'SCRUM-5',
      'SCRUM-8',
      'SCRUM-7',
    ]);
    const after = await f.call('PUT', RANK, {
      body: { issues: ['SCRUM-3'], rankAfterIssue: 'SCRUM-7', rankCustomFieldId: 10019 },
    });
    expect(after.status).toBe(204);
    expect(await boardOrder(f)).toEqual([
      'SCRUM-6',
      'SCRUM-4',
      'SCRUM-1',
      'SCRUM-2',
      'SCRUM-5',
      'SCRUM-8',
      'SCRUM-7',
      'SCRUM-3',
    ]);
    // The generator's format: {field 'Rank', fieldtype custom, from/to and fromString ''}.
    expect(f.issue('SCRUM-6').changelog.at(-1)!.items[0]).toEqual({
      field: 'Rank',
      fieldtype: 'custom',
      fieldId: RANK_FIELD,
      from: '',
      fromString: '',
      to: '',
      toString: 'Ranked higher',
    });
    expect(f.issue('SCRUM-3').changelog.at(-1)!.items[0]).toMatchObject({ toString: 'Ranked lower' });
    expect(seen.filter((e) => e.type === 'issue_updated')).toHaveLength(3);
  });

  it('answers 207 with per-issue results when some issues cannot be ranked', async () => {
    const f = agileFixture();
    const res = await f.call('PUT', RANK, {
      body: { issues: ['SCRUM-5', 'NOPE-9', 'SCRUM-3'], rankBeforeIssue: 'SCRUM-3' },
    });
    expect(res.status).toBe(207);
    expect(contractErrors('PUT', RANK, res)).toEqual([]);
    expect(
      (res.body as { entries: Array<{ issueKey: string; status: number }> }).entries.map((e) => [e.issueKey, e.status]),
    ).toEqual([
      ['SCRUM-5', 200],
      ['NOPE-9', 404],
      ['SCRUM-3', 400],
    ]);
    expect((await boardOrder(f)).slice(0, 2)).toEqual(['SCRUM-5', 'SCRUM-3']);
    const vic = await f.call('PUT', RANK, { body: { issues: ['SCRUM-5'], rankAfterIssue: 'SCRUM-6' }, as: VIC });
    expect(vic.status).toBe(207);
    expect((vic.body as { entries: Array<{ status: number }> }).entries[0]!.status).toBe(403);
  });

  it('rejects requests without exactly one anchor, with too many issues or a non-rank field', async () => {
    const f = agileFixture();
    const cases: unknown[] = [
      { issues: ['SCRUM-5'] },
      { issues: ['SCRUM-5'], rankBeforeIssue: 'SCRUM-1', rankAfterIssue: 'SCRUM-2' },
      { issues: Array.from({ length: 51 }, (_, i) => `SCRUM-${i}`), rankBeforeIssue: 'SCRUM-1' },
      { issues: ['SCRUM-5'], rankBeforeIssue: 'SCRUM-1', rankCustomFieldId: 10016 },
      { issues: ['SCRUM-5'], rankBeforeIssue: 'NOPE-1' },
      { rankBeforeIssue: 'SCRUM-1' },
    ];
    for (const body of cases) {
      const res = await f.call('PUT', RANK, { body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(contractErrors('PUT', RANK, res)).toEqual([]);
    }
    expect(await boardOrder(f)).toEqual(RANK_ORDER.filter((k) => k.startsWith('SCRUM-')));
  });

  it('keeps the rank order consistent with a model over many random moves', async () => {
    const f = agileFixture();
    let model = RANK_ORDER.filter((k) => k.startsWith('SCRUM-'));
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let step = 0; step < 120; step++) {
      const anchor = model[random(model.length)]!;
      const others = model.filter((k) => k !== anchor);
      const count = 1 + random(3);
      const moving: string[] = [];
      while (moving.length < count) {
        const k = others[random(others.length)]!;
        if (!moving.includes(k)) moving.push(k);
      }
      const beforeAnchor = random(2) === 0;
      const res = await f.call('PUT', RANK, {
        body: { issues: moving, [beforeAnchor ? 'rankBeforeIssue' : 'rankAfterIssue']: anchor },
      });
      expect(res.status).toBe(204);
      const rest = model.filter((k) => !moving.includes(k));
      const at = rest.indexOf(anchor) + (beforeAnchor ? 0 : 1);
      model = [...rest.slice(0, at), ...moving, ...rest.slice(at)];
    }
    expect(await boardOrder(f)).toEqual(model);
    const ranks = model.map((k) => f.issue(k).fields[RANK_FIELD] as string);
    expect([...ranks].sort()).toEqual(ranks);
  });
});

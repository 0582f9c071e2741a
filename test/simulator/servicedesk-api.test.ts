import { describe, expect, it } from 'vitest';
import { ISSUE_LIMITS } from '../../src/simulator/mutate/context.js';
import {
  agileFixture,
  ALICE,
  BOB,
  CAROL,
  contractErrors,
  DAVE,
  GINA,
  T0,
  VIC,
  type Json,
} from '../support/fixture-agile.js';

const S = '/rest/servicedeskapi';
type JsmPage = {
  size: number;
  start: number;
  limit: number;
  isLastPage: boolean;
  values: Array<Record<string, Json>>;
  _links: Record<string, string>;
};

describe('service desks', () => {
  const LIST = `${S}/servicedesk`;
  const ONE = `${S}/servicedesk/{serviceDeskId}`;

  it('lists the desks the caller can reach: agents and the desk customers', async () => {
    const f = agileFixture();
    const agent = await f.call('GET', LIST);
    expect(agent.status).toBe(200);
    expect(contractErrors('GET', LIST, agent)).toEqual([]);
    expect(agent.body).toMatchObject({ size: 1, start: 0, limit: 50, isLastPage: true, _expands: [] });
    expect((agent.body as JsmPage).values[0]).toMatchObject({ id: '1', projectId: '10003', projectKey: 'HELP' });
    expect(((await f.call('GET', LIST, { as: CAROL })).body as JsmPage).size).toBe(1);
    expect(((await f.call('GET', LIST, { as: DAVE })).body as JsmPage).size).toBe(0);
    expect(((await f.call('GET', LIST, { as: VIC })).body as JsmPage).size).toBe(0);
  });

  it('finds a desk by id or by project key; 404 unknown, 403 without access', async () => {
    const f = agileFixture();
    for (const ref of ['1', 'HELP', '10003']) {
      const res = await f.call('GET', `${S}/servicedesk/${ref}`);
      expect(res.status).toBe(200);
      expect(contractErrors('GET', ONE, res)).toEqual([]);
      expect(res.body).toMatchObject({ id: '1', projectName: 'Help desk' });
    }
    const missing = await f.call('GET', `${S}/servicedesk/77`);
    expect(missing.status).toBe(404);
    expect(contractErrors('GET', ONE, missing)).toEqual([]);
    expect(missing.body).toMatchObject({
      errorMessage: expect.any(String),
      i18nErrorMessage: { i18nKey: expect.any(String) },
    });
    const forbidden = await f.call('GET', `${S}/servicedesk/1`, { as: DAVE });
    expect(forbidden.status).toBe(403);
    expect(contractErrors('GET', ONE, forbidden)).toEqual([]);
  });
});

describe('request types', () => {
  const DESK = `${S}/servicedesk/{serviceDeskId}/requesttype`;
  const ALL = `${S}/requesttype`;
  const names = (body: unknown): string[] => (body as JsmPage).values.map((v) => v.name as string);

  it('agents see every type of the desk; customers only portal types', async () => {
    const f = agileFixture();
    const agent = await f.call('GET', `${S}/servicedesk/1/requesttype`);
    expect(agent.status).toBe(200);
    expect(contractErrors('GET', DESK, agent)).toEqual([]);
    expect(names(agent.body)).toEqual(['Get IT help', 'Internal triage']);
    expect((agent.body as JsmPage).values[0]).toMatchObject({
      id: '1',
      serviceDeskId: '1',
      issueTypeId: '10003',
      groupIds: ['1'],
      helpText: 'Tell us what is wrong.',
    });
    expect(names((await f.call('GET', `${S}/servicedesk/1/requesttype`, { as: CAROL })).body)).toEqual(['Get IT help']);
  });

  it('searches names and descriptions, hiding group-less types unless asked', async () => {
    const f = agileFixture();
    expect(names((await f.call('GET', `${S}/servicedesk/1/requesttype?searchQuery=TRIAGE`)).body)).toEqual([]);
    expect(
      names(
        (
          await f.call(
            'GET',
            `${S}/servicedesk/1/requesttype?searchQuery=triage&includeHiddenRequestTypesInSearch=true`,
          )
        ).body,
      ),
    ).toEqual(['Internal triage']);
    expect(names((await f.call('GET', `${S}/servicedesk/1/requesttype?searchQuery=IT%20team`)).body)).toEqual([
      'Get IT help',
    ]);
    expect(names((await f.call('GET', `${S}/servicedesk/HELP/requesttype?groupId=1`)).body)).toEqual(['Get IT help']);
  });

  it('GET /requesttype spans the accessible desks and filters by serviceDeskId', async () => {
    const f = agileFixture();
    const all = await f.call('GET', ALL);
    expect(all.status).toBe(200);
    expect(contractErrors('GET', ALL, all)).toEqual([]);
    expect(names(all.body)).toEqual(['Get IT help', 'Internal triage']);
    expect(names((await f.call('GET', `${ALL}?serviceDeskId=2`)).body)).toEqual([]);
    expect(names((await f.call('GET', ALL, { as: DAVE })).body)).toEqual([]);
  });

  it('answers 404 for an unknown desk and pages with limit', async () => {
    const f = agileFixture();
    const missing = await f.call('GET', `${S}/servicedesk/9/requesttype`);
    expect(missing.status).toBe(404);
    expect(contractErrors('GET', DESK, missing)).toEqual([]);
    const page = (await f.call('GET', `${S}/servicedesk/1/requesttype?limit=1`)).body as JsmPage;
    expect(page).toMatchObject({ size: 1, limit: 1, start: 0, isLastPage: false });
    expect(page._links.next).toMatch(/start=1&limit=1$/);
    const second = (await f.call('GET', `${S}/servicedesk/1/requesttype?limit=1&start=1`)).body as JsmPage;
    expect(second).toMatchObject({ size: 1, isLastPage: true });
    expect(second._links.prev).toMatch(/start=0&limit=1$/);
  });
});

describe('GET /rest/servicedeskapi/request/{issueIdOrKey}', () => {
  const ONE = `${S}/request/{issueIdOrKey}`;

  it('returns the customer request to agents, its reporter and participants', async () => {
    const f = agileFixture();
    for (const as of [ALICE, CAROL, GINA]) {
      const res = await f.call('GET', `${S}/request/HELP-1`, { as });
      expect(res.status).toBe(200);
      expect(contractErrors('GET', ONE, res)).toEqual([]);
    }
    const res = await f.call('GET', `${S}/request/10012`);
    expect(res.body).toMatchObject({
      issueId: '10012',
      issueKey: 'HELP-1',
      requestTypeId: '1',
      serviceDeskId: '1',
      reporter: { accountId: CAROL, displayName: 'Carol Customer' },
      currentStatus: { status: 'Waiting for support', statusCategory: 'NEW' },
      createdDate: { epochMillis: T0 - 40 * 86_400_000 },
    });
    const values = (res.body as { requestFieldValues: Array<{ fieldId: string; value: unknown }> }).requestFieldValues;
    expect(values.find((v) => v.fieldId === 'description')?.value).toBe('Description of HELP-1\n\nSecond paragraph');
  });

  it('expands serviceDesk, requestType, participants, comments and actions', async () => {
    const f = agileFixture();
    const res = await f.call(
      'GET',
      `${S}/request/HELP-1?expand=serviceDesk,requestType&expand=participant,comment,action`,
      { as: CAROL },
    );
    expect(contractErrors('GET', ONE, res)).toEqual([]);
    const body = res.body as Record<string, Json>;
    expect(body.serviceDesk).toMatchObject({ id: '1', projectKey: 'HELP' });
    expect(body.requestType).toMatchObject({ id: '1', name: 'Get IT help' });
    expect(body.participants.values.map((u: { accountId: string }) => u.accountId)).toEqual([GINA]);
    // A customer's expanded comments are the public ones only.
    expect(body.comments.values.map((c: { body: string }) => c.body)).toEqual([
      'My laptop does not start.',
      'We are on it.',
    ]);
    expect(body.actions.addComment.allowed).toBe(true);
    expect(body.actions.addParticipant.allowed).toBe(false);
  });

  it('answers 404 to outsiders, for unknown issues and for issues outside a service desk', async () => {
    const f = agileFixture();
    for (const [path, as] of [
      [`${S}/request/HELP-1`, DAVE],
      [`${S}/request/HELP-2`, CAROL],
      [`${S}/request/HELP-99`, ALICE],
      [`${S}/request/KAN-1`, ALICE],
    ] as const) {
      const res = await f.call('GET', path, { as });
      expect(res.status, `${path} as ${as}`).toBe(404);
      expect(contractErrors('GET', ONE, res)).toEqual([]);
    }
  });
});

describe('request comments', () => {
  const LIST = `${S}/request/{issueIdOrKey}/comment`;
  const ONE = `${S}/request/{issueIdOrKey}/comment/{commentId}`;
  const bodies = (res: { body: unknown }): Array<[string, boolean]> =>
    (res.body as JsmPage).values.map((c) => [c.body as string, c.public as boolean]);

  it('agents see public and internal comments, as strings, filtered by public/internal', async () => {
    const f = agileFixture();
    const all = await f.call('GET', `${S}/request/HELP-1/comment`);
    expect(all.status).toBe(200);
    expect(contractErrors('GET', LIST, all)).toEqual([]);
    expect(bodies(all)).toEqual([
      ['My laptop does not start.', true],
      ['Check the warranty before replacing it.', false],
      ['We are on it.', true],
    ]);
    expect((all.body as JsmPage).values[0]).toMatchObject({
      author: { accountId: CAROL },
      created: { epochMillis: T0 - 3 * 86_400_000 },
    });
    expect(bodies(await f.call('GET', `${S}/request/HELP-1/comment?public=false`))).toEqual([
      ['Check the warranty before replacing it.', false],
    ]);
    expect(bodies(await f.call('GET', `${S}/request/HELP-1/comment?internal=false`)).map(([, p]) => p)).toEqual([
      true,
      true,
    ]);
    const rendered = await f.call('GET', `${S}/request/HELP-1/comment?expand=renderedBody&limit=1`);
    expect(contractErrors('GET', LIST, rendered)).toEqual([]);
    expect((rendered.body as JsmPage).values[0]!.renderedBody).toEqual({ html: '<p>My laptop does not start.</p>' });
    expect(rendered.body).toMatchObject({ size: 1, limit: 1, isLastPage: false });
  });

  it('customers see public comments only; outsiders get an empty page; unknown requests 404', async () => {
    const f = agileFixture();
    for (const as of [CAROL, GINA]) {
      const res = await f.call('GET', `${S}/request/HELP-1/comment?internal=true`, { as });
      expect(bodies(res).map(([, p]) => p)).toEqual([true, true]);
    }
    const outsider = await f.call('GET', `${S}/request/HELP-1/comment`, { as: DAVE });
    expect(outsider.status).toBe(200);
    expect(contractErrors('GET', LIST, outsider)).toEqual([]);
    expect((outsider.body as JsmPage).values).toEqual([]);
    const missing = await f.call('GET', `${S}/request/HELP-42/comment`);
    expect(missing.status).toBe(404);
    expect(contractErrors('GET', LIST, missing)).toEqual([]);
  });

  it('reads one comment; an internal comment is invisible to customers', async () => {
    const f = agileFixture();
    const internal = f.issue('HELP-1').comments[1]!;
    const agent = await f.call('GET', `${S}/request/HELP-1/comment/${internal.id}`);
    expect(agent.status).toBe(200);
    expect(contractErrors('GET', ONE, agent)).toEqual([]);
    expect(agent.body).toMatchObject({
      id: internal.id,
      public: false,
      body: 'Check the warranty before replacing it.',
    });
    for (const [path, as] of [
      [`${S}/request/HELP-1/comment/${internal.id}`, CAROL],
      [`${S}/request/HELP-1/comment/99999`, ALICE],
      [`${S}/request/HELP-1/comment/${internal.id}`, DAVE],
    ] as const) {
      const res = await f.call('GET', path, { as });
      expect(res.status).toBe(404);
      expect(contractErrors('GET', ONE, res)).toEqual([]);
    }
  });
});

describe('POST /rest/servicedeskapi/request/{issueIdOrKey}/comment', () => {
  const ROUTE = `${S}/request/{issueIdOrKey}/comment`;

  it('agents add internal comments (jsdPublic false) that customers never see', async () => {
    const f = agileFixture();
    f.clock.advance(60_000);
    const res = await f.call('POST', `${S}/request/HELP-1/comment`, {
      body: { body: 'Line one\nLine two', public: false },
      as: BOB,
    });
    expect(res.status).toBe(201);
    expect(contractErrors('POST', ROUTE, res)).toEqual([]);
    expect(res.body).toMatchObject({ public: false, body: 'Line one\nLine two', author: { accountId: BOB } });
    const stored = f.issue('HELP-1').comments.at(-1)!;
    expect(stored).toMatchObject({ jsdPublic: false, authorId: BOB, created: T0 + 60_000 });
    expect(stored.body.content[0]!.content!.map((n) => n.type)).toEqual(['text', 'hardBreak', 'text']);
    expect(f.issue('HELP-1').updated).toBe(T0 + 60_000);
    const carol = await f.call('GET', `${S}/request/HELP-1/comment`, { as: CAROL });
    expect((carol.body as JsmPage).values.map((c) => c.body)).not.toContain('Line one\nLine two');
    const agent = await f.call('GET', `${S}/request/HELP-1/comment?public=false`);
    expect((agent.body as JsmPage).values.map((c) => c.body)).toContain('Line one\nLine two');
  });

  it('customers add public comments only', async () => {
    const f = agileFixture();
    const ok = await f.call('POST', `${S}/request/HELP-1/comment`, {
      body: { body: 'Any news?', public: true },
      as: GINA,
    });
    expect(ok.status).toBe(201);
    expect(f.issue('HELP-1').comments.at(-1)).toMatchObject({ jsdPublic: true, authorId: GINA });
    const internal = await f.call('POST', `${S}/request/HELP-1/comment`, {
      body: { body: 'psst', public: false },
      as: CAROL,
    });
    expect(internal.status).toBe(403);
    expect(contractErrors('POST', ROUTE, internal)).toEqual([]);
  });

  it('goes through the shared comment mutation: the commenter watches, and the per-issue limit answers 413', async () => {
    const f = agileFixture();
    const issue = f.issue('HELP-1');
    const ok = await f.call('POST', `${S}/request/HELP-1/comment`, { body: { body: 'On it', public: false }, as: BOB });
    expect(ok.status).toBe(201);
    expect(issue.watchers.has(BOB)).toBe(true);
    issue.comments = Array.from({ length: ISSUE_LIMITS.comments }, () => issue.comments[0]!);
    const full = await f.call('POST', `${S}/request/HELP-1/comment`, { body: { body: 'More', public: true }, as: BOB });
    // 413 is not in the pinned JSM spec: the JSM error envelope is checked directly.
    expect(full.status).toBe(413);
    expect(full.body).toMatchObject({
      errorMessage: `The limit of ${ISSUE_LIMITS.comments} comments per issue has been reached.`,
      i18nErrorMessage: { i18nKey: 'sd.comment.error.limit', parameters: [] },
    });
    expect(issue.comments).toHaveLength(ISSUE_LIMITS.comments);
  });

  it('validates the body and the request (400/404)', async () => {
    const f = agileFixture();
    const count = f.issue('HELP-1').comments.length;
    for (const [path, body, as, status] of [
      [`${S}/request/HELP-1/comment`, { body: 'no flag' }, ALICE, 400],
      [`${S}/request/HELP-1/comment`, { body: '  ', public: true }, ALICE, 400],
      [`${S}/request/HELP-1/comment`, { body: 'hi', public: true }, DAVE, 404],
      [`${S}/request/KAN-1/comment`, { body: 'hi', public: true }, ALICE, 404],
    ] as const) {
      const res = await f.call('POST', path, { body, as });
      expect(res.status).toBe(status);
      expect(contractErrors('POST', ROUTE, res)).toEqual([]);
    }
    expect(f.issue('HELP-1').comments).toHaveLength(count);
  });
});

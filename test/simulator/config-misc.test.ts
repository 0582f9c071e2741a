/**
 * Behaviour of the remaining configuration reads: priorities, resolutions, link types, labels,
 * time tracking and the caller's permissions.
 */
import { describe, expect, it } from 'vitest';
import { allPages, call, harness, type Body } from './config-harness.js';
import { ADMIN, ALICE, BOB, OUTSIDER } from '../support/fixture-config.js';

const A = '/rest/api/3';
const h = harness();

describe('priorities and resolutions', () => {
  it('searches priorities: paging, ids, names and the default', async () => {
    const op = `GET ${A}/priority/search`;
    const pages = await allPages(h, { op, path: `${A}/priority/search?maxResults=2`, as: BOB });
    expect(pages.map((p) => p.body.values.map((x: Body) => x.name))).toEqual([
      ['Highest', 'High'],
      ['Medium', 'Low'],
      ['Lowest'],
    ]);
    expect(pages[0]!.body.values[0]).toMatchObject({
      id: '1',
      statusColor: '#d04437',
      isDefault: false,
      description: 'Highest priority',
    });
    const def = await call(h, { op, path: `${A}/priority/search?onlyDefault=true`, as: BOB });
    expect(def.body.values.map((x: Body) => x.name)).toEqual(['Medium']);
    const some = await call(h, { op, path: `${A}/priority/search?id=5&id=1&priorityName=est`, as: BOB });
    expect(some.body.values.map((x: Body) => x.id)).toEqual(['1', '5']);
  });

  it('searches resolutions, whose default flag is named `default`', async () => {
    const op = `GET ${A}/resolution/search`;
    const r = await call(h, { op, path: `${A}/resolution/search`, as: BOB });
    expect(r.body.values.map((x: Body) => [x.name, x.default])).toEqual([
      ['Done', true],
      ["Won't Do", false],
      ['Duplicate', false],
    ]);
    const def = await call(h, { op, path: `${A}/resolution/search?onlyDefault=true&id=10001`, as: BOB });
    expect(def.body.values).toEqual([]);
  });
});

describe('issue link types', () => {
  it('lists link types, and answers 404 when issue linking is off', async () => {
    const op = `GET ${A}/issueLinkType`;
    const r = await call(h, { op, path: `${A}/issueLinkType`, as: BOB });
    expect(r.body.issueLinkTypes.map((t: Body) => [t.name, t.inward, t.outward])).toEqual([
      ['Blocks', 'is blocked by', 'blocks'],
      ['Cloners', 'is cloned by', 'clones'],
      ['Duplicate', 'is duplicated by', 'duplicates'],
      ['Relates', 'relates to', 'relates to'],
    ]);
    const off = harness();
    off.fx.site.data.settings.issueLinkingEnabled = false;
    expect((await call(off, { op, path: `${A}/issueLinkType`, as: BOB })).status).toBe(404);
  });
});

describe('labels', () => {
  it('pages the distinct labels used on issues (system and custom label fields), sorted', async () => {
    const op = `GET ${A}/label`;
    const all = await call(h, { op, path: `${A}/label`, as: BOB });
    expect(all.body).toMatchObject({ maxResults: 1000, total: 6, isLast: true });
    expect(all.body.values).toEqual(['backend', 'classified', 'frontend', 'ops', 'tagged', 'urgent']);
    const pages = await allPages(h, { op, path: `${A}/label?maxResults=4`, as: BOB });
    expect(pages.map((p) => p.body.values)).toEqual([
      ['backend', 'classified', 'frontend', 'ops'],
      ['tagged', 'urgent'],
    ]);
  });
});

describe('time tracking', () => {
  it('names the provider to admins, and answers 204 when time tracking is off', async () => {
    const op = `GET ${A}/configuration/timetracking`;
    const r = await call(h, { op, path: `${A}/configuration/timetracking`, as: ADMIN });
    expect(r.body).toMatchObject({ key: 'JIRA', name: 'JIRA provided time tracking' });
    const off = harness();
    off.fx.site.data.settings.timeTrackingEnabled = false;
    const none = await call(off, { op, path: `${A}/configuration/timetracking`, as: ADMIN });
    expect(none.status).toBe(204);
    expect(none.body).toBeUndefined();
  });
});

describe('GET /mypermissions', () => {
  const op = `GET ${A}/mypermissions`;
  const have = async (as: string, query: string): Promise<Record<string, boolean>> => {
    const r = await call(h, { op, path: `${A}/mypermissions?${query}`, as });
    return Object.fromEntries(
      Object.entries(r.body.permissions as Record<string, Body>).map(([k, v]) => [k, v.havePermission]),
    );
  };

  it('describes each permission asked for', async () => {
    const r = await call(h, { op, path: `${A}/mypermissions?permissions=CREATE_ISSUES`, as: BOB });
    expect(r.body.permissions.CREATE_ISSUES).toEqual({
      id: '11',
      key: 'CREATE_ISSUES',
      name: 'Create Issues',
      type: 'PROJECT',
      description: 'Ability to create issues.',
      havePermission: true,
    });
  });

  it('evaluates global permissions and project permissions in any project', async () => {
    expect(await have(BOB, 'permissions=ADMINISTER,USER_PICKER,BROWSE_PROJECTS,ADMINISTER_PROJECTS')).toEqual({
      ADMINISTER: false,
      USER_PICKER: true,
      BROWSE_PROJECTS: true,
      ADMINISTER_PROJECTS: false,
    });
    expect(await have(ADMIN, 'permissions=ADMINISTER,SYSTEM_ADMIN')).toEqual({ ADMINISTER: true, SYSTEM_ADMIN: true });
    expect(await have(OUTSIDER, 'permissions=USER_PICKER,BROWSE_PROJECTS')).toEqual({
      USER_PICKER: false,
      BROWSE_PROJECTS: false,
    });
  });

  it('counts reporter grants as held in project context, but checks the issue in issue context', async () => {
    // EDIT_ISSUES is granted to reporters and to the Developers role; Alice is neither in BETA.
    expect(await have(ALICE, 'permissions=EDIT_ISSUES&projectKey=BETA')).toEqual({ EDIT_ISSUES: true });
    expect(await have(ALICE, 'permissions=EDIT_ISSUES&issueKey=BETA-1')).toEqual({ EDIT_ISSUES: false });
    expect(await have(BOB, 'permissions=EDIT_ISSUES&issueKey=BETA-1')).toEqual({ EDIT_ISSUES: true });
    expect(await have(ALICE, 'permissions=ADMINISTER_PROJECTS&projectId=10000')).toEqual({ ADMINISTER_PROJECTS: true });
    expect(await have(ALICE, 'permissions=BROWSE_PROJECTS&commentId=10500')).toEqual({ BROWSE_PROJECTS: true });
  });

  it('refuses other permissions with a comment, and hides invisible issues', async () => {
    const bad = await call(h, { op, path: `${A}/mypermissions?permissions=EDIT_ISSUES&commentId=10500`, as: ALICE });
    expect(bad.status).toBe(400);
    const hidden = await call(h, {
      op,
      path: `${A}/mypermissions?permissions=BROWSE_PROJECTS&issueKey=SECRET-1`,
      as: BOB,
    });
    expect(hidden.status).toBe(404);
    const empty = await call(h, { op, path: `${A}/mypermissions`, as: BOB });
    expect(empty.status).toBe(400);
  });
});

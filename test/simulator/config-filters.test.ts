/**
 * Behaviour of filter and dashboard reads: visibility through share permissions, the admin
 * override, expands, paging and ordering; dashboard gadgets and item properties.
 */
import { describe, expect, it } from 'vitest';
import { allPages, call, harness, type Body } from './config-harness.js';
import { ADMIN, ALICE, BOB, DAVE, G_DEVS } from '../support/fixture-config.js';

const A = '/rest/api/3';
const h = harness();
const SEARCH = `GET ${A}/filter/search`;

async function filterIds(as: string, query = ''): Promise<string[]> {
  const r = await call(h, { op: SEARCH, path: `${A}/filter/search?orderBy=id&${query}`, as });
  return r.body.values.map((f: Body) => f.id);
}

describe('filter search', () => {
  it('returns the filters each user may see through ownership and share permissions', async () => {
    expect(await filterIds(ALICE)).toEqual(['10000', '10001', '10002', '10003', '10004', '10006', '10007', '10008']);
    expect(await filterIds(BOB)).toEqual(['10001', '10003', '10006', '10007', '10008']);
    expect(await filterIds(DAVE)).toEqual(['10001', '10003', '10005', '10007', '10008']);
    expect(await filterIds(ADMIN)).toEqual(['10001', '10002', '10003', '10004', '10007', '10008']);
  });

  it('lets Jira admins override share permissions, and ignores the override for others', async () => {
    expect(await filterIds(ADMIN, 'overrideSharePermissions=true')).toHaveLength(9);
    expect(await filterIds(BOB, 'overrideSharePermissions=true')).toEqual([
      '10001',
      '10003',
      '10006',
      '10007',
      '10008',
    ]);
  });

  it('pages in name order by default and honours other orders', async () => {
    const pages = await allPages(h, { op: SEARCH, path: `${A}/filter/search?maxResults=3`, as: ALICE });
    expect(pages.map((p) => p.body.values.map((f: Body) => f.name))).toEqual([
      ['Alpha admins', 'Alpha filter', 'Developers board'],
      ['Everyone open work', 'For Bob', 'Logged-in users'],
      ['Mixed shares', 'My private bugs'],
    ]);
    const fav = await call(h, {
      op: SEARCH,
      path: `${A}/filter/search?orderBy=-favourite_count&maxResults=2`,
      as: ALICE,
    });
    expect(fav.body.values.map((f: Body) => f.id)).toEqual(['10001', '10000']);
  });

  it('matches names by word prefix, or by substring when asked', async () => {
    expect(await filterIds(ALICE, 'filterName=alp')).toEqual(['10003', '10004']);
    expect(await filterIds(ALICE, 'filterName=lph')).toEqual([]);
    expect(await filterIds(ALICE, 'filterName=lph&isSubstringMatch=true')).toEqual(['10003', '10004']);
    expect(await filterIds(ALICE, `groupId=${G_DEVS}`)).toEqual(['10002']);
    expect(await filterIds(ALICE, 'groupname=developers')).toEqual(['10002']);
    expect(await filterIds(ALICE, 'projectId=10000')).toEqual(['10003', '10004']);
    expect(await filterIds(ALICE, `accountId=${BOB}`)).toEqual(['10001']);
  });

  it('adds each expand only when asked', async () => {
    const plain = await call(h, { op: SEARCH, path: `${A}/filter/search?id=10004`, as: ALICE });
    expect(Object.keys(plain.body.values[0]).sort()).toEqual(['expand', 'id', 'name', 'self']);
    const r = await call(h, {
      op: SEARCH,
      path: `${A}/filter/search?id=10004&id=10002&id=10001&orderBy=id&expand=owner,jql,favourite,favouritedCount,sharePermissions,editPermissions,isWritable,viewUrl,searchUrl,subscriptions`,
      as: ALICE,
    });
    const [everyone, devs, admins] = r.body.values;
    expect(everyone).toMatchObject({
      favourite: true,
      favouritedCount: 2,
      isWritable: false,
      owner: { accountId: BOB },
    });
    expect(everyone.sharePermissions).toEqual([{ id: expect.any(Number), type: 'global' }]);
    expect(devs).toMatchObject({ isWritable: true, subscriptions: [] });
    expect(devs.editPermissions[0]).toMatchObject({ type: 'group', group: { name: 'developers', groupId: G_DEVS } });
    expect(admins.sharePermissions[0]).toMatchObject({
      type: 'project',
      project: { id: '10000', key: 'ALPHA' },
      role: { id: 10002, name: 'Administrators' },
    });
    expect(admins.jql).toBe('project = ALPHA AND summary ~ "Alpha admins"');
    expect(admins.viewUrl).toMatch(/\/issues\/\?filter=10004$/);
    expect(decodeURIComponent(admins.searchUrl)).toContain('jql=project = ALPHA');
  });
});

describe('single filters', () => {
  it('reads a visible filter and its shared users on request; invisible filters answer 400', async () => {
    const op = `GET ${A}/filter/{id}`;
    const plain = await call(h, { op, path: `${A}/filter/10002`, as: ALICE });
    expect(plain.body.sharedUsers).toMatchObject({ size: 2, items: [] });
    expect(plain.body.subscriptions).toMatchObject({ size: 0, items: [] });
    const users = await call(h, { op, path: `${A}/filter/10002?expand=sharedUsers`, as: ALICE });
    expect(users.body.sharedUsers.items.map((u: Body) => u.accountId).sort()).toEqual(['acc-alice', 'acc-carol']);
    const denied = await call(h, { op, path: `${A}/filter/10005`, as: ADMIN });
    expect(denied.status).toBe(400);
    expect(denied.body.errorMessages[0]).toMatch(/not available to you/);
    const override = await call(h, { op, path: `${A}/filter/10005?overrideSharePermissions=true`, as: ADMIN });
    expect(override.body.sharePermissions[0]).toMatchObject({ type: 'project', project: { key: 'SECRET' } });
  });

  it('hides the details of project shares the caller cannot browse', async () => {
    const op = `GET ${A}/filter/{id}/permission`;
    const bob = await call(h, { op, path: `${A}/filter/10008/permission`, as: BOB });
    expect(bob.body.map((p: Body) => p.type)).toEqual(['project-unknown', 'global']);
    expect(bob.body[0]).not.toHaveProperty('project');
    const dave = await call(h, { op, path: `${A}/filter/10008/permission`, as: DAVE });
    expect(dave.body[0]).toMatchObject({ type: 'project', project: { key: 'SECRET' } });
  });

  it('gives share permissions with stored or stable derived ids, and filter columns', async () => {
    const perms = await call(h, {
      op: `GET ${A}/filter/{id}/permission`,
      path: `${A}/filter/10006/permission`,
      as: BOB,
    });
    expect(perms.body).toEqual([
      {
        id: 77,
        type: 'user',
        user: expect.objectContaining({ accountId: BOB, displayName: 'Bob Builder' }),
      },
    ]);
    expect(perms.body[0].user).not.toHaveProperty('accountType');
    const again = await call(h, {
      op: `GET ${A}/filter/{id}/permission`,
      path: `${A}/filter/10003/permission`,
      as: BOB,
    });
    const twice = await call(h, {
      op: `GET ${A}/filter/{id}/permission`,
      path: `${A}/filter/10003/permission`,
      as: BOB,
    });
    expect(again.body[0].id).toBe(twice.body[0].id);
    const cols = await call(h, { op: `GET ${A}/filter/{id}/columns`, path: `${A}/filter/10003/columns`, as: BOB });
    expect(cols.body).toEqual([
      { label: 'Summary', value: 'summary' },
      { label: 'Severity', value: 'customfield_10020' },
    ]);
  });
});

describe('dashboards', () => {
  const op = `GET ${A}/dashboard/search`;
  const names = async (as: string, query = ''): Promise<string[]> =>
    (await call(h, { op, path: `${A}/dashboard/search?${query}`, as })).body.values.map((d: Body) => d.name);

  it('returns owned and shared dashboards only (no admin override)', async () => {
    expect(await names(BOB)).toEqual(['Team dashboard']);
    expect(await names(ALICE)).toEqual(['Alice private', 'Dev dash', 'Team dashboard']);
    expect(await names(ADMIN)).toEqual(['Dev dash', 'Team dashboard']);
    expect(await names(DAVE)).toEqual(['Secret dash', 'Team dashboard']);
    expect(await names(ALICE, 'status=archived')).toEqual([]);
    expect(await names(ALICE, 'orderBy=-favorite_count&maxResults=1')).toEqual(['Team dashboard']);
  });

  it('adds expands on request and renders the owner as a UserBean', async () => {
    const plain = await call(h, { op, path: `${A}/dashboard/search?dashboardName=team`, as: BOB });
    expect(Object.keys(plain.body.values[0]).sort()).toEqual(['id', 'name', 'self']);
    const r = await call(h, {
      op,
      path: `${A}/dashboard/search?dashboardName=team&expand=owner,favourite,favouritedCount,isWritable,viewUrl,sharePermissions,editPermissions,description`,
      as: BOB,
    });
    const d = r.body.values[0];
    expect(d).toMatchObject({ isFavourite: true, popularity: 2, isWritable: true, description: 'What the team does' });
    expect(Object.keys(d.owner).sort()).toEqual(['accountId', 'active', 'avatarUrls', 'displayName', 'self']);
    expect(d.sharePermissions).toEqual([{ id: expect.any(Number), type: 'global' }]);
    expect(d.editPermissions[0]).toMatchObject({ type: 'user', user: { accountId: BOB } });
  });

  it('reads a dashboard, its gadgets and the gadgets’ item properties', async () => {
    const one = await call(h, { op: `GET ${A}/dashboard/{id}`, path: `${A}/dashboard/10000`, as: BOB });
    expect(one.body).toMatchObject({ id: '10000', name: 'Team dashboard', systemDashboard: false, isWritable: true });
    const gadgets = await call(h, {
      op: `GET ${A}/dashboard/{dashboardId}/gadget`,
      path: `${A}/dashboard/10000/gadget`,
      as: BOB,
    });
    expect(gadgets.body.gadgets.map((g: Body) => [g.id, g.color, g.position])).toEqual([
      [10000, 'blue', { row: 0, column: 0 }],
      [10001, 'red', { row: 1, column: 0 }],
      [10002, 'green', { row: 0, column: 1 }],
    ]);
    const filtered = await call(h, {
      op: `GET ${A}/dashboard/{dashboardId}/gadget`,
      path: `${A}/dashboard/10000/gadget?moduleKey=com.atlassian.jira.gadgets:filter-results-gadget&gadgetId=10002`,
      as: BOB,
    });
    expect(filtered.body.gadgets.map((g: Body) => g.id)).toEqual([10002]);
    const keys = await call(h, {
      op: `GET ${A}/dashboard/{dashboardId}/items/{itemId}/properties`,
      path: `${A}/dashboard/10000/items/10000/properties`,
      as: BOB,
    });
    expect(keys.body.keys.map((k: Body) => k.key)).toEqual(['config', 'isConfigured']);
    const value = await call(h, {
      op: `GET ${A}/dashboard/{dashboardId}/items/{itemId}/properties/{propertyKey}`,
      path: `${A}/dashboard/10000/items/10000/properties/config`,
      as: BOB,
    });
    expect(value.body).toEqual({
      key: 'config',
      value: { filterId: '10001', num: 10, columns: ['summary', 'status'] },
    });
    const hidden = await call(h, {
      op: `GET ${A}/dashboard/{dashboardId}/items/{itemId}/properties`,
      path: `${A}/dashboard/10001/items/10000/properties`,
      as: BOB,
    });
    expect(hidden.status).toBe(404);
  });
});

/**
 * Behaviour of user and group reads: the site directory (inactive and app users, hidden e-mail
 * addresses), bulk reads, groups and group membership paging.
 */
import { describe, expect, it } from 'vitest';
import { allPages, call, harness, type Body } from './config-harness.js';
import { type MemoryMeter } from '../../src/simulator/index.js';
import {
  ADMIN,
  ALICE,
  APP,
  BOB,
  CAROL,
  DAVE,
  EXTRA_USERS,
  G_DEVS,
  G_USERS,
  OUTSIDER,
} from '../support/fixture-config.js';

const A = '/rest/api/3';
const h = harness();

describe('GET /users/search', () => {
  const op = `GET ${A}/users/search`;

  it('lists every user of the site, including inactive and app users, as a bare array', async () => {
    const r = await call(h, { op, path: `${A}/users/search?maxResults=1000`, as: BOB });
    const byId = Object.fromEntries(r.body.map((u: Body) => [u.accountId, u]));
    expect(r.body).toHaveLength(6 + EXTRA_USERS.length);
    expect(byId[CAROL].active).toBe(false);
    expect(byId[APP].accountType).toBe('app');
    expect(byId[OUTSIDER]).toBeUndefined();
    expect(byId[BOB].emailAddress).toBe('bob@example.com');
    expect(byId[DAVE]).not.toHaveProperty('emailAddress');
  });

  it('pages with startAt/maxResults and charges two points per user', async () => {
    const seen: string[] = [];
    for (let startAt = 0; ; startAt += 25) {
      const r = await call(h, { op, path: `${A}/users/search?startAt=${startAt}&maxResults=25`, as: BOB });
      seen.push(...r.body.map((u: Body) => u.accountId));
      if (r.body.length < 25) break;
    }
    expect(seen).toHaveLength(66);
    expect(new Set(seen).size).toBe(66);
    await call(h, { op, path: `${A}/users/search?maxResults=5`, as: BOB });
    expect((h.sim.meter as MemoryMeter).records.at(-1)!.points).toBe(1 + 2 * 5);
  });

  it('returns at most 1000 users per page', async () => {
    const big = harness();
    for (let i = 0; i < 1100; i++) {
      const id = `acc-bulk-${i}`;
      big.fx.world.accounts.set(id, { ...big.fx.world.accounts.get(BOB)!, accountId: id, displayName: `Bulk ${i}` });
      big.fx.site.members.add(id);
    }
    const r = await call(big, { op, path: `${A}/users/search?maxResults=5000`, as: BOB });
    expect(r.body).toHaveLength(1000);
  });
});

describe('single and bulk user reads', () => {
  it('reads a user, with groups and application roles sized and listed on request', async () => {
    const op = `GET ${A}/user`;
    const plain = await call(h, { op, path: `${A}/user?accountId=${ALICE}`, as: BOB });
    expect(plain.body).toMatchObject({
      accountId: ALICE,
      displayName: 'Alice Lead',
      locale: 'en_GB',
      groups: { size: 2, items: [] },
      applicationRoles: { size: 2, items: [] },
    });
    const full = await call(h, { op, path: `${A}/user?accountId=${ALICE}&expand=groups,applicationRoles`, as: BOB });
    expect(full.body.groups.items.map((g: Body) => g.name)).toEqual(['jira-software-users', 'developers']);
    expect(full.body.applicationRoles.items.map((r: Body) => r.key)).toEqual(['jira-software', 'jira-servicedesk']);
    const hidden = await call(h, { op, path: `${A}/user?accountId=${DAVE}`, as: BOB });
    expect(hidden.body).not.toHaveProperty('emailAddress');
  });

  it('reads users in bulk, 10 per page by default, skipping unknown accounts', async () => {
    const op = `GET ${A}/user/bulk`;
    const ids = [ADMIN, ALICE, 'acc-nobody', ...EXTRA_USERS.slice(0, 10)];
    const q = ids.map((id) => `accountId=${id}`).join('&');
    const pages = await allPages(h, { op, path: `${A}/user/bulk?${q}`, as: BOB });
    expect(pages.map((p) => p.body.values.length)).toEqual([10, 2]);
    expect(pages[0]!.body.total).toBe(12);
    expect(pages.flatMap((p) => p.body.values.map((u: Body) => u.accountId))).toEqual(
      ids.filter((id) => id !== 'acc-nobody'),
    );
  });

  it('lists a user’s groups', async () => {
    const r = await call(h, { op: `GET ${A}/user/groups`, path: `${A}/user/groups?accountId=${CAROL}`, as: BOB });
    expect(r.body.map((g: Body) => g.name)).toEqual(['jira-software-users', 'developers']);
    expect(r.body[1].self).toContain(`groupId=${G_DEVS}`);
  });
});

describe('groups', () => {
  it('lists groups by name, filtered by id or name', async () => {
    const op = `GET ${A}/group/bulk`;
    const all = await call(h, { op, path: `${A}/group/bulk`, as: BOB });
    expect(all.body.values.map((g: Body) => g.name)).toEqual([
      'atlassian-addons',
      'developers',
      'empty-group',
      'jira-administrators',
      'jira-software-users',
      'secret-team',
    ]);
    const byName = await call(h, { op, path: `${A}/group/bulk?groupName=DEVELOPERS&groupId=${G_USERS}`, as: BOB });
    expect(byName.body.values).toEqual([]);
    const byId = await call(h, { op, path: `${A}/group/bulk?groupId=${G_USERS}&groupId=${G_DEVS}`, as: BOB });
    expect(byId.body.values.map((g: Body) => g.name)).toEqual(['developers', 'jira-software-users']);
  });

  it('pages group members 50 at a time at most, active users only unless asked', async () => {
    const op = `GET ${A}/group/member`;
    const pages = await allPages(h, { op, path: `${A}/group/member?groupId=${G_USERS}&maxResults=100`, as: BOB });
    expect(pages.map((p) => [p.body.maxResults, p.body.values.length])).toEqual([
      [50, 50],
      [50, 14],
    ]);
    expect(new URL(pages[0]!.body.nextPage).searchParams.get('groupId')).toBe(G_USERS);
    const names = pages.flatMap((p) => p.body.values.map((u: Body) => u.displayName));
    expect(names.slice(0, 4)).toEqual(['Ada Admin', 'Alice Lead', 'Bob Builder', 'Dave Hidden']);
    expect(names).not.toContain('Carol Gone');
    const inactive = await call(h, {
      op,
      path: `${A}/group/member?groupname=jira-software-users&includeInactiveUsers=true`,
      as: BOB,
    });
    expect(inactive.body.total).toBe(65);
    const both = await call(h, { op, path: `${A}/group/member?groupname=developers&groupId=${G_DEVS}`, as: BOB });
    expect(both.status).toBe(400);
    const empty = await call(h, { op, path: `${A}/group/member?groupname=empty-group`, as: BOB });
    expect(empty.body).toMatchObject({ total: 0, isLast: true, values: [] });
  });
});

/**
 * Behaviour of permission, notification and issue security scheme reads.
 */
import { describe, expect, it } from 'vitest';
import { call, harness, type Body } from './config-harness.js';
import { ADMIN, ALICE, BOB, G_ADMINS, G_DEVS } from '../support/fixture-config.js';

const A = '/rest/api/3';
const h = harness();

describe('permission schemes', () => {
  const op = `GET ${A}/permissionscheme`;

  it('lists schemes to any user; grants appear once any expand is given', async () => {
    const plain = await call(h, { op, path: `${A}/permissionscheme`, as: BOB });
    expect(plain.body.permissionSchemes.map((s: Body) => [s.id, s.name])).toEqual([
      [10000, 'Default Permission Scheme'],
      [10001, 'Secret Permission Scheme'],
    ]);
    expect(plain.body.permissionSchemes.every((s: Body) => !('permissions' in s))).toBe(true);
    const grants = await call(h, { op, path: `${A}/permissionscheme?expand=field`, as: BOB });
    expect(grants.body.permissionSchemes[0].permissions).toHaveLength(10);
  });

  it('renders holders as Jira does: group name as parameter, group id as value', async () => {
    const r = await call(h, {
      op: `GET ${A}/permissionscheme/{schemeId}`,
      path: `${A}/permissionscheme/10000?expand=permissions`,
      as: BOB,
    });
    const byId = Object.fromEntries(r.body.permissions.map((g: Body) => [g.id, g]));
    expect(byId[10106]).toMatchObject({
      permission: 'ADMINISTER_PROJECTS',
      holder: { type: 'group', parameter: 'jira-administrators', value: G_ADMINS, expand: 'group' },
    });
    expect(byId[10106].self).toMatch(/\/permissionscheme\/10000\/permission\/10106$/);
    expect(byId[10105].holder).toEqual({
      type: 'projectRole',
      parameter: '10002',
      value: '10002',
      expand: 'projectRole',
    });
    expect(byId[10108].holder).toEqual({ type: 'user', parameter: ADMIN, value: ADMIN, expand: 'user' });
    expect(byId[10100].holder).toEqual({ type: 'applicationRole' });
    expect(byId[10109].holder).toEqual({ type: 'projectLead' });
    const expanded = await call(h, {
      op: `GET ${A}/permissionscheme/{schemeId}`,
      path: `${A}/permissionscheme/10000?expand=group`,
      as: BOB,
    });
    const group = expanded.body.permissions.find((g: Body) => g.id === 10106);
    expect(group.holder).not.toHaveProperty('expand');
  });
});

describe('notification schemes', () => {
  const op = `GET ${A}/notificationscheme`;

  it('lists every scheme, by name, to Jira admins; only administered projects’ schemes to others', async () => {
    const admin = await call(h, { op, path: `${A}/notificationscheme`, as: ADMIN });
    expect(admin.body.values.map((s: Body) => s.name)).toEqual([
      'Archive Notifications',
      'Default Notification Scheme',
      'Secret Notification Scheme',
    ]);
    const alice = await call(h, { op, path: `${A}/notificationscheme`, as: ALICE });
    expect(alice.body.values.map((s: Body) => s.id)).toEqual([10000]);
    const bob = await call(h, { op, path: `${A}/notificationscheme`, as: BOB });
    expect(bob.body).toMatchObject({ total: 0, values: [], isLast: true });
  });

  it('filters by id, project and default', async () => {
    const ids = async (q: string): Promise<number[]> =>
      (await call(h, { op, path: `${A}/notificationscheme?${q}`, as: ADMIN })).body.values.map((s: Body) => s.id);
    expect(await ids('projectId=10004')).toEqual([10001]);
    expect(await ids('id=10002&id=10000')).toEqual([10002, 10000]);
    expect(await ids('onlyDefault=true')).toEqual([10000]);
    expect(await ids('onlyDefault=true&projectId=10004')).toEqual([]);
  });

  it('includes events only when asked, and embeds recipients per expand', async () => {
    const plain = await call(h, {
      op: `GET ${A}/notificationscheme/{id}`,
      path: `${A}/notificationscheme/10000`,
      as: ADMIN,
    });
    expect(plain.body).not.toHaveProperty('notificationSchemeEvents');
    expect(plain.body.projects).toContain(10000);

    const events = await call(h, {
      op: `GET ${A}/notificationscheme/{id}`,
      path: `${A}/notificationscheme/10000?expand=notificationSchemeEvents`,
      as: ADMIN,
    });
    const created = events.body.notificationSchemeEvents[0];
    expect(created.event).toMatchObject({ id: 1, name: 'Issue Created' });
    const group = created.notifications.find((n: Body) => n.notificationType === 'Group');
    expect(group).toEqual({
      id: 3,
      notificationType: 'Group',
      parameter: 'developers',
      recipient: G_DEVS,
      expand: 'group',
    });
    expect(events.body.notificationSchemeEvents[2].notifications).toEqual([]);

    const all = await call(h, {
      op: `GET ${A}/notificationscheme/{id}`,
      path: `${A}/notificationscheme/10000?expand=all`,
      as: ADMIN,
    });
    const byType = Object.fromEntries(
      all.body.notificationSchemeEvents[0].notifications.map((n: Body) => [n.notificationType, n]),
    );
    expect(Object.keys(byType).sort()).toEqual([
      'CurrentAssignee',
      'EmailAddress',
      'Group',
      'ProjectRole',
      'Reporter',
      'User',
      'UserCustomField',
    ]);
    expect(byType.Group.group).toMatchObject({ name: 'developers', groupId: G_DEVS });
    expect(byType.ProjectRole.projectRole).toMatchObject({ id: 10001, name: 'Developers' });
    expect(byType.User.user).toMatchObject({ accountId: ADMIN });
    expect(byType.EmailAddress.emailAddress).toBe('ops@example.com');
    expect(byType.UserCustomField.field).toMatchObject({ id: 'customfield_10024', custom: true });
    expect(all.body.notificationSchemeEvents[1].notifications[0].notificationType).toBe('AllWatchers');
  });
});

describe('issue security schemes', () => {
  it('lists schemes without levels; one scheme with its levels', async () => {
    const list = await call(h, { op: `GET ${A}/issuesecurityschemes`, path: `${A}/issuesecurityschemes`, as: ADMIN });
    expect(list.body.issueSecuritySchemes).toEqual([
      expect.objectContaining({ id: 10000, name: 'Alpha Security', defaultSecurityLevelId: 10000 }),
    ]);
    expect(list.body.issueSecuritySchemes[0]).not.toHaveProperty('levels');
    const one = await call(h, {
      op: `GET ${A}/issuesecurityschemes/{id}`,
      path: `${A}/issuesecurityschemes/10000`,
      as: ALICE,
    });
    expect(one.body.levels.map((l: Body) => [l.id, l.name, l.isDefault])).toEqual([
      ['10000', 'Staff', true],
      ['10001', 'Admins only', false],
    ]);
    const bob = await call(h, {
      op: `GET ${A}/issuesecurityschemes/{id}`,
      path: `${A}/issuesecurityschemes/10000`,
      as: BOB,
    });
    expect(bob.status).toBe(403);
  });
});

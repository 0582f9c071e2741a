/**
 * Behaviour of the project configuration reads: paging and capping of /project/search, project
 * visibility, expands, project details, properties, components, versions, roles, statuses and the
 * project's schemes. Every call is also contract-checked by the harness.
 */
import { describe, expect, it } from 'vitest';
import { allPages, call, harness } from './config-harness.js';
import { formatJiraDateTime } from '../../src/simulator/render/config.js';
import { type MemoryMeter } from '../../src/simulator/index.js';
import { ADMIN, ALICE, BOB, CAROL, DAVE, P_EXTRAS, T0 } from '../support/fixture-config.js';

const A = '/rest/api/3';
const SEARCH = `GET ${A}/project/search`;
const h = harness();

describe('GET /project/search', () => {
  const LIVE_KEYS = ['ALPHA', 'BETA', 'DESK', 'SECRET', 'TEAM', ...P_EXTRAS.map((_, i) => `EXT${i}`)].sort();

  it('pages with startAt/maxResults, nextPage only before the last page, ordered by key', async () => {
    const pages = await allPages(h, { op: SEARCH, path: `${A}/project/search?maxResults=6`, as: ADMIN });
    expect(pages.map((p) => p.body.values.length)).toEqual([6, 6, 3]);
    expect(pages.map((p) => p.body.startAt)).toEqual([0, 6, 12]);
    expect(pages.map((p) => p.body.isLast)).toEqual([false, false, true]);
    expect(pages.map((p) => 'nextPage' in p.body)).toEqual([true, true, false]);
    for (const p of pages) {
      expect(p.body.total).toBe(15);
      expect(p.body.maxResults).toBe(6);
      expect(new URL(p.body.self).searchParams.get('startAt')).toBe(String(p.body.startAt));
    }
    const keys = pages.flatMap((p) => p.body.values.map((v: { key: string }) => v.key));
    expect(keys).toEqual(LIVE_KEYS);
  });

  it('caps maxResults at 100 silently and echoes the cap', async () => {
    const r = await call(h, { op: SEARCH, path: `${A}/project/search?maxResults=500`, as: ADMIN });
    expect(r.body.maxResults).toBe(100);
    expect(r.body.values).toHaveLength(15);
    expect(r.body.isLast).toBe(true);
    const d = await call(h, { op: SEARCH, path: `${A}/project/search`, as: ADMIN });
    expect(d.body.maxResults).toBe(50);
  });

  it('lists only projects the caller may view: the restricted project is invisible to others', async () => {
    const keysFor = async (as: string): Promise<string[]> =>
      (await call(h, { op: SEARCH, path: `${A}/project/search?maxResults=100`, as })).body.values.map(
        (v: { key: string }) => v.key,
      );
    expect(await keysFor(BOB)).not.toContain('SECRET');
    expect(await keysFor(BOB)).toHaveLength(14);
    expect(await keysFor(ADMIN)).toContain('SECRET'); // Administer Jira views every project
    expect(await keysFor(DAVE)).toContain('SECRET'); // a member of the group the scheme grants
    const none = await call(h, { op: SEARCH, path: `${A}/project/search?keys=SECRET`, as: BOB });
    expect(none.body).toMatchObject({ total: 0, values: [], isLast: true });
  });

  it('filters archived and trashed projects with the experimental status parameter (admins only)', async () => {
    const admin = await call(h, { op: SEARCH, path: `${A}/project/search?status=archived,deleted`, as: ADMIN });
    const byKey = Object.fromEntries(admin.body.values.map((v: { key: string }) => [v.key, v]));
    expect(Object.keys(byKey).sort()).toEqual(['OLD', 'TRASH']);
    expect(byKey.OLD).toMatchObject({ archived: true, archivedBy: { accountId: ADMIN } });
    expect(byKey.OLD.archivedDate).toBe(formatJiraDateTime(T0 - 86_400_000));
    expect(byKey.TRASH).toMatchObject({ deleted: true, deletedBy: { accountId: ADMIN } });
    expect(byKey.TRASH.retentionTillDate).toBe(formatJiraDateTime(T0 - 2 * 86_400_000 + 60 * 86_400_000));
    const bob = await call(h, { op: SEARCH, path: `${A}/project/search?status=archived&status=deleted`, as: BOB });
    expect(bob.body.total).toBe(0);
  });

  it('adds expandable parts only when asked', async () => {
    const plain = await call(h, { op: SEARCH, path: `${A}/project/search?keys=ALPHA`, as: ALICE });
    const p = plain.body.values[0];
    for (const k of ['description', 'lead', 'issueTypes', 'url', 'projectKeys', 'permissions', 'insight'])
      expect(p).not.toHaveProperty(k);
    expect(p).toMatchObject({
      key: 'ALPHA',
      style: 'classic',
      simplified: false,
      projectCategory: { name: 'Engineering' },
    });

    const full = await call(h, {
      op: SEARCH,
      path: `${A}/project/search?keys=ALPHA&expand=description,lead,issueTypes,url,projectKeys,permissions,insight`,
      as: ALICE,
    });
    const e = full.body.values[0];
    expect(e.description).toBe('Alpha Software description');
    expect(e.lead.accountId).toBe(ALICE);
    expect(e.issueTypes.map((t: { name: string }) => t.name)).toEqual(['Epic', 'Story', 'Bug', 'Sub-task']);
    expect(e.url).toBe('https://alpha.example.com');
    expect(e.projectKeys).toEqual(['ALPHA', 'ALP']);
    expect(e.permissions).toEqual({ canEdit: true });
    expect(e.insight).toEqual({ totalIssueCount: 3, lastIssueUpdateTime: formatJiraDateTime(T0 + 5000) });
    const bob = await call(h, { op: SEARCH, path: `${A}/project/search?keys=ALPHA&expand=permissions`, as: BOB });
    expect(bob.body.values[0].permissions).toEqual({ canEdit: false });
  });

  it('filters by previous key, text, type and category, and orders as asked', async () => {
    const q = async (query: string): Promise<string[]> =>
      (await call(h, { op: SEARCH, path: `${A}/project/search?${query}`, as: ADMIN })).body.values.map(
        (v: { key: string }) => v.key,
      );
    expect(await q('keys=ALP')).toEqual(['ALPHA']);
    expect(await q('query=rocket')).toEqual(['TEAM']);
    expect(await q('typeKey=business,service_desk')).toEqual(['BETA', 'DESK']);
    expect(await q('categoryId=10000')).toEqual(['ALPHA']);
    expect(await q('id=10003&id=10001')).toEqual(['BETA', 'DESK']);
    expect((await q('orderBy=-key')).slice(0, 2)).toEqual(['TEAM', 'SECRET']);
    expect((await q('orderBy=-issueCount')).slice(0, 3)).toEqual(['ALPHA', 'BETA', 'SECRET']);
    expect(await q('action=edit&maxResults=100')).toHaveLength(15);
  });

  it('charges one point plus one per project returned', async () => {
    const meter = h.sim.meter as MemoryMeter;
    await call(h, { op: SEARCH, path: `${A}/project/search?maxResults=4`, as: ADMIN });
    expect(meter.records.at(-1)).toMatchObject({ route: `${A}/project/search`, status: 200, points: 5 });
  });
});

describe('GET /project/{projectIdOrKey}', () => {
  const GET = `GET ${A}/project/{projectIdOrKey}`;

  it('returns the full project: lead, components, versions, roles and issue types by default', async () => {
    const r = await call(h, { op: GET, path: `${A}/project/ALPHA`, as: BOB });
    expect(r.body).toMatchObject({
      id: '10000',
      key: 'ALPHA',
      assigneeType: 'PROJECT_LEAD',
      lead: { accountId: ALICE },
    });
    expect(r.body.components.map((c: { name: string }) => c.name)).toEqual(['Backend', 'Frontend', 'Docs']);
    expect(r.body.versions.map((v: { name: string }) => v.name)).toEqual(['1.0', '1.1', '2.0', '3.0']);
    expect(Object.keys(r.body.roles).sort()).toEqual(['Administrators', 'Developers', 'Viewers']);
    expect(r.body.roles.Developers).toMatch(/\/rest\/api\/3\/project\/10000\/role\/10001$/);
    expect(r.body).not.toHaveProperty('projectKeys');
  });

  it('resolves previous keys and ids, and answers 404 for projects the caller cannot view', async () => {
    expect((await call(h, { op: GET, path: `${A}/project/ALP`, as: BOB })).body.key).toBe('ALPHA');
    expect((await call(h, { op: GET, path: `${A}/project/10000`, as: BOB })).body.key).toBe('ALPHA');
    expect((await call(h, { op: GET, path: `${A}/project/SECRET`, as: BOB })).status).toBe(404);
    expect((await call(h, { op: GET, path: `${A}/project/SECRET`, as: ADMIN })).status).toBe(200);
    expect((await call(h, { op: GET, path: `${A}/project/OLD`, as: BOB })).status).toBe(404);
    expect((await call(h, { op: GET, path: `${A}/project/OLD`, as: ADMIN })).body.archived).toBe(true);
    expect((await call(h, { op: GET, path: `${A}/project/TRASH`, as: ADMIN })).status).toBe(404);
  });

  it('renders a team-managed project with its project-scoped issue types', async () => {
    const r = await call(h, { op: GET, path: `${A}/project/TEAM?expand=issueTypeHierarchy`, as: BOB });
    expect(r.body).toMatchObject({ style: 'next-gen', simplified: true });
    expect(r.body.issueTypes.map((t: { id: string }) => t.id)).toEqual(['10010', '10011']);
    expect(r.body.issueTypes[0].scope).toEqual({ type: 'PROJECT', project: { id: '10002' } });
    expect(r.body.issueTypes[0].entityId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.body.issueTypeHierarchy.levels.map((l: { level: number }) => l.level)).toEqual([0, 1]);
  });

  it('includes only the requested project properties', async () => {
    const r = await call(h, { op: GET, path: `${A}/project/ALPHA?properties=alpha.flag,nope`, as: BOB });
    expect(r.body.properties).toEqual({ 'alpha.flag': true });
  });
});

describe('project properties, components and versions', () => {
  it('lists property keys and returns values', async () => {
    const keys = await call(h, {
      op: `GET ${A}/project/{projectIdOrKey}/properties`,
      path: `${A}/project/ALPHA/properties`,
      as: BOB,
    });
    expect(keys.body.keys.map((k: { key: string }) => k.key)).toEqual(['alpha.config', 'alpha.flag']);
    const v = await call(h, {
      op: `GET ${A}/project/{projectIdOrKey}/properties/{propertyKey}`,
      path: `${A}/project/ALPHA/properties/alpha.config`,
      as: BOB,
    });
    expect(v.body).toEqual({ key: 'alpha.config', value: { board: 7, flags: ['x', 'y'] } });
  });

  it('pages components with issue counts and resolves their default assignees', async () => {
    const op = `GET ${A}/project/{projectIdOrKey}/component`;
    const pages = await allPages(h, { op, path: `${A}/project/ALPHA/component?maxResults=2`, as: BOB });
    expect(pages.map((p) => p.body.values.length)).toEqual([2, 1]);
    const all = pages.flatMap((p) => p.body.values);
    const byName = Object.fromEntries(all.map((c: { name: string }) => [c.name, c]));
    expect(byName.Backend).toMatchObject({
      issueCount: 2,
      realAssigneeType: 'COMPONENT_LEAD',
      realAssignee: { accountId: BOB },
    });
    expect(byName.Frontend).toMatchObject({
      issueCount: 1,
      realAssigneeType: 'PROJECT_LEAD',
      realAssignee: { accountId: ALICE },
    });
    expect(byName.Docs).toMatchObject({ issueCount: 0, isAssigneeTypeValid: false, realAssigneeType: 'PROJECT_LEAD' });
    const ordered = await call(h, { op, path: `${A}/project/ALPHA/component?orderBy=-issueCount`, as: BOB });
    expect(ordered.body.values.map((c: { name: string }) => c.name)).toEqual(['Backend', 'Frontend', 'Docs']);
    const text = await call(h, { op, path: `${A}/project/ALPHA/component?query=front`, as: BOB });
    expect(text.body.values.map((c: { name: string }) => c.name)).toEqual(['Frontend']);
    const compass = await call(h, { op, path: `${A}/project/ALPHA/component?componentSource=compass`, as: BOB });
    expect(compass.body.total).toBe(0);
  });

  it('lists all components as a bare array, and one by id', async () => {
    const r = await call(h, {
      op: `GET ${A}/project/{projectIdOrKey}/components`,
      path: `${A}/project/ALPHA/components`,
      as: BOB,
    });
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body[0]).toMatchObject({ name: 'Backend', leadAccountId: BOB, project: 'ALPHA', projectId: 10000 });
    const one = await call(h, { op: `GET ${A}/component/{id}`, path: `${A}/component/10001`, as: BOB });
    expect(one.body.name).toBe('Frontend');
  });

  it('filters and orders versions, flags overdue ones and counts their issues by status category', async () => {
    const op = `GET ${A}/project/{projectIdOrKey}/version`;
    const names = async (query: string): Promise<string[]> =>
      (await call(h, { op, path: `${A}/project/ALPHA/version?${query}`, as: BOB })).body.values.map(
        (v: { name: string }) => v.name,
      );
    expect(await names('status=released')).toEqual(['1.0']);
    expect(await names('status=archived')).toEqual(['1.1']);
    expect(await names('status=unreleased')).toEqual(['2.0', '3.0']);
    expect(await names('orderBy=releaseDate')).toEqual(['2.0', '1.0', '1.1', '3.0']);
    expect(await names('orderBy=-sequence')).toEqual(['3.0', '2.0', '1.1', '1.0']);
    const r = await call(h, { op, path: `${A}/project/ALPHA/version?expand=issuesstatus`, as: BOB });
    const byName = Object.fromEntries(r.body.values.map((v: { name: string }) => [v.name, v]));
    expect(byName['1.0']).toMatchObject({
      userReleaseDate: '15/Jan/2024',
      userStartDate: '1/Dec/2023',
      overdue: false,
    });
    expect(byName['1.0'].issuesStatusForFixVersion).toEqual({ toDo: 0, inProgress: 1, done: 1, unmapped: 0 });
    expect(byName['2.0'].overdue).toBe(true);
    expect(byName['3.0']).not.toHaveProperty('overdue');
    const bare = await call(h, {
      op: `GET ${A}/project/{projectIdOrKey}/versions`,
      path: `${A}/project/ALPHA/versions`,
      as: BOB,
    });
    expect(bare.body).toHaveLength(4);
    expect(bare.body[0]).not.toHaveProperty('issuesStatusForFixVersion');
    const one = await call(h, { op: `GET ${A}/version/{id}`, path: `${A}/version/10002`, as: BOB });
    expect(one.body).toMatchObject({ name: '2.0', projectId: 10000, released: false });
  });
});

describe('project roles', () => {
  it('gives the name → URL map to project administrators only', async () => {
    const op = `GET ${A}/project/{projectIdOrKey}/role`;
    const r = await call(h, { op, path: `${A}/project/ALPHA/role`, as: ALICE });
    expect(Object.keys(r.body).sort()).toEqual(['Administrators', 'Developers', 'Viewers']);
    expect((await call(h, { op, path: `${A}/project/ALPHA/role`, as: BOB })).status).toBe(404);
  });

  it('lists a role’s actors sorted by display name, optionally without inactive users', async () => {
    const op = `GET ${A}/project/{projectIdOrKey}/role/{id}`;
    const r = await call(h, { op, path: `${A}/project/ALPHA/role/10001`, as: ALICE });
    expect(r.body.actors.map((a: { displayName: string }) => a.displayName)).toEqual([
      'Bob Builder',
      'Carol Gone',
      'developers',
    ]);
    expect(r.body.actors[2]).toMatchObject({ type: 'atlassian-group-role-actor', actorGroup: { name: 'developers' } });
    expect(r.body.actors[0]).toMatchObject({ type: 'atlassian-user-role-actor', actorUser: { accountId: BOB } });
    expect(r.body).toMatchObject({ name: 'Developers', id: 10001, currentUserRole: true, admin: false });
    const active = await call(h, { op, path: `${A}/project/ALPHA/role/10001?excludeInactiveUsers=true`, as: ALICE });
    expect(active.body.actors.map((a: { actorUser?: { accountId: string } }) => a.actorUser?.accountId)).not.toContain(
      CAROL,
    );
    expect((await call(h, { op, path: `${A}/project/ALPHA/role/99999`, as: ALICE })).status).toBe(404);
  });

  it('details every role, flags the admin role, and filters to the caller’s roles', async () => {
    const op = `GET ${A}/project/{projectIdOrKey}/roledetails`;
    const r = await call(h, { op, path: `${A}/project/ALPHA/roledetails`, as: ADMIN });
    expect(r.body.map((d: { name: string; admin: boolean }) => [d.name, d.admin])).toEqual([
      ['Administrators', true],
      ['Developers', false],
      ['Viewers', false],
    ]);
    const mine = await call(h, { op, path: `${A}/project/ALPHA/roledetails?currentMember=true`, as: ALICE });
    expect(mine.body.map((d: { name: string }) => d.name)).toEqual(['Administrators', 'Developers']);
  });

  it('lists the site’s roles for Jira admins only', async () => {
    const r = await call(h, { op: `GET ${A}/role`, path: `${A}/role`, as: ADMIN });
    expect(r.body.map((x: { id: number }) => x.id)).toEqual([10002, 10001, 10003]);
    expect((await call(h, { op: `GET ${A}/role`, path: `${A}/role`, as: ALICE })).status).toBe(403);
  });
});

describe('project statuses and schemes', () => {
  it('gives the statuses of each issue type’s workflow', async () => {
    const op = `GET ${A}/project/{projectIdOrKey}/statuses`;
    const r = await call(h, { op, path: `${A}/project/ALPHA/statuses`, as: BOB });
    const byType = Object.fromEntries(
      r.body.map((t: { name: string; statuses: Array<{ name: string }> }) => [t.name, t.statuses.map((s) => s.name)]),
    );
    expect(byType.Story).toEqual(['Backlog', 'To Do', 'In Progress', 'In Review', 'Done']);
    expect(byType.Bug).toEqual(['To Do', 'In Progress', 'Done']);
    const team = await call(h, { op, path: `${A}/project/TEAM/statuses`, as: BOB });
    expect(team.body[0].statuses[1]).toMatchObject({
      name: 'Team Doing',
      scope: { type: 'PROJECT', project: { id: '10002' } },
    });
  });

  it('returns the project’s permission scheme to its administrators, with grants when expanded', async () => {
    const op = `GET ${A}/project/{projectKeyOrId}/permissionscheme`;
    const plain = await call(h, { op, path: `${A}/project/ALPHA/permissionscheme`, as: ALICE });
    expect(plain.body).toMatchObject({ id: 10000, name: 'Default Permission Scheme' });
    expect(plain.body).not.toHaveProperty('permissions');
    const full = await call(h, { op, path: `${A}/project/ALPHA/permissionscheme?expand=permissions`, as: ALICE });
    expect(full.body.permissions).toHaveLength(10);
  });

  it('returns the project’s notification scheme with its events', async () => {
    const op = `GET ${A}/project/{projectKeyOrId}/notificationscheme`;
    const r = await call(h, { op, path: `${A}/project/SECRET/notificationscheme?expand=all`, as: DAVE });
    expect(r.body).toMatchObject({ id: 10001, name: 'Secret Notification Scheme', projects: [10004] });
    expect(r.body.notificationSchemeEvents[0].notifications).toEqual([{ id: 1, notificationType: 'Reporter' }]);
  });

  it('lists project categories', async () => {
    const r = await call(h, { op: `GET ${A}/projectCategory`, path: `${A}/projectCategory`, as: BOB });
    expect(r.body.map((c: { name: string }) => c.name)).toEqual(['Engineering', 'Business']);
  });
});

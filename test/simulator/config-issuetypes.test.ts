/**
 * Behaviour of issue type, issue type scheme and issue type screen scheme reads.
 */
import { describe, expect, it } from 'vitest';
import { allPages, call, harness } from './config-harness.js';
import { ADMIN, BOB, DAVE, OUTSIDER } from '../support/fixture-config.js';

const A = '/rest/api/3';
const h = harness();
const ids = (list: Array<{ id: string }>): string[] => list.map((x) => x.id);

describe('issue types', () => {
  it('shows every issue type to Jira admins and only the types of viewable projects to others', async () => {
    const op = `GET ${A}/issuetype`;
    expect(ids((await call(h, { op, path: `${A}/issuetype`, as: ADMIN })).body)).toEqual([
      '10000',
      '10001',
      '10002',
      '10003',
      '10004',
      '10005',
      '10010',
      '10011',
    ]);
    // Incident (10005) is used only by the restricted project.
    expect(ids((await call(h, { op, path: `${A}/issuetype`, as: BOB })).body)).not.toContain('10005');
    expect(ids((await call(h, { op, path: `${A}/issuetype`, as: DAVE })).body)).toContain('10005');
    expect((await call(h, { op, path: `${A}/issuetype`, as: OUTSIDER })).body).toEqual([]);
  });

  it('reads one issue type, answering 404 when the caller cannot see it', async () => {
    const op = `GET ${A}/issuetype/{id}`;
    const r = await call(h, { op, path: `${A}/issuetype/10004`, as: BOB });
    expect(r.body).toMatchObject({ id: '10004', name: 'Sub-task', subtask: true, hierarchyLevel: -1 });
    expect((await call(h, { op, path: `${A}/issuetype/10005`, as: BOB })).status).toBe(404);
    const team = await call(h, { op, path: `${A}/issuetype/10010`, as: BOB });
    expect(team.body.scope).toEqual({ type: 'PROJECT', project: { id: '10002' } });
  });
});

describe('issue type schemes', () => {
  const op = `GET ${A}/issuetypescheme`;

  it('lists the schemes of company-managed projects, paged', async () => {
    const pages = await allPages(h, { op, path: `${A}/issuetypescheme?maxResults=2`, as: ADMIN });
    expect(pages.map((p) => ids(p.body.values))).toEqual([
      ['10000', '10001'],
      ['10003', '10004'],
    ]);
    expect(pages[0]!.body.values[0]).toEqual({
      id: '10000',
      name: 'Default Issue Type Scheme',
      description: 'Every global issue type',
      defaultIssueTypeId: '10001',
      isDefault: true,
    });
  });

  it('filters by id and name and orders by name', async () => {
    expect(ids((await call(h, { op, path: `${A}/issuetypescheme?id=10004&id=10001`, as: ADMIN })).body.values)).toEqual(
      ['10001', '10004'],
    );
    expect(ids((await call(h, { op, path: `${A}/issuetypescheme?queryString=SCRUM`, as: ADMIN })).body.values)).toEqual(
      ['10001'],
    );
    expect(ids((await call(h, { op, path: `${A}/issuetypescheme?orderBy=-name`, as: ADMIN })).body.values)).toEqual([
      '10003',
      '10004',
      '10000',
      '10001',
    ]);
  });

  it('expands the projects and issue types of each scheme', async () => {
    const r = await call(h, { op, path: `${A}/issuetypescheme?expand=projects,issueTypes&id=10001`, as: ADMIN });
    const s = r.body.values[0];
    expect(s.projects.values.map((p: { key: string }) => p.key)).toEqual(['ALPHA']);
    expect(ids(s.issueTypes.values)).toEqual(['10000', '10003', '10002', '10004']);
  });

  it('maps schemes to issue types', async () => {
    const r = await call(h, {
      op: `GET ${A}/issuetypescheme/mapping`,
      path: `${A}/issuetypescheme/mapping?issueTypeSchemeId=10004`,
      as: ADMIN,
    });
    expect(r.body.values).toEqual([
      { issueTypeSchemeId: '10004', issueTypeId: '10001' },
      { issueTypeSchemeId: '10004', issueTypeId: '10005' },
    ]);
    const all = await call(h, {
      op: `GET ${A}/issuetypescheme/mapping`,
      path: `${A}/issuetypescheme/mapping`,
      as: ADMIN,
    });
    expect(all.body.total).toBe(5 + 4 + 1 + 2);
  });

  it('groups requested projects by scheme, ignoring team-managed and unknown projects', async () => {
    const r = await call(h, {
      op: `GET ${A}/issuetypescheme/project`,
      path: `${A}/issuetypescheme/project?projectId=10000&projectId=10001&projectId=10002&projectId=10003&projectId=99999`,
      as: ADMIN,
    });
    expect(
      r.body.values.map((v: { issueTypeScheme: { id: string }; projectIds: string[] }) => [
        v.issueTypeScheme.id,
        v.projectIds,
      ]),
    ).toEqual([
      ['10000', ['10001', '10003']],
      ['10001', ['10000']],
    ]);
  });
});

describe('issue type screen schemes', () => {
  it('lists schemes with their projects, items and project associations', async () => {
    const list = await call(h, {
      op: `GET ${A}/issuetypescreenscheme`,
      path: `${A}/issuetypescreenscheme?expand=projects`,
      as: ADMIN,
    });
    expect(ids(list.body.values)).toEqual(['1', '10000']);
    expect(list.body.values[1].projects.values.map((p: { key: string }) => p.key)).toEqual([
      'ALPHA',
      'SECRET',
      ...Array.from({ length: 10 }, (_, i) => `EXT${i}`),
    ]);
    const items = await call(h, {
      op: `GET ${A}/issuetypescreenscheme/mapping`,
      path: `${A}/issuetypescreenscheme/mapping?issueTypeScreenSchemeId=10000`,
      as: ADMIN,
    });
    expect(items.body.values).toEqual([
      // Issue-type items first, the default item last (as in Jira's documented example).
      { issueTypeScreenSchemeId: '10000', issueTypeId: '10002', screenSchemeId: '10000' },
      { issueTypeScreenSchemeId: '10000', issueTypeId: 'default', screenSchemeId: '1' },
    ]);
    const projects = await call(h, {
      op: `GET ${A}/issuetypescreenscheme/project`,
      path: `${A}/issuetypescreenscheme/project?projectId=10000&projectId=10001`,
      as: ADMIN,
    });
    expect(
      projects.body.values.map((v: { issueTypeScreenScheme: { id: string }; projectIds: string[] }) => [
        v.issueTypeScreenScheme.id,
        v.projectIds,
      ]),
    ).toEqual([
      ['1', ['10001']],
      ['10000', ['10000']],
    ]);
  });
});

/**
 * Behaviour of screen, tab, tab-field and screen scheme reads.
 */
import { describe, expect, it } from 'vitest';
import { allPages, call, harness, type Body } from './config-harness.js';
import { ADMIN, ALICE, BOB } from '../support/fixture-config.js';

const A = '/rest/api/3';
const h = harness();
type J = Body;

describe('screens', () => {
  const op = `GET ${A}/screens`;

  it('pages screens (default 100) and filters them by id and name', async () => {
    const first = await call(h, { op, path: `${A}/screens`, as: ADMIN });
    expect(first.body).toMatchObject({ maxResults: 100, total: 4, isLast: true });
    expect(first.body.values[0]).toEqual({ id: 1, name: 'Default Screen', description: 'All system fields' });
    const pages = await allPages(h, { op, path: `${A}/screens?maxResults=3`, as: ADMIN });
    expect(pages.map((p) => p.body.values.map((s: J) => s.id))).toEqual([[1, 2, 10000], [10001]]);
    expect(
      (await call(h, { op, path: `${A}/screens?queryString=bug`, as: ADMIN })).body.values.map((s: J) => s.id),
    ).toEqual([10000]);
    expect((await call(h, { op, path: `${A}/screens?id=2&id=10001`, as: ADMIN })).body.total).toBe(2);
    expect((await call(h, { op, path: `${A}/screens?scope=PROJECT`, as: ADMIN })).body.total).toBe(0);
  });

  it('lists tabs and tab fields, to admins and to administrators of a project using the screen', async () => {
    const tabs = await call(h, { op: `GET ${A}/screens/{screenId}/tabs`, path: `${A}/screens/1/tabs`, as: ADMIN });
    expect(tabs.body).toEqual([
      { id: 10000, name: 'Field Tab' },
      { id: 10001, name: 'More' },
    ]);
    const fields = await call(h, {
      op: `GET ${A}/screens/{screenId}/tabs/{tabId}/fields`,
      path: `${A}/screens/1/tabs/10001/fields`,
      as: ADMIN,
    });
    expect(fields.body).toEqual([
      { id: 'customfield_10022', name: 'Region' },
      { id: 'customfield_10023', name: 'Notes' },
      { id: 'duedate', name: 'Due date' },
    ]);
    const asLead = await call(h, {
      op: `GET ${A}/screens/{screenId}/tabs`,
      path: `${A}/screens/10000/tabs?projectKey=ALPHA`,
      as: ALICE,
    });
    expect(asLead.body).toEqual([{ id: 10003, name: 'Bug' }]);
    // A screen the project does not use, or a project the caller does not administer: 403.
    const unused = await call(h, {
      op: `GET ${A}/screens/{screenId}/tabs`,
      path: `${A}/screens/10001/tabs?projectKey=ALPHA`,
      as: ALICE,
    });
    expect(unused.status).toBe(403);
    const notAdmin = await call(h, {
      op: `GET ${A}/screens/{screenId}/tabs`,
      path: `${A}/screens/1/tabs?projectKey=BETA`,
      as: BOB,
    });
    expect(notAdmin.status).toBe(403);
  });
});

describe('screen schemes', () => {
  const op = `GET ${A}/screenscheme`;

  it('pages 25 by default and gives screen ids per operation', async () => {
    const r = await call(h, { op, path: `${A}/screenscheme`, as: ADMIN });
    expect(r.body.maxResults).toBe(25);
    expect(r.body.values).toEqual([
      { id: 1, name: 'Default Screen Scheme', description: 'Default', screens: { default: 1 } },
      {
        id: 10000,
        name: 'Bug Screen Scheme',
        description: 'Bugs',
        screens: { default: 1, create: 10000, edit: 1, view: 1 },
      },
    ]);
    expect((await call(h, { op, path: `${A}/screenscheme?maxResults=1000`, as: ADMIN })).body.maxResults).toBe(100);
  });

  it('expands the issue type screen schemes that use each screen scheme', async () => {
    const r = await call(h, { op, path: `${A}/screenscheme?expand=issueTypeScreenSchemes&orderBy=-id`, as: ADMIN });
    expect(r.body.values.map((s: J) => [s.id, s.issueTypeScreenSchemes.values.map((i: J) => i.id)])).toEqual([
      [10000, ['10000']],
      [1, ['1', '10000']],
    ]);
  });
});

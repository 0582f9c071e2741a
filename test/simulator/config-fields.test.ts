/**
 * Behaviour of the field reads: the /field catalogue (compared with a real recorded one), the admin
 * field search with its expands, custom field contexts and their mappings, and context options.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allPages, call, harness } from './config-harness.js';
import { formatJiraDateTime } from '../../src/simulator/render/config.js';
import { sharedDir } from '../../tools/shared-path.js';
import { ADMIN, BOB, DAVE, T0 } from '../support/fixture-config.js';

const A = '/rest/api/3';
const h = harness();
type FieldJson = { id: string; [k: string]: unknown };

function recordedFields(): FieldJson[] {
  const file = path.join(sharedDir(), 'jira-recorded/atlascode-wiremock/mockedteams/field.json');
  const mapping = JSON.parse(readFileSync(file, 'utf8')) as { response: { body: string } };
  return JSON.parse(mapping.response.body) as FieldJson[];
}

describe('GET /field', () => {
  const op = `GET ${A}/field`;

  it('has the shape of a real /field answer (without the v2-only untranslatedName)', async () => {
    const recorded = recordedFields();
    const ours = (await call(h, { op, path: `${A}/field`, as: BOB })).body as FieldJson[];
    const realById = new Map(recorded.map((f) => [f.id, f]));
    let compared = 0;
    for (const f of ours.filter((x) => !x.custom)) {
      const real = realById.get(f.id);
      if (!real || !real.schema) continue;
      compared += 1;
      const { untranslatedName: _u, ...realRest } = real;
      expect(Object.keys(f).sort(), f.id).toEqual(Object.keys(realRest).sort());
      expect(f.schema, f.id).toEqual(real.schema);
      expect([f.custom, f.navigable, f.searchable], f.id).toEqual([real.custom, real.navigable, real.searchable]);
    }
    expect(compared).toBeGreaterThan(15);
    const realSelect = recorded.find((f) => (f.schema as { custom?: string })?.custom?.endsWith(':select'))!;
    const ourSelect = ours.find((f) => f.id === 'customfield_10020')!;
    expect(Object.keys(ourSelect.schema as object).sort()).toEqual(Object.keys(realSelect.schema as object).sort());
    expect(ourSelect.clauseNames).toEqual(['cf[10020]', 'Severity']);
  });

  it('returns fields used in viewable projects and follows the global settings', async () => {
    const idsFor = async (as: string): Promise<string[]> =>
      ((await call(h, { op, path: `${A}/field`, as })).body as FieldJson[]).map((f) => f.id);
    const bob = await idsFor(BOB);
    expect(bob).toContain('customfield_10020');
    expect(bob).not.toContain('customfield_10024'); // only the restricted project uses it
    expect(bob).not.toContain('customfield_10027'); // no context: unused
    expect(bob).not.toContain('votes'); // voting is off on this site
    expect(bob).toContain('watches');
    expect(await idsFor(DAVE)).toContain('customfield_10024');
    const team = ((await call(h, { op, path: `${A}/field`, as: BOB })).body as FieldJson[]).find(
      (f) => f.id === 'customfield_10050',
    )!;
    expect(team.scope).toMatchObject({ type: 'PROJECT', project: { id: '10002', key: 'TEAM' } });

    const h2 = harness();
    h2.fx.site.data.settings.votingEnabled = true;
    h2.fx.site.data.settings.timeTrackingEnabled = false;
    const ids2 = ((await call(h2, { op, path: `${A}/field`, as: BOB })).body as FieldJson[]).map((f) => f.id);
    expect(ids2).toContain('votes');
    expect(ids2).not.toContain('timetracking');
    expect(ids2).not.toContain('worklog');
  });
});

describe('GET /field/search', () => {
  const op = `GET ${A}/field/search`;

  it('pages custom fields of company-managed projects', async () => {
    const pages = await allPages(h, { op, path: `${A}/field/search?type=custom&maxResults=3`, as: ADMIN });
    expect(pages.map((p) => p.body.values.length)).toEqual([3, 3, 3]);
    const ids = pages.flatMap((p) => p.body.values.map((f: FieldJson) => f.id));
    expect(ids).toHaveLength(9);
    expect(ids).not.toContain('customfield_10050');
    expect(ids.every((id) => id.startsWith('customfield_'))).toBe(true);
  });

  it('adds each expand only when asked', async () => {
    const plain = await call(h, { op, path: `${A}/field/search?id=customfield_10020`, as: ADMIN });
    expect(plain.body.values[0]).toEqual({
      id: 'customfield_10020',
      name: 'Severity',
      description: 'How bad it is',
      schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10020 },
    });
    const all = await call(h, {
      op,
      path: `${A}/field/search?id=customfield_10020,customfield_10026,customfield_10025,summary&expand=key,stableId,lastUsed,screensCount,contextsCount,isLocked,searcherKey`,
      as: ADMIN,
    });
    const byId = Object.fromEntries(all.body.values.map((f: FieldJson) => [f.id, f]));
    expect(byId.customfield_10020).toMatchObject({
      key: 'customfield_10020',
      stableId: 'sfid:customfield_10020',
      isLocked: false,
      searcherKey: 'com.atlassian.jira.plugin.system.customfieldtypes:multiselectsearcher',
      screensCount: 2,
      contextsCount: 2,
      lastUsed: { type: 'TRACKED', value: formatJiraDateTime(T0 + 1000) },
    });
    expect(byId.customfield_10026).toMatchObject({ isLocked: true, contextsCount: 1, screensCount: 0 });
    expect(byId.customfield_10025.lastUsed).toEqual({ type: 'NO_INFORMATION' });
    expect(byId.summary.lastUsed).toEqual({ type: 'NOT_TRACKED' });
    expect(byId.summary).not.toHaveProperty('searcherKey');
  });

  it('searches names and descriptions and orders by counts', async () => {
    const q = await call(h, { op, path: `${A}/field/search?query=BAD`, as: ADMIN });
    expect(q.body.values.map((f: FieldJson) => f.id)).toEqual(['customfield_10020']);
    const ordered = await call(h, {
      op,
      path: `${A}/field/search?type=custom&orderBy=-contextsCount&maxResults=1`,
      as: ADMIN,
    });
    expect(ordered.body.values[0].id).toBe('customfield_10020');
    const sys = await call(h, { op, path: `${A}/field/search?type=system&maxResults=100`, as: ADMIN });
    expect(sys.body.values.some((f: FieldJson) => f.id.startsWith('customfield_'))).toBe(false);
    expect(sys.body.values.map((f: FieldJson) => f.id)).not.toContain('votes');
  });
});

describe('custom field contexts and options', () => {
  it('lists contexts, filtered by scope flags and ids', async () => {
    const op = `GET ${A}/field/{fieldId}/context`;
    const all = await call(h, { op, path: `${A}/field/customfield_10020/context`, as: ADMIN });
    expect(all.body.values).toEqual([
      {
        id: '10100',
        name: 'Default Severity',
        description: 'Default Severity (context)',
        isGlobalContext: true,
        isAnyIssueType: true,
      },
      {
        id: '10101',
        name: 'Alpha bugs',
        description: 'Alpha bugs (context)',
        isGlobalContext: false,
        isAnyIssueType: false,
      },
    ]);
    const global = await call(h, { op, path: `${A}/field/customfield_10020/context?isGlobalContext=false`, as: ADMIN });
    expect(global.body.values.map((c: FieldJson) => c.id)).toEqual(['10101']);
    const byId = await call(h, { op, path: `${A}/field/customfield_10020/context?contextId=10100`, as: ADMIN });
    expect(byId.body.total).toBe(1);
  });

  it('maps contexts to projects and issue types', async () => {
    const projects = await call(h, {
      op: `GET ${A}/field/{fieldId}/context/projectmapping`,
      path: `${A}/field/customfield_10020/context/projectmapping`,
      as: ADMIN,
    });
    expect(projects.body.values).toEqual([
      { contextId: '10100', isGlobalContext: true },
      { contextId: '10101', projectId: '10000' },
    ]);
    const types = await call(h, {
      op: `GET ${A}/field/{fieldId}/context/issuetypemapping`,
      path: `${A}/field/customfield_10020/context/issuetypemapping`,
      as: ADMIN,
    });
    expect(types.body.values).toEqual([
      { contextId: '10100', isAnyIssueType: true },
      { contextId: '10101', issueTypeId: '10001' },
      { contextId: '10101', issueTypeId: '10002' },
    ]);
  });

  it('pages options 100 at a time and caps larger pages at 100', async () => {
    const op = `GET ${A}/field/{fieldId}/context/{contextId}/option`;
    const pages = await allPages(h, { op, path: `${A}/field/customfield_10020/context/10100/option`, as: ADMIN });
    expect(pages.map((p) => [p.body.startAt, p.body.maxResults, p.body.values.length, p.body.isLast])).toEqual([
      [0, 100, 100, false],
      [100, 100, 20, true],
    ]);
    expect(pages[0]!.body.values[7]).toEqual({ id: '20007', value: 'Severity 008', disabled: true });
    const capped = await call(h, {
      op,
      path: `${A}/field/customfield_10020/context/10100/option?maxResults=1000`,
      as: ADMIN,
    });
    expect(capped.body.maxResults).toBe(100);
  });

  it('returns options before cascading options, which name their parent', async () => {
    const op = `GET ${A}/field/{fieldId}/context/{contextId}/option`;
    const r = await call(h, { op, path: `${A}/field/customfield_10022/context/10103/option`, as: ADMIN });
    expect(r.body.values.map((o: FieldJson) => [o.value, o.optionId ?? null])).toEqual([
      ['Europe', null],
      ['Americas', null],
      ['France', '30000'],
      ['Germany', '30000'],
      ['Brazil', '30001'],
    ]);
    const only = await call(h, {
      op,
      path: `${A}/field/customfield_10022/context/10103/option?onlyOptions=true`,
      as: ADMIN,
    });
    expect(only.body.values.map((o: FieldJson) => o.value)).toEqual(['Europe', 'Americas']);
    const one = await call(h, {
      op,
      path: `${A}/field/customfield_10022/context/10103/option?optionId=30000`,
      as: ADMIN,
    });
    expect(one.body.values.map((o: FieldJson) => o.value)).toEqual(['Europe', 'France', 'Germany']);
  });
});

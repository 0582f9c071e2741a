import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../src/core/index.js';
import { generateWorld, GENERATION_END } from '../../src/simulator/generator/index.js';
import { dumpSite, dumpSiteChunks, GROUND_TRUTH_FORMAT } from '../../src/simulator/world/dump.js';
import { contentBytes } from '../../src/simulator/world/content.js';
import { FIELD_IDS } from '../../src/simulator/world/fields.js';
import { textDoc } from '../../src/simulator/world/adf.js';
import { addComment, mutationContext } from '../../src/simulator/mutate/index.js';
import type { Site, World } from '../../src/simulator/world/types.js';

type Obj = Record<string, unknown>;
let world: World;
let site: Site;
let dump: Obj;

beforeAll(() => {
  world = generateWorld({ seed: 11, size: 'tiny' });
  site = [...world.sites.values()][0]!;
  dump = dumpSite(site, world.accounts);
});

function visit(value: unknown, fn: (key: string, v: unknown, path: string) => void, path = ''): void {
  if (Array.isArray(value)) value.forEach((v, i) => visit(v, fn, `${path}/${i}`));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      fn(k, v, `${path}/${k}`);
      visit(v, fn, `${path}/${k}`);
    }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('dumpSite', () => {
  it('is plain JSON: ids as strings, times as ISO strings, no Maps or Sets', () => {
    expect(dump.format).toBe(GROUND_TRUTH_FORMAT);
    expect(JSON.parse(canonicalJson(dump))).toEqual(dump);
    let ids = 0;
    let times = 0;
    visit(dump, (key, v, path) => {
      expect(v instanceof Map || v instanceof Set, path).toBe(false);
      if (
        path.includes('/fields/') ||
        path.includes('/body/') ||
        path.includes('/properties/') ||
        path.includes('/items/')
      )
        return;
      if (key === 'id' || key === 'originBoardId' || key === 'projectId' || key === 'issueId' || key === 'worklogId') {
        expect(typeof v, path).toBe('string');
        ids++;
      }
      if (
        [
          'created',
          'updated',
          'started',
          'startDate',
          'endDate',
          'completeDate',
          'createdDate',
          'updatedTime',
          'resolutionDate',
          'statusCategoryChangeDate',
        ].includes(key) &&
        typeof v !== 'undefined'
      ) {
        if (path.includes('/versions/')) return; // version dates are Jira dates (YYYY-MM-DD)
        expect(v, path).toMatch(ISO);
        times++;
      }
    });
    expect(ids).toBeGreaterThan(1000);
    expect(times).toBeGreaterThan(1000);
  });

  it('holds every entity of the site', () => {
    const d = site.data;
    const issues = dump.issues as Obj[];
    expect(issues.length).toBe(d.issues.size);
    const sum = (f: (o: Obj) => unknown[]): number => issues.reduce((n, i) => n + f(i).length, 0);
    expect(sum((i) => i.comments as unknown[])).toBe([...d.issues.values()].reduce((n, i) => n + i.comments.length, 0));
    expect(sum((i) => i.worklogs as unknown[])).toBe([...d.issues.values()].reduce((n, i) => n + i.worklogs.length, 0));
    expect(sum((i) => i.changelog as unknown[])).toBe(
      [...d.issues.values()].reduce((n, i) => n + i.changelog.length, 0),
    );
    expect(sum((i) => i.attachments as unknown[])).toBe(d.attachments.size);
    expect((dump.links as unknown[]).length).toBe(d.links.size);
    expect((dump.projects as unknown[]).length).toBe(d.projects.size);
    expect((dump.boards as unknown[]).length).toBe(d.boards.size);
    expect((dump.sprints as unknown[]).length).toBe(d.sprints.size);
    expect((dump.serviceDesks as unknown[]).length).toBe(d.serviceDesks.size);
    expect((dump.requestTypes as unknown[]).length).toBe(d.requestTypes.size);
    expect((dump.groups as unknown[]).length).toBe(d.groups.size);
    const config = dump.config as Record<string, unknown[]>;
    for (const [key, map] of [
      ['statuses', d.statuses],
      ['fields', d.fields],
      ['fieldContexts', d.fieldContexts],
      ['workflows', d.workflows],
      ['screens', d.screens],
      ['permissionSchemes', d.permissionSchemes],
      ['filters', d.filters],
      ['dashboards', d.dashboards],
    ] as const)
      expect(config[key]!.length, key).toBe(map.size);
    const users = dump.users as Array<{ membership: string; displayName?: string }>;
    expect(users.filter((u) => u.membership === 'member').length).toBe(site.members.size);
    expect(users.filter((u) => u.membership === 'customer').length).toBe(site.customers!.size);
    expect(users.every((u) => typeof u.displayName === 'string')).toBe(true);
    // Issues sorted by numeric id.
    const ids = issues.map((i) => Number(i.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('gives attachment sizes and the SHA-256 of their bytes, sprint ids as strings and rank order', () => {
    const issues = dump.issues as Array<{
      attachments: Array<{ id: string; sha256: string; size: number }>;
      fields: Obj;
      key: string;
      projectId: string;
    }>;
    let checked = 0;
    for (const issue of issues) {
      for (const a of issue.attachments) {
        const att = site.data.attachments.get(a.id)!;
        if (att.size > 2_000_000) continue; // hashing the largest file once is enough elsewhere
        expect(a.sha256).toBe(sha256Hex(contentBytes(site.data.contents.get(att.contentId)!)));
        expect(a.size).toBe(att.size);
        checked++;
      }
      const sprint = issue.fields[FIELD_IDS.sprint];
      if (sprint) for (const s of sprint as unknown[]) expect(typeof s).toBe('string');
    }
    expect(checked).toBeGreaterThan(5);
    const order = dump.rankOrder as Record<string, string[]>;
    for (const p of site.data.projects.values()) {
      const expected = [...site.data.issues.values()]
        .filter((i) => i.projectId === p.id)
        .sort((a, b) => (String(a.fields[FIELD_IDS.rank]) < String(b.fields[FIELD_IDS.rank]) ? -1 : 1))
        .map((i) => i.key);
      expect(order[p.key] ?? []).toEqual(expected);
    }
  });

  it('changes exactly where the site changed', () => {
    const before = dumpSite(site, world.accounts);
    const issue = [...site.data.issues.values()][3]!;
    const ctx = mutationContext(world, site, GENERATION_END + 1000, [...site.members][0]!);
    addComment(ctx, issue, { body: textDoc('ground truth sees this') });
    const after = dumpSite(site, world.accounts);
    const changed = (after.issues as Obj[]).filter(
      (x, i) => canonicalJson(x) !== canonicalJson((before.issues as Obj[])[i]),
    );
    expect(changed.map((x) => x.id)).toEqual([issue.id]);
    expect(JSON.stringify(changed[0]!.comments)).toContain('ground truth sees this');
    expect(canonicalJson(after.config)).toBe(canonicalJson(before.config));
  });
});

describe('dumpSiteChunks', () => {
  it('streams exactly the canonical JSON of dumpSite, one issue at a time', () => {
    const chunks = [...dumpSiteChunks(site, world.accounts)];
    expect(chunks.join('')).toBe(canonicalJson(dumpSite(site, world.accounts)));
    expect(chunks.length).toBeGreaterThan(site.data.issues.size);
  });
});

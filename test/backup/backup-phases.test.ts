import { describe, expect, it } from 'vitest';
import type { BackupReport } from '../../src/backup/run.js';
import type { SnapshotReader, TreeEntry } from '../../src/store/index.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { addGroupMember } from '../../src/simulator/mutate/index.js';
import { dumpSite } from '../../src/simulator/world/dump.js';
import { backupBench, type BackupBench } from '../support/backup-harness.js';
import { compareWithGroundTruth } from '../support/ground-truth.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PEOPLE_CALLS = ['GET /rest/api/3/users/search', 'GET /rest/api/3/group/bulk', 'GET /rest/api/3/group/member'];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const peopleRequests = (r: BackupReport): number =>
  PEOPLE_CALLS.reduce((n, k) => n + (r.points.byEndpoint[k]?.requests ?? 0), 0);

async function entry(reader: SnapshotReader, path: string[]): Promise<TreeEntry> {
  const e = await reader.lookup(path);
  if (!e) throw new Error(`${path.join('/')} is not in snapshot ${reader.snapshot.id}`);
  return e;
}

async function record(reader: SnapshotReader, path: string[]): Promise<Json> {
  const e = await entry(reader, path);
  if (e.type !== 'record') throw new Error(`${path.join('/')} is not a record`);
  return reader.readRecord<Json>(e.blob);
}

/** A group of the site and an account of the site that is not in it. */
function groupAndOutsider(bench: BackupBench): { groupId: string; accountId: string } {
  for (const g of bench.site.data.groups.values()) {
    const outsider = [...bench.site.members].find((id) => !g.members.has(id));
    if (outsider) return { groupId: g.groupId, accountId: outsider };
  }
  throw new Error('every member is in every group');
}

describe('people on their own cadence', () => {
  it('reuses the parent’s people until they are older than peopleMaxAgeMs; full runs always refresh', async () => {
    const bench = await backupBench({ seed: 1, size: 'tiny' });
    const first = await bench.backup();
    const firstReader = await bench.repo.openSnapshotReader(first.snapshot);
    expect(peopleRequests(first)).toBeGreaterThan(0);
    expect((await record(firstReader, ['people', 'taken-at'])).takenAtMs).toBe(Date.parse(first.startedAt));
    const users = first.entities.stored as Record<string, number>;
    expect(users.user).toBe(bench.site.members.size);
    expect(users.group).toBe(bench.site.data.groups.size);

    // A membership change one day later: the incremental run keeps the parent's people as they were.
    const { groupId, accountId } = groupAndOutsider(bench);
    bench.clock.advance(DAY);
    addGroupMember(
      { world: bench.sim.world, site: bench.site, now: bench.clock.now(), actorId: FIXED_ACCOUNT_IDS.demoAdmin },
      groupId,
      accountId,
    );
    const second = await bench.backup();
    expect(second.mode).toBe('incremental');
    expect(peopleRequests(second)).toBe(0);
    const secondReader = await bench.repo.openSnapshotReader(second.snapshot);
    expect(await entry(secondReader, ['people'])).toEqual(await entry(firstReader, ['people']));
    expect((second.entities.reused as Record<string, number>).user).toBe(bench.site.members.size);
    expect((await record(secondReader, ['people', 'groups', groupId])).members).not.toContain(accountId);

    // A shorter maximum age makes the same situation refresh. (Runs are a minute apart: the parent
    // is the newest snapshot, and two snapshots of the same fake instant would tie.)
    bench.clock.advance(MINUTE);
    const third = await bench.backup({ peopleMaxAgeMs: DAY / 2 });
    expect(third.mode).toBe('incremental');
    expect(peopleRequests(third)).toBeGreaterThan(0);
    const thirdReader = await bench.repo.openSnapshotReader(third.snapshot);
    expect((await record(thirdReader, ['people', 'groups', groupId])).members).toContain(accountId);
    expect((await record(thirdReader, ['people', 'taken-at'])).takenAtMs).toBe(Date.parse(third.startedAt));

    // Six days later (under the default 7 from the third run): reused again; eight days: refreshed.
    bench.clock.advance(6 * DAY);
    expect(peopleRequests(await bench.backup())).toBe(0);
    bench.clock.advance(2 * DAY);
    expect(peopleRequests(await bench.backup())).toBeGreaterThan(0);

    // A full run reads people even when the parent's are fresh.
    bench.clock.advance(MINUTE);
    const full = await bench.backup({ full: true });
    expect(full.mode).toBe('full');
    expect(peopleRequests(full)).toBeGreaterThan(0);
  });
});

describe('the ground-truth comparison of phases and configuration details', () => {
  it('notices a change in every kind it compares', async () => {
    const bench = await backupBench({ seed: 1, size: 'tiny' });
    const report = await bench.backup();
    const reader = await bench.repo.openSnapshotReader(report.snapshot);
    const options = { backupAccountId: FIXED_ACCOUNT_IDS.demoAdmin, bytes: false };
    const before = await compareWithGroundTruth(
      reader,
      JSON.parse(JSON.stringify(dumpSite(bench.site, bench.sim.world.accounts))),
      options,
    );
    expect(before.lines).toEqual([]);

    // Change the site after the backup, one thing of each kind, straight in its stored data.
    const d = bench.site.data;
    const { groupId, accountId } = groupAndOutsider(bench);
    d.groups.get(groupId)!.members.add(accountId);
    const member = bench.sim.world.accounts.get([...bench.site.members][0]!)!;
    member.displayName = `${member.displayName} (renamed)`;
    const board = [...d.boards.values()].find((b) => b.type === 'scrum')!;
    board.properties.set('tidemark.test', { changed: true });
    const sprint = [...d.sprints.values()].find((s) => s.originBoardId === board.id)!;
    sprint.goal = 'A different goal';
    const rankField = [...d.fields.values()].find(
      (f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-lexo-rank',
    )!;
    const ranked = [...d.issues.values()].filter((i) => i.projectId === board.projectId);
    const [a, b] = [ranked[0]!, ranked[1]!];
    [a.fields[rankField.id], b.fields[rankField.id]] = [b.fields[rankField.id], a.fields[rankField.id]];
    [...d.requestTypes.values()][0]!.name = 'Renamed request type';
    const optionContext = [...d.fieldContexts.values()].find((c) => c.options.length > 0)!;
    optionContext.options[0]!.value = 'Renamed option';
    const screen = [...d.screens.values()][0]!;
    screen.tabs[0]!.fieldIds.pop();
    const securityScheme = [...d.issueSecuritySchemes.values()][0]!;
    securityScheme.levels[0]!.name = 'Renamed level';
    const dashboard = d.dashboards.get((await dashboardIds(reader))[0]!)!;
    dashboard.gadgets[0]!.properties.set('config', { changed: true });
    const filter = [...d.filters.values()].find(
      (f) => f.ownerAccountId === FIXED_ACCOUNT_IDS.demoAdmin || f.sharePermissions.length > 0,
    )!;
    filter.columns.reverse();
    const itScheme = [...d.issueTypeSchemes.values()].find(
      (s) =>
        s.issueTypeIds.length > 1 &&
        [...d.projects.values()].some((p) => p.style === 'classic' && p.issueTypeSchemeId === s.id),
    )!;
    itScheme.issueTypeIds.reverse();
    const itss = [...d.issueTypeScreenSchemes.values()][0]!;
    itss.mappings['10000'] = itss.mappings.default!;

    const after = await compareWithGroundTruth(
      reader,
      JSON.parse(JSON.stringify(dumpSite(bench.site, bench.sim.world.accounts))),
      options,
    );
    const expected = [
      'groups',
      `user ${member.accountId}.displayName`,
      `board ${board.id}.properties`,
      'sprints',
      'rank order',
      'request types',
      `field ${optionContext.fieldId} context ${optionContext.id}.options`,
      `screen ${screen.id}.tabs`,
      `security scheme ${securityScheme.id} levels`,
      `dashboard ${dashboard.id}.gadgets`,
      `filter ${filter.id} columns`,
      `issue type scheme ${itScheme.id}.issueTypeIds`,
      `issue type screen scheme ${itss.id}.mappings`,
    ];
    for (const prefix of expected)
      expect(
        after.lines.some((l) => l.startsWith(prefix)),
        prefix,
      ).toBe(true);
  });
});

async function dashboardIds(reader: SnapshotReader): Promise<string[]> {
  const dir = await entry(reader, ['config', 'dashboard']);
  const out: string[] = [];
  if (dir.type === 'tree') for await (const e of reader.list(dir.tree)) out.push(e.name);
  return out;
}

describe('completeness against the ground truth (small site)', () => {
  it('a full backup of a small site equals the ground truth', async () => {
    const bench = await backupBench({ seed: 2, size: 'small' });
    const report = await bench.backup();
    const reader = await bench.repo.openSnapshotReader(report.snapshot);
    const truth = JSON.parse(JSON.stringify(dumpSite(bench.site, bench.sim.world.accounts)));
    // Attachment bytes are checked on the tiny site; here every record and every file's presence and metadata.
    const diff = await compareWithGroundTruth(reader, truth, {
      backupAccountId: FIXED_ACCOUNT_IDS.demoAdmin,
      bytes: false,
    });
    expect(diff.lines.slice(0, 30)).toEqual([]);
    expect(report.issues.total).toBe((truth.issues as unknown[]).length);
  });
});

/**
 * Incremental backups (P4 acceptance 2): after a scripted mix of changes, an incremental backup's
 * snapshot equals the new ground truth, and it fetched only what changed.
 */
import { describe, expect, it } from 'vitest';
import { applyOp, type Op } from '../../src/simulator/control/world.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { moveIssuesToSprint } from '../../src/simulator/mutate/agile.js';
import { mutationContext } from '../../src/simulator/mutate/index.js';
import { dumpSite } from '../../src/simulator/world/dump.js';
import type { Issue } from '../../src/simulator/index.js';
import { backupBench, type BackupBench } from '../support/backup-harness.js';
import { compareWithGroundTruth } from '../support/ground-truth.js';

const ADMIN = FIXED_ACCOUNT_IDS.demoAdmin;

async function expectEqualsGroundTruth(bench: BackupBench, snapshot: string): Promise<void> {
  const reader = await bench.repo.openSnapshotReader(snapshot);
  const truth = JSON.parse(JSON.stringify(dumpSite(bench.site, bench.sim.world.accounts)));
  const diff = await compareWithGroundTruth(reader, truth, { backupAccountId: ADMIN });
  expect(diff.lines.slice(0, 20)).toEqual([]);
}

/** Picks distinct issues for each change, deterministically. */
function picker(issues: Issue[]): (pred: (i: Issue) => boolean, what: string) => Issue {
  const used = new Set<string>();
  return (pred, what) => {
    const found = issues.find((i) => !used.has(i.id) && pred(i));
    if (!found) throw new Error(`the tiny site has no issue for: ${what}`);
    used.add(found.id);
    return found;
  };
}

describe('incremental backup', () => {
  it('after edits, comments, worklog and issue deletions, a move, a config and a sprint change, equals the new ground truth', async () => {
    const bench = await backupBench({ seed: 4, size: 'tiny' });
    const full = await bench.backup();
    expect(full.mode).toBe('full');

    bench.clock.advance(3_600_000);
    const site = bench.site;
    const issues = [...site.data.issues.values()].sort((a, b) => Number(a.id) - Number(b.id));
    const pick = picker(issues);
    const project = (i: Issue): string => site.data.projects.get(i.projectId)!.key;
    const sprintField = [...site.data.fields.values()].find(
      (f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-sprint',
    )!.id;
    const edited = pick((i) => project(i) === 'DEV', 'edit');
    const commented = pick(() => true, 'comment add');
    const commentEdited = pick((i) => i.comments.length > 1, 'comment edit');
    const commentDeleted = pick((i) => i.comments.length > 1, 'comment delete');
    const worklogDeleted = pick((i) => i.worklogs.length > 0, 'worklog delete');
    const attached = pick(() => true, 'attachment add');
    const deleted = pick(
      (i) => i.linkIds.length > 0 && issues.every((x) => x.fields.parent !== i.id),
      'delete (linked, no subtasks)',
    );
    const moved = pick(
      (i) => project(i) === 'DEV' && !i.fields.parent && issues.every((x) => x.fields.parent !== i.id),
      'move',
    );
    const sprinted = pick(
      (i) => project(i) === 'DEV' && i.fields[sprintField] === undefined && !i.fields.parent,
      'sprint',
    );
    const context = [...site.data.fieldContexts.values()].find((c) => c.options.length > 0)!;
    const ops: Op[] = [
      { op: 'edit', issue: edited.key, fields: { summary: 'Edited after the full backup' } },
      { op: 'comment-add', issue: commented.key, body: 'A comment added after the full backup' },
      { op: 'comment-edit', issue: commentEdited.key, comment: commentEdited.comments[0]!.id, body: 'Edited comment' },
      { op: 'comment-delete', issue: commentDeleted.key, comment: commentDeleted.comments[0]!.id },
      { op: 'worklog-delete', issue: worklogDeleted.key, worklog: worklogDeleted.worklogs[0]!.id },
      { op: 'attachment-add', issue: attached.key, filename: 'notes.txt', text: 'new bytes after the full backup' },
      { op: 'issue-delete', issue: deleted.key, deleteSubtasks: true },
      { op: 'issue-move', issue: moved.key, project: 'TEAM' },
      { op: 'config-change', kind: 'option-add', contextId: context.id, value: 'Added after the full backup' },
    ];
    for (const op of ops) applyOp(mutationContext(bench.sim.world, site, bench.clock.now(), ADMIN), op);
    const board = [...site.data.boards.values()].find((b) => b.type === 'scrum' && b.projectId === sprinted.projectId)!;
    const open = [...site.data.sprints.values()].find((s) => s.originBoardId === board.id && s.state !== 'closed')!;
    moveIssuesToSprint(site, ADMIN, bench.clock.now(), open.id, [sprinted]);

    bench.clock.advance(60_000);
    const inc = await bench.backup();
    expect(inc.mode).toBe('incremental');
    expect(inc.parent).toBe(full.snapshot);
    await expectEqualsGroundTruth(bench, inc.snapshot);
    // Only what changed was fetched: the changed issues and those linked to the deleted one.
    expect(inc.issues.deleted).toBe(1);
    expect(inc.issues.hydrated).toBeLessThan(20);
    expect(inc.issues.reused).toBeGreaterThan(issues.length - 20);
    // Issue work is proportional to what changed; configuration is re-read every run (small on
    // real sites; the medium-site figures are in bench/RESULTS.md).
    const issuePoints = (r: typeof full): number =>
      Object.entries(r.points.byEndpoint)
        .filter(([k]) => /\/(issue|comment|worklog|changelog|attachment)\b/.test(k))
        .reduce((n, [, u]) => n + u.points, 0);
    expect(issuePoints(inc)).toBeLessThan(issuePoints(full) / 4);
    expect(inc.points.total).toBeLessThan(full.points.total / 2);
  });

  it('with no changes, costs only the id walk, the change query and the feeds', async () => {
    const bench = await backupBench({ seed: 5, size: 'tiny' });
    await bench.backup();
    bench.clock.advance(3_600_000);
    const inc = await bench.backup();
    expect(inc.issues.hydrated).toBe(0);
    // Nothing per issue: only the probe for issues the index may not list yet (one identifier-only
    // bulk fetch, a single point) touches an issue endpoint.
    const issueCalls = Object.entries(inc.points.byEndpoint).filter(([k]) => k.includes('/issue/'));
    expect(issueCalls).toEqual([['POST /rest/api/3/issue/bulkfetch', { requests: 1, points: 1 }]]);
    // Configuration: the audit log shows no change, so only what Jira does not audit (filters,
    // dashboards, board configuration and sprints, JSM) is read again.
    const configCalls = Object.keys(inc.points.byEndpoint).filter(
      (k) =>
        !/search\/jql|issue\/bulkfetch|worklog\/|myself|serverInfo|\/rest\/agile\/|\/rest\/servicedeskapi\/|dashboard|filter/.test(
          k,
        ),
    );
    expect(configCalls).toEqual(['GET /rest/api/3/auditing/record']);
    expect(inc.points.byEndpoint['GET /rest/api/3/project/search']).toBeUndefined();
    await expectEqualsGroundTruth(bench, inc.snapshot);
  });

  it('reads configuration again when the audit log is not available (free plan)', async () => {
    const bench = await backupBench({ seed: 5, size: 'tiny' });
    bench.site.data.settings.plan = 'free';
    await bench.backup();
    bench.clock.advance(3_600_000);
    const inc = await bench.backup();
    expect(inc.points.byEndpoint['GET /rest/api/3/project/search']?.requests).toBeGreaterThan(0);
    expect(inc.points.byEndpoint['GET /rest/api/3/field']?.requests).toBeGreaterThan(0);
    await expectEqualsGroundTruth(bench, inc.snapshot);
  });
});

describe('the watermark query', () => {
  it("finds changes when the backup account's time zone is far from UTC (Jira reads JQL dates in it)", async () => {
    const bench = await backupBench({ seed: 6, size: 'tiny' });
    bench.sim.world.accounts.get(ADMIN)!.timeZone = 'America/Los_Angeles';
    await bench.backup();
    bench.clock.advance(3_600_000);
    const issue = [...bench.site.data.issues.values()][3]!;
    applyOp(mutationContext(bench.sim.world, bench.site, bench.clock.now(), ADMIN), {
      op: 'edit',
      issue: issue.key,
      fields: { summary: 'Changed while the account lives in California' },
    });
    bench.clock.advance(60_000);
    const inc = await bench.backup();
    expect(inc.issues.reasons.updated).toBeGreaterThanOrEqual(1);
    await expectEqualsGroundTruth(bench, inc.snapshot);
  });
});

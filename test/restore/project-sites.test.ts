/**
 * P5 acceptance 3 and 8: a whole project restored under a new key on the same site, and the same
 * snapshot restored into a second simulated site with different ids — both pass verification, and
 * links and key mentions point to the new keys. Into the other site, every unmapped user or field
 * is a gap listed before apply, and apply refuses until each has a decision.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../src/restore/executor/journal.js';
import { applyPlan } from '../../src/restore/executor/executor.js';
import type { Gap } from '../../src/restore/plan.js';
import type { RestoreSource } from '../../src/restore/source.js';
import { JiraTarget } from '../../src/restore/targets/jira.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { issueDump } from '../../src/simulator/world/dump.js';
import { backupBench, type BackupBench } from '../support/backup-harness.js';
import { compareRestoredIssue, rankOrderDiff } from '../support/restore-compare.js';
import { apply, openSource, plan, problems, restoreMaps, verify } from '../support/restore-harness.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ADMIN = FIXED_ACCOUNT_IDS.demoAdmin;
let bench: BackupBench;
let source: RestoreSource;
let originals: Map<string, Obj>;

beforeAll(async () => {
  bench = await backupBench({ seed: 4, size: 'tiny' });
  const backup = await bench.backup();
  source = await openSource(bench, backup.snapshot);
  const dev = [...bench.site.data.projects.values()].find((p) => p.key === 'DEV')!;
  originals = new Map(
    [...bench.site.data.issues.values()]
      .filter((i) => i.projectId === dev.id)
      .map((i) => [i.id, issueDump(bench.site, i) as Obj]),
  );
}, 120_000);

/** Every restored issue's links to other restored issues, and key mentions, use the new keys. */
function newKeysOnly(text: string, oldKeys: Set<string>): string[] {
  return [...text.matchAll(/\b([A-Z][A-Z0-9_]+-\d+)\b/g)].map((m) => m[1]!).filter((k) => oldKeys.has(k));
}

describe('a whole project under a new key on the same site', () => {
  it('restores every issue of DEV into DEVR, verified, with links and mentions on the new keys', async () => {
    const p = await plan(bench, source, {
      kind: 'project',
      project: 'DEV',
      targetKey: 'DEVR',
      targetName: 'Development (restored)',
    });
    expect(p.gaps).toEqual([]);
    const run = await apply(bench, source, p);
    expect(run.report.failed).toEqual([]);
    expect(run.applied.perIssue429s).toBe(0);
    const project = [...bench.site.data.projects.values()].find((x) => x.key === 'DEVR');
    expect(project?.name).toBe('Development (restored)');

    const fidelity = await verify(bench, source, run);
    expect(problems(fidelity).slice(0, 20)).toEqual([]);
    expect(fidelity.totals.mismatch).toBe(0);

    const maps = restoreMaps(run.report, originals.values());
    expect(maps.issues.size).toBe(originals.size);
    const diffs: string[] = [];
    for (const [id, dump] of originals) {
      const restored = bench.site.data.issues.get(maps.issues.get(id)!)!;
      expect(restored.key.startsWith('DEVR-')).toBe(true);
      diffs.push(...compareRestoredIssue({ dump, site: bench.site }, restored, bench.site, maps, { restorer: ADMIN }));
    }
    expect(diffs.slice(0, 30)).toEqual([]);
    expect(rankOrderDiff(originals.values(), bench.site, maps)).toEqual([]);

    // Links between DEV issues now join DEVR issues; mentions of DEV keys in restored text are gone.
    const restored = [...maps.issues.values()].map((id) => bench.site.data.issues.get(id)!);
    const devKeys = new Set([...originals.values()].map((d) => String(d.key)));
    const linked = restored.flatMap((i) => i.linkIds.map((l) => bench.site.data.links.get(l)!));
    const internal = linked.filter((l) => maps.issues.has(l.inwardIssueId) || maps.issues.has(l.outwardIssueId));
    expect(internal).toEqual([]); // no restored issue links back to an original DEV issue
    const mentions = restored.flatMap((i) =>
      newKeysOnly(JSON.stringify([i.fields.description, i.comments.map((c) => c.body)]), devKeys),
    );
    expect(mentions).toEqual([]);
  });
});

describe('the same snapshot into another site', () => {
  it('lists every gap before apply, refuses until decided, then restores and verifies', async () => {
    const undecided = await plan(
      bench,
      source,
      { kind: 'project', project: 'DEV', targetKey: 'DEVX' },
      { targetSite: 'globex' },
    );
    // Gaps (users of acme that globex lacks, at least) are listed with their use counts.
    expect(undecided.gaps.length).toBeGreaterThan(0);
    for (const g of undecided.gaps) expect(g.usedBy).toBeGreaterThan(0);
    expect(undecided.gaps.some((g) => g.kind === 'users')).toBe(true);
    // Apply refuses before writing anything.
    const before = bench.siteNamed('globex').data.issues.size;
    await expect(
      applyPlan({
        plan: undecided,
        target: new JiraTarget({ client: bench.clientFor('globex') }),
        journal: new MemoryJournal(),
        readSource: (path) => source.readFile(path),
      }),
    ).rejects.toThrow(/unmapped items? without a decision/);
    expect(bench.siteNamed('globex').data.issues.size).toBe(before);

    // Decide: users without a match fall back to the admin; anything else is skipped.
    const decisions: Gap[] = undecided.gaps.map((g) =>
      g.kind === 'users'
        ? { ...g, decision: { fallback: ADMIN } }
        : { ...g, decision: g.suggestion ? { map: g.suggestion.target } : { skip: true } },
    );
    const decided = await plan(
      bench,
      source,
      { kind: 'project', project: 'DEV', targetKey: 'DEVX' },
      { targetSite: 'globex', decisions },
    );
    expect(decided.gaps.every((g) => g.decision)).toBe(true);
    const run = await apply(bench, source, decided, { targetSite: 'globex' });
    expect(run.report.failed).toEqual([]);
    const fidelity = await verify(bench, source, run, 'globex');
    expect(problems(fidelity).slice(0, 20)).toEqual([]);
    expect(fidelity.totals.mismatch).toBe(0);

    const globex = bench.siteNamed('globex');
    const maps = restoreMaps(run.report, originals.values());
    expect(maps.issues.size).toBe(originals.size);
    const devKeys = new Set([...originals.values()].map((d) => String(d.key)));
    for (const [id, dump] of originals) {
      const restored = globex.data.issues.get(maps.issues.get(id)!)!;
      expect(restored.key.startsWith('DEVX-')).toBe(true);
      expect(restored.comments).toHaveLength((dump.comments ?? []).length);
      expect(restored.worklogs).toHaveLength((dump.worklogs ?? []).length);
      expect(restored.attachmentIds).toHaveLength((dump.attachments ?? []).length);
      // Links among DEV issues come back between the new issues (links to other projects cannot:
      // those issues are not on this site, and the report says so).
      const wantLinks = ((dump.linkIds ?? []) as string[])
        .map((l) => bench.site.data.links.get(l)!)
        .filter((l) => originals.has(l.inwardIssueId) && originals.has(l.outwardIssueId))
        .map((l) => `${maps.issues.get(l.inwardIssueId)}>${maps.issues.get(l.outwardIssueId)}`)
        .sort();
      const gotLinks = restored.linkIds
        .map((l) => globex.data.links.get(l)!)
        .map((l) => `${l.inwardIssueId}>${l.outwardIssueId}`)
        .sort();
      expect(gotLinks).toEqual(wantLinks);
      const text = JSON.stringify([restored.fields.description, restored.comments.map((c) => c.body)]);
      expect(newKeysOnly(text, devKeys)).toEqual([]);
    }
  });
});

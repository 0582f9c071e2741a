/**
 * The verifier on a re-created issue (what Jira cannot set kept in `tidemark.provenance` and the
 * comment header) and on a field rollback plan (chosen fields restored, the rest left alone).
 */
import { describe, expect, it } from 'vitest';
import { applyOp } from '../../src/simulator/control/world.js';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { mutationContext } from '../../src/simulator/mutate/index.js';
import { DERIVED_FIELDS } from '../../src/jira/fields.js';
import { PROVENANCE_KEY, type Provenance, type Step } from '../../src/restore/plan.js';
import type { JournalEntry } from '../../src/restore/ports.js';
import { RestoreSource } from '../../src/restore/source.js';
import { verifyRestore } from '../../src/restore/verifier/index.js';
import { backupBench } from '../support/backup-harness.js';
import { basePlan, bundles } from './verifier-support.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ADMIN = FIXED_ACCOUNT_IDS.demoAdmin;

describe('verifyRestore with provenance', () => {
  it('classifies a re-created issue and its comments as kept with provenance, and a wrong provenance as a mismatch', async () => {
    const bench = await backupBench({ seed: 3, size: 'tiny' });
    const backup = await bench.backup();
    const source = await RestoreSource.open(await bench.repo.openSnapshotReader(backup.snapshot));
    const live = [...bench.site.data.issues.values()].sort((a, b) => Number(a.id) - Number(b.id));
    const orig = live.find(
      (i) =>
        i.comments.length === 2 &&
        i.worklogs.length === 0 &&
        i.attachmentIds.length === 0 &&
        i.linkIds.length === 0 &&
        i.remoteLinks.length === 0 &&
        i.voters.size === 0 &&
        !i.fields.parent &&
        live.every((x) => x.fields.parent !== i.id) &&
        i.comments.every((c) => c.authorId !== ADMIN),
    )!;
    expect(orig).toBeDefined();
    const [b] = await bundles(source, [orig.id]);
    const rec = b!.issue as Json;
    const origFields = structuredClone(orig.fields);
    applyOp(mutationContext(bench.sim.world, bench.site, bench.clock.now(), ADMIN), {
      op: 'issue-delete',
      issue: orig.key,
      deleteSubtasks: true,
    });
    bench.clock.advance(60_000);

    // What an executor would write: the issue with its provenance, the comments with a header.
    const client = bench.client();
    const provenance = (kind: 'issue' | 'comment', id: string, extra: Partial<Provenance['original']>): Provenance => ({
      plan: 'plan-test',
      step: `${kind}:${id}`,
      snapshot: source.snapshotId,
      site: source.site.url,
      original: { kind, id, ...extra },
    });
    const f = rec.fields;
    const fields: Json = {
      project: { id: f.project.id },
      issuetype: { id: f.issuetype.id },
      summary: f.summary,
      ...(f.description ? { description: f.description } : {}),
      ...(f.priority ? { priority: { id: f.priority.id } } : {}),
      ...(f.labels?.length ? { labels: f.labels } : {}),
    };
    const issueProv = provenance('issue', orig.id, {
      key: rec.key,
      created: f.created,
      authorAccountId: f.creator?.accountId,
      reporterAccountId: f.reporter?.accountId,
    });
    const created = await client.request('POST /rest/api/3/issue', {
      body: { fields, properties: [{ key: PROVENANCE_KEY, value: issueProv }] } as never,
    });
    const newId = String((created.body as Json).id);
    const newKey = String((created.body as Json).key);
    // Everything else settable, as an executor would have written it (status by transitions, users,
    // custom fields…), put straight into the simulator; the reporter it could not set.
    const stored = bench.site.data.issues.get(newId)!;
    Object.assign(stored.fields, origFields, { reporter: ADMIN });
    for (const w of rec.watchers as string[])
      await client.request('POST /rest/api/3/issue/{issueIdOrKey}/watchers', {
        path: { issueIdOrKey: newId },
        body: w as never,
        issue: newId,
      });
    for (const [key, value] of Object.entries(rec.properties as Json))
      await client.request('PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', {
        path: { issueIdOrKey: newId, propertyKey: key },
        body: value as never,
        issue: newId,
      });
    const newComments: string[] = [];
    for (const [n, c] of (b!.comments as Json[]).entries()) {
      const header = { type: 'paragraph', content: [{ type: 'text', text: `Originally by someone on ${c.created}` }] };
      // The second comment leaves the header out: a defect the verifier must show.
      const content = n === 0 ? [header, ...c.body.content] : c.body.content;
      const res = await client.request('POST /rest/api/3/issue/{issueIdOrKey}/comment', {
        path: { issueIdOrKey: newId },
        body: {
          body: { ...c.body, content },
          properties: [
            {
              key: PROVENANCE_KEY,
              value: provenance('comment', String(c.id), { authorAccountId: c.author.accountId, created: c.created }),
            },
          ],
        } as never,
        issue: newId,
      });
      newComments.push(String((res.body as Json).id));
    }

    const at = new Date(bench.clock.now()).toISOString();
    const step = (id: string, kind: Step['kind'], payload: Json): Step => ({
      id,
      kind,
      deps: [],
      issue: orig.id,
      writes: 1,
      payload,
    });
    const writtenFields = Object.fromEntries(
      Object.keys(f)
        .filter((k) => !DERIVED_FIELDS.has(k) && k !== 'reporter')
        .map((k) => [k, true]),
    );
    const steps: Step[] = [
      step(`issue:${orig.id}`, 'issue.create', {
        project: f.project.id,
        issueType: f.issuetype.id,
        fields: writtenFields,
      }),
      ...(b!.comments as Json[]).map((c) => step(`comment:${orig.id}:${c.id}`, 'comment.add', {})),
    ];
    const journal: JournalEntry[] = [
      { step: `issue:${orig.id}`, event: 'done', at, outputs: { id: newId, key: newKey } },
      ...(b!.comments as Json[]).map((c, n): JournalEntry => ({
        step: `comment:${orig.id}:${c.id}`,
        event: 'done',
        at,
        outputs: { id: newComments[n]! },
      })),
    ];
    const plan = basePlan(source, { kind: 'deleted-issues' }, steps);
    const report = await verifyRestore({ plan, journal, source, client });

    const issue = report.items.find((i) => i.kind === 'issue')!;
    expect(issue.outcome).toBe('provenance');
    expect(issue.target).toBe(newId);
    expect(issue.kept).toEqual(expect.arrayContaining(['key', 'created', 'reporter']));
    expect(issue.diffs).toBeUndefined();
    const [first, second] = (b!.comments as Json[]).map((c) =>
      report.items.find((i) => i.kind === 'comment' && i.id === `${orig.id}:${c.id}`),
    );
    expect(first).toMatchObject({ outcome: 'provenance', target: newComments[0] });
    expect(first!.kept).toEqual(expect.arrayContaining(['author', 'created']));
    expect(second).toMatchObject({ outcome: 'mismatch' });
    expect(second!.diffs!.map((d) => d.field)).toEqual(['body header']);
    expect(report.byKind.watcher?.mismatch ?? 0).toBe(0);
    expect(report.byKind.property?.mismatch ?? 0).toBe(0);

    // A provenance that does not hold the original creation date is a defect.
    await client.request('PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', {
      path: { issueIdOrKey: newId, propertyKey: PROVENANCE_KEY },
      body: { ...issueProv, original: { ...issueProv.original, created: '2001-01-01T00:00:00.000Z' } } as never,
      issue: newId,
    });
    const wrong = await verifyRestore({ plan, journal, source, client });
    const bad = wrong.items.find((i) => i.kind === 'issue')!;
    expect(bad.outcome).toBe('mismatch');
    expect(bad.diffs).toEqual([
      { field: 'provenance.created', expected: f.created, actual: '2001-01-01T00:00:00.000Z' },
    ]);
  });
});

describe('verifyRestore for a field rollback', () => {
  it('checks the chosen fields and that the fields left alone did not change while the restore ran', async () => {
    const bench = await backupBench({ seed: 3, size: 'tiny' });
    const backup = await bench.backup();
    const source = await RestoreSource.open(await bench.repo.openSnapshotReader(backup.snapshot));
    const client = bench.client();
    const issues = [...bench.site.data.issues.values()].sort((a, b) => Number(a.id) - Number(b.id)).slice(0, 3);
    const original = new Map(
      (
        await bundles(
          source,
          issues.map((i) => i.id),
        )
      ).map((b) => [b.id, b.issue as Json]),
    );
    const edit = (id: string, fields: Json) =>
      client.request('PUT /rest/api/3/issue/{issueIdOrKey}', {
        path: { issueIdOrKey: id },
        body: { fields } as never,
        issue: id,
      });
    // A bad bulk edit, before the restore.
    for (const i of issues) await edit(i.id, { summary: 'BAD BULK EDIT', labels: ['bad-edit'] });
    bench.clock.advance(60_000);

    const at = new Date(bench.clock.now()).toISOString();
    bench.clock.advance(1_000);
    const steps: Step[] = issues.map((i) => ({
      id: `edit:${i.id}`,
      kind: 'issue.edit',
      deps: [],
      issue: i.id,
      writes: 1,
      payload: { issue: i.id, fields: { summary: original.get(i.id)!.fields.summary } },
    }));
    const journal: JournalEntry[] = issues.map((i) => ({ step: `edit:${i.id}`, event: 'done', at, outputs: {} }));
    // The rollback as applied: the third issue's write did not take (a defect to show); a stray
    // edit of a field the plan leaves alone lands on the first while the restore runs.
    await edit(issues[0]!.id, { summary: original.get(issues[0]!.id)!.fields.summary });
    await edit(issues[1]!.id, { summary: original.get(issues[1]!.id)!.fields.summary });
    await edit(issues[0]!.id, { labels: ['stray'] });

    const plan = basePlan(source, { kind: 'fields', fields: ['summary'] }, steps);
    const report = await verifyRestore({ plan, journal, source, client });
    const byId = new Map(report.items.map((i) => [i.id, i]));
    expect(report.byKind.field?.exact).toBe(2);
    expect(byId.has(`${issues[0]!.id}:summary`)).toBe(false);
    expect(byId.get(`${issues[2]!.id}:summary`)).toMatchObject({
      outcome: 'mismatch',
      diffs: [{ field: 'summary', expected: original.get(issues[2]!.id)!.fields.summary, actual: 'BAD BULK EDIT' }],
    });
    expect(byId.get(`${issues[0]!.id}:labels`)).toMatchObject({
      outcome: 'mismatch',
      reason: 'left alone by the plan, but changed while the restore ran',
    });
    expect(byId.has(`${issues[1]!.id}:labels`)).toBe(false);
    expect(report.rollback!.fields).toEqual(['summary']);
    expect(report.rollback!.untouched).toEqual(expect.arrayContaining(['labels', 'priority']));
    expect(report.rollback!.untouched).not.toContain('summary');
    // Frugal: the field list and one bulk fetch.
    expect(report.usage.requests).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { RestoreSource } from '../../src/restore/source.js';
import { backupBench } from '../support/backup-harness.js';

describe('RestoreSource', () => {
  it('lists the issues of a snapshot and reads one with its children, attachment media ids and bytes', async () => {
    const bench = await backupBench({ seed: 3, size: 'tiny' });
    const report = await bench.backup();
    const source = await RestoreSource.open(await bench.repo.openSnapshotReader(report.snapshot));
    expect(source.site.cloudId).toBe(bench.site.cloudId);
    const live = [...bench.site.data.issues.values()];
    expect(
      source
        .issues()
        .map((i) => i.id)
        .sort(),
    ).toEqual(live.map((i) => i.id).sort());

    const withAttachment = live.find((i) => i.attachmentIds.length > 0 && i.comments.length > 0)!;
    const bundle = (await source.issue(withAttachment.id))!;
    expect(bundle.issue.key).toBe(withAttachment.key);
    expect(bundle.comments.map((c) => String(c.id)).sort()).toEqual(
      withAttachment.comments.map((c) => String(c.id)).sort(),
    );
    expect(bundle.attachments.map((a) => a.id).sort()).toEqual([...withAttachment.attachmentIds].sort());
    const first = bundle.attachments[0]!;
    const truth = bench.site.data.attachments.get(first.id)!;
    expect(first.mediaId).toBe(truth.mediaId);
    let size = 0;
    for await (const chunk of source.readFile(first.path)) size += chunk.length;
    expect(size).toBe(first.size);
    expect(first.size).toBe(truth.size);

    await expect(source.issue('no-such-issue')).resolves.toBeUndefined();
    const fields = await source.config('field');
    expect(fields.length).toBeGreaterThan(10);
    expect((await source.users()).length).toBeGreaterThan(0);
  });

  it('gives clients on the other sites of the world (for cross-site restores)', async () => {
    const bench = await backupBench({ seed: 3, size: 'tiny' });
    const globex = bench.clientFor('globex');
    const me = await globex.request('GET /rest/api/3/serverInfo');
    expect(me.body.baseUrl).toBe(bench.siteNamed('globex').url);
  });
});

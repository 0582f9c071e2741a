/**
 * Attachment uploads (multipart, XSRF header — §7 item 5 — dedupe, limits), attachment deletes,
 * issue links (no body, duplicates), remote links (upsert by globalId), link types, and the 413
 * per-issue limits (§7 item 8) — behaviour and contracts of every answer.
 */
import { describe, expect, it } from 'vitest';
import { jiraTimestamp } from '../../src/core/index.js';
import { ISSUE_LIMITS } from '../../src/simulator/mutate/context.js';
import { USERS } from '../support/fixture-site.js';
import { adf, contractCall, writeHarness } from '../support/fixture-writes.js';
import { expectErrorCollection } from '../support/contract.js';
import type { Harness } from '../support/sim-harness.js';

const UPLOAD = '/rest/api/3/issue/{issueIdOrKey}/attachments';
const ATTACHMENT = '/rest/api/3/attachment/{id}';
const LINK = '/rest/api/3/issueLink';
const LINK_ID = '/rest/api/3/issueLink/{linkId}';
const REMOTE = '/rest/api/3/issue/{issueIdOrKey}/remotelink';
const REMOTE_ID = `${REMOTE}/{linkId}`;
const NO_CHECK = { 'X-Atlassian-Token': 'no-check' };

function form(...files: Array<[string, string | Uint8Array, string?]>): FormData {
  const f = new FormData();
  for (const [name, data, type] of files)
    f.append('file', new Blob([typeof data === 'string' ? data : Buffer.from(data)], type ? { type } : {}), name);
  return f;
}

function revoke(h: Harness, permission: string): void {
  const scheme = h.fx.site.data.permissionSchemes.get(h.fx.projects.open.permissionSchemeId)!;
  scheme.permissions = scheme.permissions.filter((g) => g.permission !== permission);
}

describe('POST /issue/{k}/attachments', () => {
  it('stores every `file` part as the caller at now and answers the attachment array', async () => {
    const h = writeHarness();
    const { comments25 } = h.fx.issues;
    const res = await contractCall(h, 'POST', UPLOAD, `/rest/api/3/issue/${comments25.key}/attachments`, {
      as: USERS.bob,
      headers: NO_CHECK,
      form: form(['report.txt', 'hello world'], ['logo.png', new Uint8Array([137, 80, 78, 71]), 'image/png']),
    });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body[0]).toMatchObject({
      filename: 'report.txt',
      author: { accountId: USERS.bob },
      created: jiraTimestamp(h.clock.now()),
      size: 11,
      mimeType: 'text/plain',
    });
    expect(res.body[1]).toMatchObject({ filename: 'logo.png', mimeType: 'image/png', size: 4 });
    expect(typeof res.body[0].id).toBe('string');
    const meta = await contractCall(h, 'GET', ATTACHMENT, `/rest/api/3/attachment/${res.body[0].id}`);
    expect(meta.body).toMatchObject({ id: Number(res.body[0].id), filename: 'report.txt', size: 11 });
    const bytes = await h.get(`/rest/api/3/attachment/content/${res.body[0].id}`, { query: { redirect: false } });
    expect(bytes.text).toBe('hello world');
    const issue = await h.get(`/rest/api/3/issue/${comments25.key}`, { query: { fields: 'attachment' } });
    expect(issue.body.fields.attachment.map((a: { filename: string }) => a.filename)).toEqual([
      'report.txt',
      'logo.png',
    ]);
    expect(comments25.changelog.map((c) => c.items[0]!.field)).toEqual(['Attachment', 'Attachment']);
  });

  it('stores identical bytes once (content dedupe)', async () => {
    const h = writeHarness();
    const contents = h.fx.site.data.contents.size;
    const res = await contractCall(h, 'POST', UPLOAD, `/rest/api/3/issue/${h.fx.issues.comments25.key}/attachments`, {
      headers: NO_CHECK,
      form: form(['again.txt', h.fx.textBytes], ['again-2.txt', h.fx.textBytes]),
    });
    expect(res.status).toBe(200);
    const shared = h.fx.site.data.attachments.get(h.fx.attachments.text)!.contentId;
    for (const a of res.body) expect(h.fx.site.data.attachments.get(a.id)!.contentId).toBe(shared);
    expect(h.fx.site.data.contents.size).toBe(contents);
  });

  it('blocks uploads without X-Atlassian-Token: no-check (§7 item 5)', async () => {
    const h = writeHarness();
    const path = `/rest/api/3/issue/${h.fx.issues.comments25.key}/attachments`;
    for (const headers of [{}, { 'X-Atlassian-Token': 'nocheck' }] as Array<Record<string, string>>) {
      const res = await contractCall(h, 'POST', UPLOAD, path, { headers, form: form(['a.txt', 'a']) });
      expectErrorCollection(res, 403, 'XSRF check failed');
    }
    expect(h.fx.issues.comments25.attachmentIds).toEqual([]);
  });

  it('ignores other parts, refuses non-multipart bodies, and enforces 60 files, the size limit and 413s', async () => {
    const h = writeHarness();
    const { comments25 } = h.fx.issues;
    const path = `/rest/api/3/issue/${comments25.key}/attachments`;
    const other = new FormData();
    other.append('upload', new Blob(['x']), 'x.txt');
    const none = await contractCall(h, 'POST', UPLOAD, path, { headers: NO_CHECK, form: other });
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
    // 415 is not in the pinned spec: the envelope is checked directly.
    const json = await h.call('POST', path, { headers: NO_CHECK, body: { file: 'x' } });
    expectErrorCollection(json, 415);
    const many = Array.from({ length: 61 }, (_, i) => [`f${i}.txt`, `${i}`] as [string, string]);
    const tooMany = await contractCall(h, 'POST', UPLOAD, path, { headers: NO_CHECK, form: form(...many) });
    expectErrorCollection(tooMany, 413, 'at most 60 files');
    h.fx.site.data.settings.attachmentUploadLimit = 4;
    const big = await contractCall(h, 'POST', UPLOAD, path, { headers: NO_CHECK, form: form(['big.txt', 'abcde']) });
    expectErrorCollection(big, 413, 'larger than the attachment size limit');
    h.fx.site.data.settings.attachmentUploadLimit = 1000;
    comments25.attachmentIds = Array.from({ length: ISSUE_LIMITS.attachments }, (_, i) => `x${i}`);
    const full = await contractCall(h, 'POST', UPLOAD, path, { headers: NO_CHECK, form: form(['a.txt', 'a']) });
    expectErrorCollection(full, 413, `limit of ${ISSUE_LIMITS.attachments} attachments`);
    expect(comments25.attachmentIds).toHaveLength(ISSUE_LIMITS.attachments);
  });

  it('answers 403 without Create attachments and 404 for an invisible issue', async () => {
    const h = writeHarness();
    const invisible = await contractCall(
      h,
      'POST',
      UPLOAD,
      `/rest/api/3/issue/${h.fx.issues.secured.key}/attachments`,
      {
        as: USERS.bob,
        headers: NO_CHECK,
        form: form(['a.txt', 'a']),
      },
    );
    expect(invisible.status).toBe(404);
    revoke(h, 'CREATE_ATTACHMENTS');
    const denied = await contractCall(h, 'POST', UPLOAD, `/rest/api/3/issue/${h.fx.issues.story.key}/attachments`, {
      headers: NO_CHECK,
      form: form(['a.txt', 'a']),
    });
    expectErrorCollection(denied, 403);
  });
});

describe('DELETE /attachment/{id}', () => {
  it('deletes own attachments (anyone’s with Delete all attachments)', async () => {
    const h = writeHarness();
    const { text, image } = h.fx.attachments;
    const bob = await contractCall(h, 'DELETE', ATTACHMENT, `/rest/api/3/attachment/${text}`, { as: USERS.bob });
    expectErrorCollection(bob, 403, 'You do not have permission to delete this attachment.');
    const own = await contractCall(h, 'DELETE', ATTACHMENT, `/rest/api/3/attachment/${text}`, { as: USERS.alice });
    expect(own.status).toBe(204);
    expect((await h.get(`/rest/api/3/attachment/${text}`)).status).toBe(404);
    const admin = await contractCall(h, 'DELETE', ATTACHMENT, `/rest/api/3/attachment/${image}`, { as: USERS.admin });
    expect(admin.status).toBe(204);
    const missing = await contractCall(h, 'DELETE', ATTACHMENT, `/rest/api/3/attachment/${image}`, { as: USERS.admin });
    expect(missing.status).toBe(404);
    expect(h.fx.issues.story.changelog.at(-1)!.items[0]).toMatchObject({ field: 'Attachment', from: image, to: null });
  });
});

describe('POST /issueLink and DELETE /issueLink/{id}', () => {
  it('links two issues (201, no body), adds the comment to the outward issue, and accepts duplicates', async () => {
    const h = writeHarness();
    const { comments25: a, comments120: b } = h.fx.issues;
    const body = {
      type: { name: 'Relates' },
      inwardIssue: { key: a.key },
      outwardIssue: { key: b.key },
      comment: { body: adf('Linked during restore') },
    };
    const res = await contractCall(h, 'POST', LINK, '/rest/api/3/issueLink', { body });
    expect(res.status).toBe(201);
    expect(res.text).toBe('');
    const linksOfA = (await h.get(`/rest/api/3/issue/${a.key}`, { query: { fields: 'issuelinks' } })).body.fields
      .issuelinks;
    expect(linksOfA).toEqual([expect.objectContaining({ outwardIssue: expect.objectContaining({ key: b.key }) })]);
    expect(b.comments.at(-1)!.body).toEqual(adf('Linked during restore'));
    expect(a.changelog.at(-1)!.items[0]).toMatchObject({ field: 'Link', toString: `This issue relates to ${b.key}` });
    const linkCount = h.fx.site.data.links.size;
    const dup = await contractCall(h, 'POST', LINK, '/rest/api/3/issueLink', { body });
    expect(dup.status).toBe(201);
    expect(h.fx.site.data.links.size).toBe(linkCount);
    expect(b.comments.at(-1)!.body).toEqual(adf('Linked during restore'));

    const id = linksOfA[0].id as string;
    const bad = await contractCall(h, 'DELETE', LINK_ID, '/rest/api/3/issueLink/abc');
    expect(bad.status).toBe(400);
    const del = await contractCall(h, 'DELETE', LINK_ID, `/rest/api/3/issueLink/${id}`);
    expect(del.status).toBe(204);
    const again = await contractCall(h, 'DELETE', LINK_ID, `/rest/api/3/issueLink/${id}`);
    expect(again.status).toBe(404);
  });

  it('answers 404 for unknown types, invisible issues or without Link issues; 400 for a bad comment', async () => {
    const h = writeHarness();
    const { comments25: a, comments120: b, secured } = h.fx.issues;
    const base = { type: { name: 'Relates' }, inwardIssue: { key: a.key }, outwardIssue: { key: b.key } };
    const type = await contractCall(h, 'POST', LINK, '/rest/api/3/issueLink', {
      body: { ...base, type: { name: 'Clones' } },
    });
    expectErrorCollection(type, 404);
    const hidden = await contractCall(h, 'POST', LINK, '/rest/api/3/issueLink', {
      as: USERS.bob,
      body: { ...base, outwardIssue: { key: secured.key } },
    });
    expectErrorCollection(hidden, 404);
    const comment = await contractCall(h, 'POST', LINK, '/rest/api/3/issueLink', {
      body: { ...base, comment: { body: { type: 'doc', version: 1, content: [] } } },
    });
    expect(comment.status).toBe(400);
    expect(a.linkIds).toEqual([]);
    revoke(h, 'LINK_ISSUES');
    const denied = await contractCall(h, 'POST', LINK, '/rest/api/3/issueLink', { body: base });
    expectErrorCollection(denied, 404);
    expect(a.linkIds).toEqual([]);
  });
});

describe('remote links', () => {
  it('creates (201), upserts by globalId (200), updates by id, deletes', async () => {
    const h = writeHarness();
    const { comments25 } = h.fx.issues;
    const path = `/rest/api/3/issue/${comments25.key}/remotelink`;
    const link = {
      globalId: 'system=https://wiki.example.com&id=7',
      application: { type: 'com.example.wiki', name: 'Wiki' },
      relationship: 'mentioned in',
      object: { url: 'https://wiki.example.com/7', title: 'Design', status: { resolved: false } },
    };
    const created = await contractCall(h, 'POST', REMOTE, path, { body: link });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      self: expect.stringContaining(`/remotelink/${created.body.id}`),
    });
    const upserted = await contractCall(h, 'POST', REMOTE, path, {
      body: { ...link, object: { ...link.object, title: 'Design v2' } },
    });
    expect(upserted.status).toBe(200);
    expect(upserted.body.id).toBe(created.body.id);
    const list = await contractCall(h, 'GET', REMOTE, path);
    expect(list.body).toEqual([
      expect.objectContaining({
        id: created.body.id,
        globalId: link.globalId,
        object: expect.objectContaining({ title: 'Design v2' }),
      }),
    ]);
    const put = await contractCall(h, 'PUT', REMOTE_ID, `${path}/${created.body.id}`, {
      body: { object: { url: 'https://wiki.example.com/8', title: 'Moved' } },
    });
    expect(put.status).toBe(204);
    expect(comments25.remoteLinks[0]).toEqual({
      id: String(created.body.id),
      object: { url: 'https://wiki.example.com/8', title: 'Moved' },
    });
    const foreign = h.fx.issues.linked.remoteLinks[0]!.id;
    const wrongIssue = await contractCall(h, 'PUT', REMOTE_ID, `${path}/${foreign}`, { body: { object: link.object } });
    expectErrorCollection(wrongIssue, 400);
    const missing = await contractCall(h, 'DELETE', REMOTE_ID, `${path}/999999`);
    expect(missing.status).toBe(404);
    const del = await contractCall(h, 'DELETE', REMOTE_ID, `${path}/${created.body.id}`);
    expect(del.status).toBe(204);
    expect(comments25.remoteLinks).toEqual([]);
  });

  it('validates the object and needs Link issues', async () => {
    const h = writeHarness();
    const path = `/rest/api/3/issue/${h.fx.issues.comments25.key}/remotelink`;
    const noObject = await contractCall(h, 'POST', REMOTE, path, { body: { globalId: 'g' } });
    expect(noObject.body.errors).toEqual({ object: "'object' is required." });
    const noUrl = await contractCall(h, 'POST', REMOTE, path, { body: { object: { title: 'x' } } });
    expect(noUrl.body.errors).toEqual({ url: "'url' is required." });
    revoke(h, 'LINK_ISSUES');
    const denied = await contractCall(h, 'POST', REMOTE, path, { body: { object: { url: 'https://x', title: 'x' } } });
    expectErrorCollection(denied, 403);
  });
});

describe('POST /issueLinkType', () => {
  it('creates a link type for Jira admins; 404 for others and for a name in use', async () => {
    const h = writeHarness();
    const body = { name: 'Causes', inward: 'is caused by', outward: 'causes' };
    const denied = await contractCall(h, 'POST', '/rest/api/3/issueLinkType', '/rest/api/3/issueLinkType', { body });
    expectErrorCollection(denied, 404);
    const ok = await contractCall(h, 'POST', '/rest/api/3/issueLinkType', '/rest/api/3/issueLinkType', {
      as: USERS.admin,
      body,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ ...body, id: expect.any(String) });
    const list = await h.get('/rest/api/3/issueLinkType');
    expect(list.body.issueLinkTypes.map((t: { name: string }) => t.name)).toContain('Causes');
    const dup = await contractCall(h, 'POST', '/rest/api/3/issueLinkType', '/rest/api/3/issueLinkType', {
      as: USERS.admin,
      body: { ...body, name: 'blocks' },
    });
    expectErrorCollection(dup, 404);
    const incomplete = await contractCall(h, 'POST', '/rest/api/3/issueLinkType', '/rest/api/3/issueLinkType', {
      as: USERS.admin,
      body: { name: 'Half' },
    });
    expect(incomplete.body.errors).toEqual({ inward: 'The issue link type inward must not be empty.' });
  });
});

describe('413 per-issue limits', () => {
  it('surfaces the comment and worklog limits of the primitives as 413', async () => {
    const h = writeHarness();
    const { comments25 } = h.fx.issues;
    comments25.comments = Array.from({ length: ISSUE_LIMITS.comments }, () => comments25.comments[0]!);
    const comment = await contractCall(
      h,
      'POST',
      '/rest/api/3/issue/{issueIdOrKey}/comment',
      `/rest/api/3/issue/${comments25.key}/comment`,
      { body: { body: adf('one too many') } },
    );
    expectErrorCollection(comment, 413, `limit of ${ISSUE_LIMITS.comments} comments`);
    const { comments120 } = h.fx.issues;
    comments120.worklogs = Array.from({ length: ISSUE_LIMITS.worklogs }, () => comments120.worklogs[0]!);
    const worklog = await contractCall(
      h,
      'POST',
      '/rest/api/3/issue/{issueIdOrKey}/worklog',
      `/rest/api/3/issue/${comments120.key}/worklog`,
      { body: { started: '2026-11-20T10:00:00.000+0000', timeSpent: '1h' } },
    );
    expectErrorCollection(worklog, 413, `limit of ${ISSUE_LIMITS.worklogs} worklogs`);
  });
});

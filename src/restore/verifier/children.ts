/**
 * Verifies what hangs off an issue and has its own id: comments (body after the provenance first
 * paragraph, visibility, JSM public/internal, properties), worklogs (started, time spent, comment,
 * visibility, properties) and attachments (file name, size, MIME type, optionally a content hash).
 * A target entity is found by the journal's output for its step, else by its provenance property,
 * else (same site, issue not re-created) by its own id.
 */
import { createHash } from 'node:crypto';
import { TidemarkError } from '../../core/index.js';
import type { JiraClient } from '../../jira/index.js';
import { PROVENANCE_KEY } from '../plan.js';
import { accountOf, diff, propsObject, same, visibilityOf } from './compare.js';
import type { Json, SourceAttachment, VerifyContext } from './context.js';
import { checkServerSet, provenanceOf } from './issue.js';
import type { FieldDiff, FidelityItem, ReportBuilder } from './report.js';
import type { TargetIssue } from './readback.js';

/** An ADF body without the provenance header paragraph, when it carries one more first paragraph than expected. */
function withoutHeader(expected: unknown, actual: unknown): { body: unknown; header: boolean } {
  if (same(expected, actual)) return { body: actual, header: false };
  const a = actual as Json | null | undefined;
  const content = Array.isArray(a?.content) ? (a!.content as Json[]) : [];
  const first = content[0];
  if (first?.type !== 'paragraph') return { body: actual, header: false };
  const rest = content.slice(1);
  return { body: rest.length === 0 ? null : { ...a, content: rest }, header: true };
}

function findTarget(
  ctx: VerifyContext,
  step: string,
  sourceId: string,
  list: Json[],
  sameIssue: boolean,
): Json | undefined {
  const out = ctx.outputs(step)?.id;
  if (out) return list.find((x) => String(x.id) === out);
  const byProv = list.find((x) => provenanceOf(propsObject(x.properties), sourceId));
  if (byProv) return byProv;
  return sameIssue ? list.find((x) => String(x.id) === sourceId) : undefined;
}

type Kind = 'comment' | 'worklog';

function verifyChild(
  ctx: VerifyContext,
  report: ReportBuilder,
  kind: Kind,
  issueId: string,
  issueKey: string | undefined,
  src: Json,
  target: TargetIssue,
  sameIssue: boolean,
): void {
  const id = String(src.id);
  const step = `${kind}:${issueId}:${id}`;
  const base: FidelityItem = { kind, id: `${issueId}:${id}`, outcome: 'exact', ...(issueKey ? { issueKey } : {}) };
  const t = findTarget(ctx, step, id, kind === 'comment' ? target.comments : target.worklogs, sameIssue);
  if (!t) {
    const why = ctx.steps.has(step)
      ? ctx.whyNot(step)
      : { outcome: 'mismatch' as const, reason: 'not found on the target' };
    report.add({ ...base, ...why });
    return;
  }
  const diffs: FieldDiff[] = [];
  const kept: string[] = [];
  const textField = kind === 'comment' ? 'body' : 'comment';
  const expected = ctx.rewrite(src[textField]);
  const body = withoutHeader(expected, t[textField]);
  diff(diffs, textField, expected, body.body);
  diff(diffs, 'visibility', visibilityOf(src.visibility), visibilityOf(t.visibility));
  if (kind === 'comment') diff(diffs, 'jsdPublic', src.jsdPublic ?? true, t.jsdPublic ?? true);
  else {
    diff(diffs, 'started', src.started, t.started);
    diff(diffs, 'timeSpentSeconds', src.timeSpentSeconds, t.timeSpentSeconds);
  }
  diff(diffs, 'properties', propsObject(src.properties, PROVENANCE_KEY), propsObject(t.properties, PROVENANCE_KEY));
  const props = propsObject(t.properties);
  const prov = String(t.id) !== id || !ctx.sameSite ? provenanceOf(props, id) : undefined;
  const author = accountOf(src.author);
  checkServerSet(
    [
      { name: 'authorAccountId', label: 'author', source: author, target: accountOf(t.author) },
      { name: 'created', label: 'created', source: src.created, target: t.created, time: true },
    ],
    prov,
    kept,
    diffs,
    (name, v) => name === 'authorAccountId' && typeof author === 'string' && ctx.map('users', author) === v,
  );
  if (kept.length > 0 && !body.header)
    diffs.push({ field: `${textField} header`, expected: 'a provenance first paragraph', actual: null });
  report.add({
    ...base,
    target: String(t.id),
    outcome: diffs.length > 0 ? 'mismatch' : kept.length > 0 ? 'provenance' : 'exact',
    ...(diffs.length > 0 ? { diffs } : {}),
    ...(kept.length > 0 ? { kept } : {}),
  });
}

/** Comments and worklogs of one issue. */
export function verifyCommentsAndWorklogs(
  ctx: VerifyContext,
  report: ReportBuilder,
  issueId: string,
  issueKey: string | undefined,
  comments: Json[],
  worklogs: Json[],
  target: TargetIssue,
): void {
  const sameIssue = ctx.sameSite && String(target.bean.id) === issueId;
  for (const c of comments) verifyChild(ctx, report, 'comment', issueId, issueKey, c, target, sameIssue);
  for (const w of worklogs) verifyChild(ctx, report, 'worklog', issueId, issueKey, w, target, sameIssue);
}

async function sha256Of(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const h = createHash('sha256');
  for await (const c of chunks) h.update(c);
  return h.digest('hex');
}

/** The bytes of a target attachment: Jira redirects the content read to the media service. */
async function* targetBytes(client: JiraClient, fetchFn: typeof fetch, id: string): AsyncIterable<Uint8Array> {
  let res = await client.stream('GET /rest/api/3/attachment/content/{id}', { path: { id } });
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && location) {
    await res.body?.cancel();
    res = await fetchFn(new URL(location, client.siteBase).toString(), { redirect: 'follow' });
  }
  if (!res.ok) {
    await res.body?.cancel();
    // The media URL carries a token: name the status, never the URL.
    throw new TidemarkError('server', `attachment ${id}: its content could not be read back (HTTP ${res.status})`);
  }
  if (!res.body) return;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** Attachments of one issue: metadata from `fields.attachment`, bytes compared when `hash` is given. */
export async function verifyAttachments(
  ctx: VerifyContext,
  report: ReportBuilder,
  issueId: string,
  issueKey: string | undefined,
  attachments: SourceAttachment[],
  target: TargetIssue,
  hash?: { fetch: typeof fetch },
): Promise<void> {
  const list = ((target.fields.attachment ?? []) as Json[]).map(
    (a) => ({ ...a, id: String(a.id) }) as Json & { id: string },
  );
  const sameIssue = ctx.sameSite && String(target.bean.id) === issueId;
  const taken = new Set<string>();
  for (const a of attachments) {
    const step = `attachment:${issueId}:${a.id}`;
    const base: FidelityItem = {
      kind: 'attachment',
      id: `${issueId}:${a.id}`,
      outcome: 'exact',
      ...(issueKey ? { issueKey } : {}),
    };
    const out = ctx.outputs(step)?.id;
    const t =
      (out ? list.find((x) => x.id === out) : undefined) ??
      (sameIssue ? list.find((x) => x.id === a.id) : undefined) ??
      list.find((x) => !taken.has(x.id) && x.filename === a.filename && Number(x.size) === a.size);
    if (!t) {
      const why = ctx.steps.has(step)
        ? ctx.whyNot(step)
        : { outcome: 'mismatch' as const, reason: 'not found on the target' };
      report.add({ ...base, ...why });
      continue;
    }
    taken.add(t.id);
    const diffs: FieldDiff[] = [];
    diff(diffs, 'filename', a.filename, t.filename);
    diff(diffs, 'size', a.size, Number(t.size));
    // Jira types an upload declared application/octet-stream from its file name: the snapshot's
    // generic type cannot be kept (the bytes are compared below).
    const generic = (a.mimeType || 'application/octet-stream') === 'application/octet-stream';
    const retyped = generic && !same(a.mimeType, t.mimeType);
    if (!retyped) diff(diffs, 'mimeType', a.mimeType, t.mimeType);
    if (hash && diffs.length === 0) {
      const [expected, actual] = await Promise.all([
        sha256Of(ctx.source.readFile(a.path)),
        sha256Of(targetBytes(ctx.client, hash.fetch, t.id)),
      ]);
      diff(diffs, 'sha256', expected, actual);
    }
    const kept: string[] = [];
    if (t.id !== a.id || !ctx.sameSite) {
      if (!same(a.created, t.created)) kept.push('created');
      if (accountOf(a.author) !== accountOf(t.author)) kept.push('author');
    }
    report.add({
      ...base,
      target: t.id,
      outcome: diffs.length > 0 ? 'mismatch' : kept.length > 0 ? 'provenance' : 'exact',
      ...(diffs.length > 0 ? { diffs } : {}),
      ...(kept.length > 0 ? { kept } : {}),
      ...(retyped ? { dropped: [`mimeType: Jira typed the upload ${String(t.mimeType)} from its file name`] } : {}),
    });
  }
}

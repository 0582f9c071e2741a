/**
 * Attachment writes: POST /issue/{k}/attachments (multipart upload) and DELETE /attachment/{id}
 * (docs/design.md §5.15).
 *
 * Uploads must carry `X-Atlassian-Token: no-check`; without it Jira's XSRF filter blocks the
 * request with 403 "XSRF check failed" before anything else is looked at. The body is
 * multipart/form-data; every part named `file` is one attachment (its filename and content
 * type come from the part; other parts are ignored, so a request without `file` parts answers
 * 200 with an empty array, as Jira does). A body that is not multipart answers 415. At most 60
 * files per request, each within the site's upload limit, and the issue's attachment limit
 * (2,000) holds for the whole request — otherwise 413 and nothing is stored. The author and
 * creation time are the caller and "now"; identical bytes are stored once (mutate/attachments).
 */
import { jiraError, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import { addAttachment, deleteAttachment } from '../mutate/attachments.js';
import { ISSUE_LIMITS } from '../mutate/context.js';
import type { RouteContext, RouteResult } from '../services.js';
import { rendererFor } from './read-params.js';
import {
  holds,
  mutationOf,
  pathIssueId,
  projectOfIssue,
  requireIssuePermission,
  visibleIssue,
} from './write-common.js';

/** Jira's limit on files in one upload request. */
export const MAX_FILES_PER_UPLOAD = 60;

export const XSRF_MESSAGE = 'XSRF check failed';

const MIME_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

/** The part's content type, else one derived from the file name (Jira sniffs; this is close enough). */
function mimeTypeOf(filename: string, partType: string): string {
  const declared = partType.split(';')[0]!.trim().toLowerCase();
  if (declared !== '' && declared !== 'application/octet-stream') return declared;
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  return (ext && MIME_BY_EXTENSION[ext]) ?? 'application/octet-stream';
}

async function upload(ctx: RouteContext): Promise<RouteResult> {
  if ((ctx.req.headers.get('x-atlassian-token') ?? '').trim().toLowerCase() !== 'no-check')
    throw jiraError(403, [XSRF_MESSAGE]);
  const issue = visibleIssue(ctx);
  requireIssuePermission(
    ctx,
    issue,
    'CREATE_ATTACHMENTS',
    403,
    'You do not have permission to create attachments for this issue.',
  );
  if (!ctx.site.data.settings.attachmentsEnabled) throw jiraError(403, ['Attachments are disabled.']);
  const type = ctx.req.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data'))
    throw jiraError(415, ['The request must be multipart/form-data with the files in parts named "file".']);
  let form: FormData;
  try {
    form = await ctx.req.formData();
  } catch {
    throw jiraError(400, ['The multipart request body could not be read.']);
  }
  const files = form.getAll('file').filter((f) => typeof f !== 'string');
  if (files.length > MAX_FILES_PER_UPLOAD)
    throw jiraError(413, [`You can upload at most ${MAX_FILES_PER_UPLOAD} files in one request.`]);
  if (issue.attachmentIds.length + files.length > ISSUE_LIMITS.attachments)
    throw jiraError(413, [`The limit of ${ISSUE_LIMITS.attachments} attachments per issue has been reached.`]);
  const limit = ctx.site.data.settings.attachmentUploadLimit;
  for (const f of files)
    if (f.size > limit)
      throw jiraError(413, [`The file ${f.name} is larger than the attachment size limit (${limit} bytes).`]);
  const m = mutationOf(ctx);
  const renderer = rendererFor(ctx);
  const out: Array<Record<string, unknown>> = [];
  for (const f of files) {
    const data = new Uint8Array(await f.arrayBuffer());
    const filename = f.name || 'file';
    const a = addAttachment(m, issue, { filename, mimeType: mimeTypeOf(filename, f.type), source: { data } });
    out.push(renderer.attachment(a));
  }
  return { status: 200, body: out, objects: 0 };
}

/** The issue of /attachment/{id} (per-issue write limits). */
function attachmentIssueId(ctx: Pick<RouteContext, 'site' | 'params'>): string | undefined {
  return ctx.site.data.attachments.get(ctx.params.id ?? '')?.issueId;
}

function remove(ctx: RouteContext): RouteResult {
  const id = ctx.params.id ?? '';
  const missing = notFound(`The attachment with id '${id}' does not exist.`);
  if (!ctx.site.data.settings.attachmentsEnabled) throw notFound('Attachments are disabled.');
  const attachment = /^\d+$/.test(id) ? ctx.site.data.attachments.get(id) : undefined;
  const issue = attachment ? ctx.site.data.issues.get(attachment.issueId) : undefined;
  if (!attachment || !issue) throw missing;
  const renderer = rendererFor(ctx);
  if (!renderer.canBrowse(issue))
    throw jiraError(403, [`You do not have permission to view attachment with id: ${id}.`]);
  const project = projectOfIssue(ctx, issue);
  const own = attachment.authorId === ctx.principal.accountId && holds(ctx, project, 'DELETE_OWN_ATTACHMENTS', issue);
  if (!own && !holds(ctx, project, 'DELETE_ALL_ATTACHMENTS', issue))
    throw jiraError(403, ['You do not have permission to delete this attachment.']);
  deleteAttachment(mutationOf(ctx), id);
  return { status: 204 };
}

export function registerAttachmentWriteRoutes(table: RouteTable): void {
  table.post('/rest/api/3/issue/{issueIdOrKey}/attachments', { handler: upload, write: true, issueOf: pathIssueId });
  table.delete('/rest/api/3/attachment/{id}', { handler: remove, write: true, issueOf: attachmentIssueId });
}

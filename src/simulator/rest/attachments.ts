/**
 * Attachment reads: GET /attachment/meta, GET /attachment/{id} (AttachmentMetadata, id int64),
 * GET /attachment/content/{id} and /attachment/thumbnail/{id}.
 *
 * Downloads answer 303 with a signed media-host URL in Location by default (see media.ts);
 * `redirect=false` answers 200 with the bytes, or 206 for a satisfiable `Range` (416 with
 * `Content-Range: bytes *\/size` otherwise, 400 for a malformed Range). Thumbnails exist for
 * image attachments; for others `fallbackToDefault` (default true) serves Jira's default
 * thumbnail and `fallbackToDefault=false` answers 404, as the spec documents.
 *
 * Errors: 404 when the attachment does not exist or attachments are off; 403 when it exists
 * but the caller cannot browse its issue (the spec documents 403 for this operation family).
 */
import { badRequest, forbidden, notFound } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import {
  DEFAULT_THUMBNAIL,
  contentDisposition,
  isImage,
  mediaUrl,
  parseRange,
  rangedBytes,
  thumbnailPng,
} from '../media.js';
import type { RouteContext, RouteResult } from '../services.js';
import type { Attachment, Content } from '../world/site.js';
import { boolParam, rendererFor } from './read-params.js';

function visibleAttachment(ctx: RouteContext): { attachment: Attachment; content: Content } {
  const id = ctx.params.id ?? '';
  const missing = notFound(`The attachment with id '${id}' does not exist.`);
  if (!ctx.site.data.settings.attachmentsEnabled) throw notFound('Attachments are disabled.');
  if (!/^\d+$/.test(id)) throw missing;
  const attachment = ctx.site.data.attachments.get(id);
  const issue = attachment ? ctx.site.data.issues.get(attachment.issueId) : undefined;
  const content = attachment ? ctx.site.data.contents.get(attachment.contentId) : undefined;
  if (!attachment || !issue || !content) throw missing;
  if (!rendererFor(ctx).canBrowse(issue))
    throw forbidden(`You do not have permission to view attachment with id: ${id}.`);
  return { attachment, content };
}

function meta(ctx: RouteContext): RouteResult {
  const s = ctx.site.data.settings;
  return { body: { enabled: s.attachmentsEnabled, uploadLimit: s.attachmentUploadLimit } };
}

function metadata(ctx: RouteContext): RouteResult {
  const { attachment } = visibleAttachment(ctx);
  return { body: rendererFor(ctx).attachmentMetadata(attachment), objects: 1 };
}

function content(ctx: RouteContext): RouteResult {
  const { attachment, content: stored } = visibleAttachment(ctx);
  if (boolParam(ctx.query, 'redirect', true)) {
    return {
      status: 303,
      headers: { location: mediaUrl(ctx.sim, ctx.site, attachment, 'binary', ctx.now) },
      objects: 1,
    };
  }
  const range = parseRange(ctx.req.headers.get('range'), stored.size);
  if (range.kind === 'malformed') throw badRequest(`The Range header '${ctx.req.headers.get('range')}' is malformed.`);
  const served = rangedBytes(stored, range);
  return {
    status: served.status,
    raw: served.bytes,
    contentType: attachment.mimeType || 'application/octet-stream',
    headers: { ...served.headers, 'content-disposition': contentDisposition('attachment', attachment.filename) },
    objects: 1,
  };
}

function thumbnail(ctx: RouteContext): RouteResult {
  const { attachment } = visibleAttachment(ctx);
  if (!isImage(attachment) && !boolParam(ctx.query, 'fallbackToDefault', true))
    throw notFound(`The attachment with id '${attachment.id}' has no thumbnail.`);
  if (boolParam(ctx.query, 'redirect', true)) {
    return {
      status: 303,
      headers: { location: mediaUrl(ctx.sim, ctx.site, attachment, 'image', ctx.now) },
      objects: 1,
    };
  }
  const png = isImage(attachment) ? thumbnailPng(attachment) : DEFAULT_THUMBNAIL;
  return {
    status: 200,
    raw: png,
    contentType: 'image/png',
    headers: { 'content-length': String(png.length) },
    objects: 1,
  };
}

export function registerAttachmentRoutes(table: RouteTable): void {
  table.get('/rest/api/3/attachment/meta', meta);
  table.get('/rest/api/3/attachment/{id}', metadata);
  table.get('/rest/api/3/attachment/content/{id}', content);
  table.get('/rest/api/3/attachment/thumbnail/{id}', thumbnail);
}

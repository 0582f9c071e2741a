/**
 * Attachment bytes: asked of Jira once per attachment id (content never changes under an id), taken
 * from the media URL Jira redirects to (303; fetched without the bearer token, as a browser would),
 * streamed into the repository in content-defined chunks, and resumed with `Range` when the
 * connection breaks. A fresh media URL is asked for when the old one has expired.
 */
import { TidemarkError } from '../core/index.js';
import { JiraError } from '../jira/index.js';
import type { FileRef } from '../store/index.js';
import type { BackupContext } from './context.js';

const MAX_RESUMES = 8;

async function mediaUrl(ctx: BackupContext, id: string): Promise<{ url?: string; direct?: Response }> {
  const res = await ctx.client.stream('GET /rest/api/3/attachment/content/{id}', {
    path: { id },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (res.status === 303 || res.status === 302 || res.status === 307) {
    await res.body?.cancel();
    const location = res.headers.get('location');
    if (!location) throw new JiraError('server', `attachment ${id}: redirect without a Location`);
    return { url: new URL(location, ctx.client.siteBase).toString() };
  }
  return { direct: res };
}

async function openMedia(ctx: BackupContext, url: string, offset: number): Promise<Response> {
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  return ctx.fetch(url, { headers, redirect: 'follow', ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

/** The media file id in a media URL (`…/file/{mediaId}/binary…`): ADF media nodes name attachments by it. */
export function mediaIdOf(url: string): string | null {
  return /\/file\/([0-9a-fA-F-]{8,})\/binary/.exec(url)?.[1] ?? null;
}

/** Streams one attachment into the writer; returns its file reference and media id (when Jira named one). */
export async function backupAttachment(
  ctx: BackupContext,
  id: string,
  expectedSize: number,
): Promise<FileRef & { mediaId: string | null }> {
  let received = 0;
  let mediaId: string | null = null;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    let { url, direct } = await mediaUrl(ctx, id);
    if (url) mediaId = mediaIdOf(url);
    let resumes = 0;
    for (;;) {
      let res: Response;
      try {
        res = direct ?? (await openMedia(ctx, url!, received));
        direct = undefined;
      } catch (e) {
        if (ctx.signal?.aborted) throw e;
        if (++resumes > MAX_RESUMES)
          throw new JiraError('network', `attachment ${id}: download keeps failing`, { cause: e });
        await ctx.clock.sleep(Math.min(30_000, 1_000 * 2 ** resumes), ctx.signal);
        continue;
      }
      if (res.status === 401 || res.status === 403 || res.status === 410) {
        // The signed media URL expired: ask Jira for a fresh one.
        await res.body?.cancel();
        if (++resumes > MAX_RESUMES)
          throw new JiraError('forbidden', `attachment ${id}: the media service keeps refusing the download`);
        ({ url, direct } = await mediaUrl(ctx, id));
        continue;
      }
      if (res.status >= 500) {
        await res.body?.cancel();
        if (++resumes > MAX_RESUMES)
          throw new JiraError('server', `attachment ${id}: the media service answered ${res.status}`);
        await ctx.clock.sleep(Math.min(30_000, 1_000 * 2 ** resumes), ctx.signal);
        continue;
      }
      if (received > 0 && res.status !== 206) {
        // The server ignored Range: skip what we already have.
        if (res.status !== 200) throw new JiraError('server', `attachment ${id}: resuming answered ${res.status}`);
      }
      if (res.status !== 200 && res.status !== 206) {
        await res.body?.cancel();
        throw new JiraError('server', `attachment ${id}: the media service answered ${res.status}`);
      }
      let skip = res.status === 200 ? received : 0;
      try {
        for await (const chunk of res.body ?? []) {
          let part = chunk as Uint8Array;
          if (skip > 0) {
            const drop = Math.min(skip, part.length);
            part = part.subarray(drop);
            skip -= drop;
          }
          if (part.length === 0) continue;
          received += part.length;
          yield part;
        }
        return;
      } catch (e) {
        if (ctx.signal?.aborted) throw e;
        if (++resumes > MAX_RESUMES)
          throw new JiraError('network', `attachment ${id}: the download broke too often`, { cause: e });
        ctx.logger.debug('attachment download interrupted; resuming', { attachment: id, received });
      }
    }
  }
  const ref = await ctx.writer.putFile(bytes());
  if (ref.size !== expectedSize) {
    throw new TidemarkError('server', `attachment ${id}: Jira announced ${expectedSize} bytes but sent ${ref.size}`, {
      hint: 'The attachment may have been replaced during the backup; the next run fetches it again.',
    });
  }
  ctx.counts.attachmentBytes += ref.size;
  return { ...ref, mediaId };
}

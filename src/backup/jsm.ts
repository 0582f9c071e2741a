/**
 * Jira Service Management (docs/design.md §8.1–8.2), under jsm/:
 *
 *   jsm/service-desks/<id>    record kind=service-desk   id, project id, key and name
 *   jsm/request-types/<id>    record kind=request-type   with its portal groups, issue type, help text
 *
 * The service desk list (JSM pages of 50), then each desk's request types (JSM pages). Link
 * members (`_links`) and expand markers (`_expands`) are left out: they are URLs and hints, not
 * content. A site without JSM answers 404 to the service desk list: the directories are then empty.
 */
import { mapLimit } from '../core/index.js';
import { JiraError, items } from '../jira/index.js';
import type { TreeEntry } from '../store/index.js';
import type { BackupContext } from './context.js';
import type { BackupPhase } from './run.js';
import { writeRecordDir, type EntityRecord } from './records.js';

type Json = Record<string, unknown>;

/** JSM pages are capped at 50. */
const JSM_PAGE = 50;

/** A JSM object without its link and expand members, at any depth. */
function withoutLinks(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutLinks);
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) if (k !== '_links' && k !== '_expands') out[k] = withoutLinks(x);
    return out;
  }
  return v;
}

async function backupJsm(ctx: BackupContext): Promise<TreeEntry> {
  const sig = ctx.signal ? { signal: ctx.signal } : {};
  const desks: Json[] = [];
  try {
    for await (const d of items<'GET /rest/servicedeskapi/servicedesk', Json>(
      ctx.client,
      'GET /rest/servicedeskapi/servicedesk',
      'jsm',
      { query: { limit: JSM_PAGE }, expectObjects: JSM_PAGE, ...sig },
    ))
      desks.push(withoutLinks(d) as Json);
  } catch (e) {
    if (!(e instanceof JiraError && e.kind === 'not-found' && desks.length === 0)) throw e;
  }

  const perDesk = await mapLimit(desks, ctx.concurrency.bulk, async (d) => {
    const out: EntityRecord[] = [];
    const project = typeof d.projectKey === 'string' ? d.projectKey : null;
    for await (const rt of items<'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype', Json>(
      ctx.client,
      'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype',
      'jsm',
      { path: { serviceDeskId: String(d.id) }, query: { limit: JSM_PAGE }, expectObjects: JSM_PAGE, ...sig },
    ))
      out.push({ id: String(rt.id), name: rt.name, project, record: withoutLinks(rt) });
    return out;
  });

  const deskDir = await writeRecordDir(
    ctx.writer,
    'service-desk',
    desks.map((d) => ({
      id: String(d.id),
      name: d.projectName,
      project: typeof d.projectKey === 'string' ? d.projectKey : null,
      record: d,
    })),
  );
  const typeDir = await writeRecordDir(ctx.writer, 'request-type', perDesk.flat());
  ctx.counts.add('service-desk', deskDir.count);
  ctx.counts.add('request-type', typeDir.count);
  const tree = await ctx.writer.writeTree([
    { name: 'request-types', type: 'tree', tree: typeDir.tree },
    { name: 'service-desks', type: 'tree', tree: deskDir.tree },
  ]);
  return { name: 'jsm', type: 'tree', tree };
}

export const jsmPhase: BackupPhase = { name: 'jsm', run: (ctx) => backupJsm(ctx) };

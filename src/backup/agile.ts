/**
 * Jira Software (docs/design.md §8.1–8.2), under agile/:
 *
 *   agile/boards/<id>    record kind=board    the board (with admins), its configuration and properties
 *   agile/sprints/<id>   record kind=sprint   every sprint of every state, once
 *
 * Boards come from the board list (Agile pages of 50, private boards included: an account outside
 * a board's filter audience sees only its id and location, and that is all the record can hold).
 * Per readable board: its configuration, its property keys and each property's value, and — for
 * boards that can have sprints (scrum, and team-managed `simple` boards when their sprints
 * feature is on) — its sprints in all states. A sprint listed by several boards is stored once.
 * Rank order needs nothing here: it is the rank field of each issue.
 */
import { mapLimit } from '../core/index.js';
import { JiraError, items } from '../jira/index.js';
import type { TreeEntry } from '../store/index.js';
import type { BackupContext } from './context.js';
import type { BackupPhase } from './run.js';
import { writeRecordDir, type EntityRecord } from './records.js';

type Json = Record<string, unknown>;

/** Agile pages are capped at 50 (boards, sprints). */
const AGILE_PAGE = 50;

function projectKeyOf(board: Json): string | null {
  const location = board.location as Json | undefined;
  return typeof location?.projectKey === 'string' ? location.projectKey : null;
}

async function boardProperties(ctx: BackupContext, boardId: number): Promise<Record<string, unknown>> {
  const sig = ctx.signal ? { signal: ctx.signal } : {};
  const keys = await ctx.client.request('GET /rest/agile/1.0/board/{boardId}/properties', {
    path: { boardId: String(boardId) },
    ...sig,
  });
  const out: Record<string, unknown> = {};
  for (const k of ((keys.body ?? {}) as { keys?: Array<{ key?: string }> }).keys ?? []) {
    if (!k.key) continue;
    const v = await ctx.client.request('GET /rest/agile/1.0/board/{boardId}/properties/{propertyKey}', {
      path: { boardId: String(boardId), propertyKey: k.key },
      ...sig,
    });
    out[k.key] = (v.body as { value?: unknown } | undefined)?.value;
  }
  return out;
}

/** Sprints of a board in every state; none for a board without sprints (Jira answers 400). */
async function boardSprints(ctx: BackupContext, boardId: number): Promise<Json[]> {
  const out: Json[] = [];
  try {
    for await (const s of items<'GET /rest/agile/1.0/board/{boardId}/sprint', Json>(
      ctx.client,
      'GET /rest/agile/1.0/board/{boardId}/sprint',
      'agile',
      {
        path: { boardId },
        // The spec types `state` as an object; Jira takes a comma-separated list.
        query: { state: 'future,active,closed' as never, maxResults: AGILE_PAGE },
        expectObjects: AGILE_PAGE,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      },
    ))
      out.push(s);
  } catch (e) {
    if (e instanceof JiraError && e.kind === 'validation' && out.length === 0) return [];
    throw e;
  }
  return out;
}

async function backupAgile(ctx: BackupContext): Promise<TreeEntry> {
  const sig = ctx.signal ? { signal: ctx.signal } : {};
  const boards: Json[] = [];
  try {
    for await (const b of items<'GET /rest/agile/1.0/board', Json>(ctx.client, 'GET /rest/agile/1.0/board', 'agile', {
      query: { expand: 'admins', includePrivate: true, maxResults: AGILE_PAGE },
      expectObjects: AGILE_PAGE,
      ...sig,
    }))
      boards.push(b);
  } catch (e) {
    // A site without Jira Software has no Agile API (404): nothing to back up here.
    if (!(e instanceof JiraError && e.kind === 'not-found' && boards.length === 0)) throw e;
  }

  const sprints = new Map<string, EntityRecord>();
  const boardRecords = await mapLimit(boards, ctx.concurrency.bulk, async (b): Promise<EntityRecord> => {
    const id = String(b.id);
    const project = projectKeyOf(b);
    if (b.isPrivate === true) return { id, name: b.name, project, record: b };
    const boardId = Number(b.id);
    const configuration = await ctx.client.request('GET /rest/agile/1.0/board/{boardId}/configuration', {
      path: { boardId },
      ...sig,
    });
    const properties = await boardProperties(ctx, boardId);
    if (b.type !== 'kanban') {
      for (const s of await boardSprints(ctx, boardId)) {
        const sid = String(s.id);
        if (!sprints.has(sid)) sprints.set(sid, { id: sid, name: s.name, project, record: s });
      }
    }
    return { id, name: b.name, project, record: { ...b, configuration: configuration.body, properties } };
  });

  const boardDir = await writeRecordDir(ctx.writer, 'board', boardRecords);
  // A sprint's project is its origin board's, when that board was read.
  const projectOfBoard = new Map(boardRecords.map((r) => [r.id, r.project ?? null]));
  const sprintList = [...sprints.values()].map((s) => ({
    ...s,
    project: projectOfBoard.get(String((s.record as Json).originBoardId)) ?? s.project ?? null,
  }));
  const sprintDir = await writeRecordDir(ctx.writer, 'sprint', sprintList);
  ctx.counts.add('board', boardDir.count);
  ctx.counts.add('sprint', sprintDir.count);
  const tree = await ctx.writer.writeTree([
    { name: 'boards', type: 'tree', tree: boardDir.tree },
    { name: 'sprints', type: 'tree', tree: sprintDir.tree },
  ]);
  return { name: 'agile', type: 'tree', tree };
}

export const agilePhase: BackupPhase = { name: 'agile', run: (ctx) => backupAgile(ctx) };

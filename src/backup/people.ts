/**
 * People: the site's users and groups (docs/design.md §8.1–8.2), under people/:
 *
 *   people/users/<accountId>   record kind=user    the user as the user search returns it
 *   people/groups/<groupId>    record kind=group   name and member account ids (inactive included)
 *   people/taken-at            record              when these were read (not an entity)
 *
 * Users, groups and their members are identity objects (2 points each, §5.3), so people have
 * their own cadence: every full run reads them; an incremental run reuses the parent's people/
 * when the parent read them less than `peopleMaxAgeMs` ago (default 7 days).
 *
 * Calls: the user search in pages of 1,000 (inactive and app users included), the group list,
 * and each group's member pages (50 a page, the documented maximum). A user's group memberships
 * are the groups' member lists — one request per group, not one per user.
 */
import { mapLimit } from '../core/index.js';
import { items } from '../jira/index.js';
import type { SnapshotReader, TreeEntry } from '../store/index.js';
import type { BackupContext } from './context.js';
import type { BackupPhase, PhaseInput } from './run.js';
import { writeRecordDir } from './records.js';

type Json = Record<string, unknown>;

export const DEFAULT_PEOPLE_MAX_AGE_MS = 7 * 24 * 60 * 60_000;

/** The documented maximum page of GET /users/search (a bare array: no echo, no total). */
const USER_PAGE = 1_000;
/** The documented maximum page of GET /group/member. */
const MEMBER_PAGE = 50;

/** people/taken-at: when the people of this directory were read from Jira. */
export interface PeopleTakenAt {
  takenAt: string;
  takenAtMs: number;
}

async function readTakenAt(parent: SnapshotReader): Promise<PeopleTakenAt | undefined> {
  const e = await parent.lookup(['people', 'taken-at']);
  if (!e || e.type !== 'record') return undefined;
  const r = await parent.readRecord<Partial<PeopleTakenAt>>(e.blob);
  return typeof r.takenAtMs === 'number' && Number.isFinite(r.takenAtMs) ? (r as PeopleTakenAt) : undefined;
}

async function countEntries(reader: SnapshotReader, path: string[]): Promise<number> {
  const dir = await reader.lookup(path);
  if (!dir || dir.type !== 'tree') return 0;
  let n = 0;
  for await (const _ of reader.list(dir.tree)) n++;
  return n;
}

/** The parent's people/ entry, when an incremental run may reuse it. */
async function reusable(ctx: BackupContext, input: PhaseInput): Promise<TreeEntry | undefined> {
  if (input.mode !== 'incremental' || !input.parent) return undefined;
  const entry = await input.parent.lookup(['people']);
  if (!entry || entry.type !== 'tree') return undefined;
  const taken = await readTakenAt(input.parent);
  const maxAge = input.options.peopleMaxAgeMs ?? DEFAULT_PEOPLE_MAX_AGE_MS;
  if (!taken || ctx.clock.now() - taken.takenAtMs >= maxAge) return undefined;
  ctx.counts.reuse('user', await countEntries(input.parent, ['people', 'users']));
  ctx.counts.reuse('group', await countEntries(input.parent, ['people', 'groups']));
  return entry;
}

/** Every user the search lists, page after page, until a short page. */
async function listUsers(ctx: BackupContext): Promise<Json[]> {
  const sig = ctx.signal ? { signal: ctx.signal } : {};
  const out: Json[] = [];
  for (let startAt = 0; ;) {
    const res = await ctx.client.request('GET /rest/api/3/users/search', {
      query: { startAt, maxResults: USER_PAGE },
      expectObjects: USER_PAGE,
      ...sig,
    });
    const page = Array.isArray(res.body) ? (res.body as unknown as Json[]) : [];
    out.push(...page);
    // A bare array says nothing of what follows: a page shorter than the documented maximum is the last.
    if (page.length < USER_PAGE) return out;
    startAt += page.length;
  }
}

async function groupMembers(ctx: BackupContext, groupId: string): Promise<string[]> {
  const members: string[] = [];
  for await (const u of items<'GET /rest/api/3/group/member', Json>(
    ctx.client,
    'GET /rest/api/3/group/member',
    'page-bean',
    {
      query: { groupId, includeInactiveUsers: true, maxResults: MEMBER_PAGE },
      expectObjects: MEMBER_PAGE,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  ))
    if (typeof u.accountId === 'string') members.push(u.accountId);
  return [...new Set(members)].sort();
}

async function backupPeople(ctx: BackupContext, input: PhaseInput): Promise<TreeEntry> {
  const reused = await reusable(ctx, input);
  if (reused) return reused;
  const takenAtMs = ctx.clock.now();
  const users = await listUsers(ctx);
  const groups: Json[] = [];
  for await (const g of items<'GET /rest/api/3/group/bulk', Json>(
    ctx.client,
    'GET /rest/api/3/group/bulk',
    'page-bean',
    {
      query: { maxResults: 100 },
      expectObjects: 100,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  ))
    groups.push(g);
  const withMembers = await mapLimit(groups, ctx.concurrency.bulk, async (g): Promise<Json> => ({
    ...g,
    members: await groupMembers(ctx, String(g.groupId)),
  }));

  const userDir = await writeRecordDir(
    ctx.writer,
    'user',
    users
      .filter((u) => typeof u.accountId === 'string')
      .map((u) => ({ id: String(u.accountId), name: u.displayName, record: u })),
  );
  const groupDir = await writeRecordDir(
    ctx.writer,
    'group',
    withMembers.map((g) => ({ id: String(g.groupId), name: g.name, record: g })),
  );
  ctx.counts.add('user', userDir.count);
  ctx.counts.add('group', groupDir.count);
  const taken: PeopleTakenAt = { takenAt: new Date(takenAtMs).toISOString(), takenAtMs };
  const takenStored = await ctx.writer.putRecord(taken);
  const tree = await ctx.writer.writeTree([
    { name: 'users', type: 'tree', tree: userDir.tree },
    { name: 'groups', type: 'tree', tree: groupDir.tree },
    { name: 'taken-at', type: 'record', blob: takenStored.id, size: takenStored.size },
  ]);
  return { name: 'people', type: 'tree', tree };
}

export const peoplePhase: BackupPhase = { name: 'people', run: backupPeople };

import { describe, expect, it } from 'vitest';
import { completeIssueTypeSchemes, completeIssueTypeScreenSchemes } from '../../src/backup/config.js';
import { DEFAULT_CONCURRENCY, type BackupContext } from '../../src/backup/context.js';
import type { JiraClient } from '../../src/jira/index.js';

type Json = Record<string, unknown>;

/** A client that answers from a function of (route key, query) and records every call. */
function fakeContext(answer: (key: string, query: Json) => unknown): {
  ctx: BackupContext;
  calls: Array<[string, Json]>;
} {
  const calls: Array<[string, Json]> = [];
  const client = {
    request: async (key: string, options: { query?: Json } = {}) => {
      const query = options.query ?? {};
      calls.push([key, query]);
      return { status: 200, headers: new Headers(), body: answer(key, query), points: 1 };
    },
  } as unknown as JiraClient;
  return { ctx: { client, concurrency: DEFAULT_CONCURRENCY } as unknown as BackupContext, calls };
}

/** A single PageBean page of `values`. */
const page = (values: Json[]): Json => ({ startAt: 0, maxResults: 100, total: values.length, isLast: true, values });
/** A nested page as the scheme lists' expands give it: at most 100 values, the true total. */
const nested = (ids: string[]): Json => ({
  startAt: 0,
  maxResults: 100,
  total: ids.length,
  isLast: true,
  values: ids.slice(0, 100).map((id) => ({ id })),
});

const projectIds = Array.from({ length: 150 }, (_, i) => String(10_000 + i));

describe('scheme completion from the list expands', () => {
  it('uses the nested pages when they are complete, without further calls', async () => {
    const { ctx, calls } = fakeContext(() => page([]));
    const out = await completeIssueTypeSchemes(
      ctx,
      [{ id: '1', name: 'A', issueTypes: nested(['3', '1', '2']), projects: nested(['10002', '10001']) }, { id: '2' }],
      { projectIds, caller: undefined },
    );
    expect(calls).toEqual([]);
    expect(out).toEqual([
      { id: '1', name: 'A', issueTypeIds: ['3', '1', '2'], projectIds: ['10001', '10002'] },
      { id: '2', issueTypeIds: [], projectIds: [] },
    ]);
  });

  it('asks the mapping and project lists only for what a partial nested page left out', async () => {
    const manyTypes = Array.from({ length: 101 }, (_, i) => String(i + 1));
    const { ctx, calls } = fakeContext((key, query) => {
      if (key === 'GET /rest/api/3/issuetypescheme/mapping')
        return page(manyTypes.map((issueTypeId) => ({ issueTypeSchemeId: '7', issueTypeId })));
      if (key === 'GET /rest/api/3/issuetypescheme/project') {
        const asked = (query.projectId as number[]).map(String);
        return page([{ issueTypeScheme: { id: '8' }, projectIds: asked.filter((id) => Number(id) % 2 === 0) }]);
      }
      throw new Error(`unexpected ${key}`);
    });
    const out = await completeIssueTypeSchemes(
      ctx,
      [
        { id: '7', issueTypes: nested(manyTypes), projects: nested(['10001']) },
        {
          id: '8',
          issueTypes: nested(['1']),
          projects: nested(projectIds.filter((id) => Number(id) % 2 === 0).concat(projectIds.slice(0, 30))),
        },
      ],
      { projectIds, caller: undefined },
    );
    // The mapping list for the one partial scheme; the project list in batches of 100 project ids.
    expect(calls.map(([key, query]) => [key, query.issueTypeSchemeId ?? (query.projectId as number[]).length])).toEqual(
      [
        ['GET /rest/api/3/issuetypescheme/mapping', [7]],
        ['GET /rest/api/3/issuetypescheme/project', 100],
        ['GET /rest/api/3/issuetypescheme/project', 50],
      ],
    );
    expect(out[0]).toEqual({ id: '7', issueTypeIds: manyTypes, projectIds: ['10001'] });
    expect(out[1]!.issueTypeIds).toEqual(['1']);
    expect(out[1]!.projectIds).toEqual(projectIds.filter((id) => Number(id) % 2 === 0));
  });

  it('reads issue type screen scheme mappings in one list for every scheme', async () => {
    const { ctx, calls } = fakeContext((key) => {
      if (key === 'GET /rest/api/3/issuetypescreenscheme/mapping')
        return page([
          { issueTypeScreenSchemeId: '1', issueTypeId: 'default', screenSchemeId: '1' },
          { issueTypeScreenSchemeId: '2', issueTypeId: 'default', screenSchemeId: '3' },
          { issueTypeScreenSchemeId: '2', issueTypeId: '10001', screenSchemeId: '4' },
        ]);
      throw new Error(`unexpected ${key}`);
    });
    const out = await completeIssueTypeScreenSchemes(ctx, [{ id: '1', projects: nested(['10003']) }, { id: '2' }], {
      projectIds,
      caller: undefined,
    });
    expect(calls.map(([key]) => key)).toEqual(['GET /rest/api/3/issuetypescreenscheme/mapping']);
    expect(out).toEqual([
      { id: '1', mappings: { default: '1' }, projectIds: ['10003'] },
      { id: '2', mappings: { default: '3', '10001': '4' }, projectIds: [] },
    ]);
  });
});

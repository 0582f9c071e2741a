/**
 * Error answers of the search and issue-read operations validate against the pinned spec: the
 * 404/400 cases not covered by the behaviour suites, and the gateway's 401 for a token without
 * read:jira-work on every operation that documents a 401.
 */
import { describe, expect, it } from 'vitest';
import { findOperation } from '../support/openapi.js';
import { REQUIRED_OPERATIONS } from './required-operations.js';
import { registerAttachmentRoutes } from '../../src/simulator/rest/attachments.js';
import { registerCommentRoutes } from '../../src/simulator/rest/comments.js';
import { registerIssueReadRoutes } from '../../src/simulator/rest/issues-read.js';
import { registerSearchRoutes } from '../../src/simulator/rest/search.js';
import { registerWorklogRoutes } from '../../src/simulator/rest/worklogs.js';
import { USERS } from '../support/fixture-site.js';
import { harness } from '../support/sim-harness.js';
import { expectContract, expectErrorCollection } from '../support/contract.js';

function all() {
  return harness({
    routes: [
      registerSearchRoutes,
      registerIssueReadRoutes,
      registerCommentRoutes,
      registerWorklogRoutes,
      registerAttachmentRoutes,
    ],
  });
}

/** A concrete path for a route template, using fixture ids. */
function concrete(route: string, ids: Record<string, string>): string {
  return route.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? '1');
}

describe('error contracts', () => {
  it('answers documented 404s and 400s with ErrorCollections', async () => {
    const h = all();
    const { story } = h.fx.issues;
    const worklogId = h.fx.restricted.worklogId;
    const cases: Array<[string, string, string, number, { as?: string; query?: Record<string, string> }?]> = [
      [
        'GET',
        '/rest/api/3/comment/{commentId}/properties/{propertyKey}',
        `/rest/api/3/comment/${h.fx.restricted.commentId}/properties/nope`,
        404,
      ],
      [
        'GET',
        '/rest/api/3/issue/{issueIdOrKey}/worklog/{worklogId}/properties',
        `/rest/api/3/issue/${story.key}/worklog/${worklogId}/properties`,
        404,
        { as: USERS.dave },
      ],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}/watchers', '/rest/api/3/issue/SEC-1/watchers', 404, { as: USERS.bob }],
      [
        'GET',
        '/rest/api/3/issue/{issueIdOrKey}/properties',
        '/rest/api/3/issue/SEC-1/properties',
        404,
        { as: USERS.bob },
      ],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}/transitions', '/rest/api/3/issue/OPEN-404/transitions', 404],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}/remotelink', '/rest/api/3/issue/OPEN-404/remotelink', 404],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}', `/rest/api/3/issue/${story.key}/comment/1`, 404],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}/worklog/{id}', `/rest/api/3/issue/${story.key}/worklog/1`, 404],
      ['GET', '/rest/api/3/attachment/thumbnail/{id}', '/rest/api/3/attachment/thumbnail/1', 404],
    ];
    for (const [method, route, path, status, options] of cases) {
      const res = await h.call(method, path, options ?? {});
      expectErrorCollection(res, status);
      expectContract(method, route, res);
    }
  });

  it('answers 401 "scope does not match" without read:jira-work, wherever the spec documents 401', async () => {
    const h = all();
    const ids: Record<string, string> = {
      issueIdOrKey: h.fx.issues.story.key,
      id: h.fx.attachments.text,
      commentId: h.fx.restricted.commentId,
      worklogId: h.fx.restricted.worklogId,
      propertyKey: 'flag',
      linkId: h.fx.issues.story.linkIds[0]!,
      projectIdOrKey: 'OPEN',
      issueTypeId: '10003',
    };
    let checked = 0;
    for (const key of [...REQUIRED_OPERATIONS.search!, ...REQUIRED_OPERATIONS.issueReads!]) {
      const [method, route] = key.split(' ') as [string, string];
      const documented = Object.keys((findOperation(method, route)!.operation.responses ?? {}) as object);
      if (!documented.includes('401')) continue;
      const res = await h.call(method, concrete(route, ids), {
        scopes: ['read:jira-user'],
        ...(method === 'POST' ? { body: {} } : {}),
      });
      expect(res.status, key).toBe(401);
      expect(res.body).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
      expectContract(method, route, res);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});

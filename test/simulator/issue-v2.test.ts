/**
 * The v2 representation (webhook payloads, Agile issue beans) is the shared renderer's output
 * converted: same fields and values as GET issue, ADF as wiki markup, URLs under /rest/api/2.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/index.js';
import { IssueRenderer, parseFieldSelection } from '../../src/simulator/render/issue.js';
import type { RenderContext } from '../../src/simulator/render/common.js';
import { JiraSimulator } from '../../src/simulator/simulator.js';
import { renderAgileIssue, renderCommentV2, renderIssueV2, toV2Urls } from '../../src/simulator/webhooks/issue-v2.js';
import { adfToWiki } from '../../src/simulator/webhooks/wiki.js';
import type { AdfDoc } from '../../src/simulator/world/site.js';
import { buildFixture, CF, USERS } from '../support/fixture-site.js';
import { findAdfDocs } from '../support/openapi.js';

function setup(viewerId: string = USERS.alice) {
  const fx = buildFixture();
  const sim = new JiraSimulator({ world: fx.world, clock: new FakeClock() });
  const ctx: RenderContext = { sim, site: fx.site, viewerId };
  return { fx, ctx };
}

function urls(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && value.startsWith('http')) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => urls(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => urls(v, out));
  return out;
}

describe('v2 issue representation', () => {
  it('has the shared renderer’s fields and values, with rich text as wiki markup and v2 URLs', () => {
    const { fx, ctx } = setup();
    const { story } = fx.issues;
    const shared = new IssueRenderer(ctx).bean(story, { fields: parseFieldSelection(undefined, 'all') })
      .fields as Record<string, unknown>;
    const v2 = renderIssueV2(ctx, story);
    const fields = v2.fields as Record<string, unknown>;
    const expected = Object.keys(shared).filter(
      (k) => !['comment', 'worklog', 'statusCategory', 'issuerestriction'].includes(k),
    );
    expect(Object.keys(fields).sort()).toEqual(expected.sort());
    expect(fields.description).toBe(adfToWiki(story.fields.description as AdfDoc));
    expect(typeof fields.environment).toBe('string');
    expect(fields[CF.notes]).toBe(adfToWiki(story.fields[CF.notes] as AdfDoc));
    expect(findAdfDocs(v2)).toEqual([]);
    for (const k of ['priority', 'assignee', 'parent', 'timetracking', CF.sprint, CF.region, 'issuelinks'])
      expect(fields[k], k).toEqual(toV2Urls(ctx, shared[k]));
    const all = urls(v2);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((u) => u.includes('/rest/api/3/'))).toEqual([]);
    expect(v2.self).toMatch(/\/rest\/api\/2\/issue\/\d+$/);
  });

  it('embeds wiki-markup comment and worklog pages in Agile beans, hiding restricted comments', () => {
    const { fx, ctx } = setup(USERS.bob);
    const { story } = fx.issues;
    const bean = renderAgileIssue(ctx, story);
    const fields = bean.fields as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(fields.comment.total).toBe(2);
    expect(fields.comment.comments.map((c: { body: unknown }) => typeof c.body)).toEqual(['string', 'string']);
    expect(fields.worklog.worklogs.some((w: { comment?: unknown }) => typeof w.comment === 'string')).toBe(true);
    expect(fields.sprint).toMatchObject({ id: 2, state: 'active' });
    expect(fields.closedSprints.map((s: { id: number }) => s.id)).toEqual([1]);
    expect(fields.epic).toMatchObject({ key: 'OPEN-1' });
    expect(findAdfDocs(bean)).toEqual([]);
    const comment = renderCommentV2(ctx, story, story.comments[0]!);
    expect(comment).toMatchObject({ body: 'First comment', author: { accountId: USERS.alice } });
    expect(comment.self).toMatch(/\/rest\/api\/2\/issue\/\d+\/comment\/\d+$/);
  });
});

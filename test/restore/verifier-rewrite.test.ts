/**
 * The verifier's expectations for another site: ids through the mappings and gap decisions, key
 * mentions, issue URLs and media ids in ADF rewritten to the target's.
 */
import { describe, expect, it } from 'vitest';
import type { JiraClient } from '../../src/jira/index.js';
import { PLAN_FORMAT, emptyMappings, type RestorePlan } from '../../src/restore/plan.js';
import { mapFieldValue } from '../../src/restore/verifier/compare.js';
import { SKIPPED, VerifyContext, type VerifySource } from '../../src/restore/verifier/context.js';

const plan: RestorePlan = {
  format: PLAN_FORMAT,
  id: 'p',
  createdAt: '2026-11-24T09:00:00.000Z',
  source: { snapshot: 's', site: { cloudId: 'a', name: 'acme', url: 'https://acme.atlassian.net' } },
  target: { cloudId: 'g', name: 'globex', url: 'https://globex.atlassian.net' },
  mode: { kind: 'project', project: 'DEV', targetKey: 'NEW' },
  options: { notifyUsers: false },
  mappings: { ...emptyMappings(), users: { u1: 'g-u1' }, options: { '100': '900', '101': '901' } },
  gaps: [{ kind: 'users', sourceId: 'u2', name: 'Gone', usedBy: 1, decision: { skip: true } }],
  steps: [{ id: 'issue:1', kind: 'issue.create', deps: [], issue: '1', writes: 1, payload: {} }],
  stats: { entities: {}, writes: 0, reads: 0, points: 0, etaMs: 0, busiestIssueMs: 0, fidelity: {} },
};

function context(): VerifyContext {
  const ctx = new VerifyContext(
    plan,
    [{ step: 'issue:1', event: 'done', at: '2026-11-24T09:00:00.000Z', outputs: { id: '5001', key: 'NEW-1' } }],
    {} as VerifySource,
    {} as JiraClient,
  );
  ctx.keys.set('DEV-1', 'NEW-1');
  ctx.keys.set('DEV-12', 'NEW-2');
  ctx.media.set('m-old', 'm-new');
  ctx.keysChanged();
  return ctx;
}

describe('verifier expectations across sites', () => {
  it('rewrites key mentions, issue URLs and media ids in ADF', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'See DEV-1 and DEV-12, not DEV-123 or XDEV-1.' }] },
        {
          type: 'paragraph',
          content: [{ type: 'inlineCard', attrs: { url: 'https://acme.atlassian.net/browse/DEV-12' } }],
        },
        { type: 'mediaSingle', content: [{ type: 'media', attrs: { id: 'm-old', type: 'file', collection: 'c' } }] },
      ],
    };
    const out = context().rewrite(doc) as { content: Array<{ content: Array<Record<string, unknown>> }> };
    expect(out.content[0]!.content[0]!).toEqual({ type: 'text', text: 'See NEW-1 and NEW-2, not DEV-123 or XDEV-1.' });
    expect(out.content[1]!.content[0]!.attrs).toEqual({ url: 'https://globex.atlassian.net/browse/NEW-2' });
    expect(out.content[2]!.content[0]!.attrs).toEqual({ id: 'm-new', type: 'file', collection: 'c' });
  });

  it('maps ids by the field kind, through the journal for issues, and knows values skipped by decision', () => {
    const ctx = context();
    const user = { id: 'assignee', schema: { type: 'user', system: 'assignee' } };
    expect(mapFieldValue(ctx, user, 'assignee', 'u1')).toBe('g-u1');
    expect(mapFieldValue(ctx, user, 'assignee', 'u2')).toBe(SKIPPED);
    const cascade = { id: 'customfield_1', schema: { type: 'option-with-child' } };
    expect(mapFieldValue(ctx, cascade, 'customfield_1', { id: '100', childId: '101' })).toEqual({
      id: '900',
      childId: '901',
    });
    expect(mapFieldValue(ctx, { id: 'parent' }, 'parent', '1')).toBe('5001');
    // Another site: an issue the plan neither restores nor maps cannot be expected there.
    expect(mapFieldValue(ctx, { id: 'parent' }, 'parent', '2')).toBe(SKIPPED);
  });
});

/**
 * Planner pieces without a simulator: ADF rewriting (media ids, key mentions in text, inline
 * cards and links, user mentions), per-issue pacing in the ETA, and the stats of a hand-made plan.
 */
import { describe, expect, it } from 'vitest';
import { refValue, type Ref, type Step } from '../../src/restore/plan.js';
import { rewriteAdf, type AdfContext } from '../../src/restore/planner/adf.js';
import { perIssueMs, planStats } from '../../src/restore/planner/stats.js';

type Json = Record<string, unknown>;

const ctx: AdfContext = {
  attachmentStep: (m) => (m === 'media-1' ? 'attachment:10:20' : undefined),
  issueStep: (k) => (k === 'DEV-7' ? 'issue:10007' : undefined),
  sourceUrl: 'https://acme.atlassian.net',
  targetUrl: 'https://globex.atlassian.net',
  user: (a) => (a === 'u1' ? 'g1' : undefined),
};

const doc = {
  type: 'doc',
  version: 1,
  content: [
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'See DEV-7 and DEV-8, then DEV-7.', marks: [{ type: 'strong' }] },
        { type: 'inlineCard', attrs: { url: 'https://acme.atlassian.net/browse/DEV-7?focused=1' } },
        {
          type: 'text',
          text: 'link',
          marks: [{ type: 'link', attrs: { href: 'https://acme.atlassian.net/browse/DEV-7' } }],
        },
        { type: 'mention', attrs: { id: 'u1', text: '@Uma' } },
        { type: 'mention', attrs: { id: 'u2', text: '@Zed' } },
      ],
    },
    { type: 'mediaSingle', content: [{ type: 'media', attrs: { id: 'media-1', type: 'file', collection: '' } }] },
    { type: 'mediaSingle', content: [{ type: 'media', attrs: { id: 'media-9', type: 'file', collection: '' } }] },
  ],
};

/** Resolves every Ref of a value with fixed outputs, as the executor would. */
function resolve(v: unknown, outputs: Record<string, Record<string, string>>): unknown {
  if (Array.isArray(v)) return v.map((x) => resolve(x, outputs));
  if (typeof v === 'object' && v !== null) {
    if (typeof (v as Ref).$ref === 'string') return refValue(v as Ref, outputs[(v as Ref).$ref]!);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, outputs)]));
  }
  return v;
}

describe('ADF rewriting', () => {
  it('points media and key mentions of restored issues at their new ids and keys', () => {
    const r = rewriteAdf(doc, ctx);
    expect(r.hasRefs).toBe(true);
    expect([...r.deps].sort()).toEqual(['attachment:10:20', 'issue:10007']);
    const out = resolve(r.doc, {
      'issue:10007': { id: '20001', key: 'NEW-1' },
      'attachment:10:20': { id: '30001', mediaId: 'media-new' },
    }) as Json;
    const para = (out.content as Json[])[0]!.content as Json[];
    expect(para.slice(0, 5).map((n) => n.text)).toEqual(['See ', 'NEW-1', ' and DEV-8, then ', 'NEW-1', '.']);
    expect(para[1]!.marks).toEqual([{ type: 'strong' }]);
    expect((para[5]!.attrs as Json).url).toBe('https://globex.atlassian.net/browse/NEW-1?focused=1');
    expect(((para[6]!.marks as Json[])[0]!.attrs as Json).href).toBe('https://globex.atlassian.net/browse/NEW-1');
    expect(para[7]).toEqual({ type: 'mention', attrs: { id: 'g1', text: '@Uma' } });
    expect(para[8]).toEqual({ type: 'text', text: '@Zed' });
    const media = (out.content as Json[]).slice(1).map((n) => ((n.content as Json[])[0]!.attrs as Json).id);
    expect(media).toEqual(['media-new', 'media-9']);
  });

  it('leaves a document without restored references alone', () => {
    const plain = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'DEV-8' }] }],
    };
    const r = rewriteAdf(plain, ctx);
    expect(r.hasRefs).toBe(false);
    expect(r.doc).toEqual(plain);
  });
});

describe('plan stats', () => {
  it('paces writes to one issue by the per-issue windows at 90%, as the governor does', () => {
    expect(perIssueMs(1, 0)).toBe(0);
    expect(perIssueMs(18, 0)).toBe(0);
    // The 19th write waits until the first has left the 2 s window (the governor adds 1 ms).
    expect(perIssueMs(19, 0)).toBe(2_001);
    expect(perIssueMs(91, 0)).toBe(30_001);
    expect(perIssueMs(10, 100)).toBe(1_000);
    // 18 writes of 100 ms end at 1.8 s; the 19th starts at 2.001 s.
    expect(perIssueMs(19, 100)).toBe(2_101);
  });

  it('counts writes, reads and points, and runs issues in parallel', () => {
    const step = (id: string, issue: string, reads = 0): Step => ({
      id,
      kind: reads ? 'attachment.upload' : 'comment.add',
      deps: [],
      issue,
      writes: 1,
      ...(reads ? { reads } : {}),
      payload: {},
    });
    const steps = [
      ...Array.from({ length: 40 }, (_, i) => step(`c:a:${i}`, 'a')),
      ...Array.from({ length: 10 }, (_, i) => step(`c:b:${i}`, 'b', 1)),
    ];
    const s = planStats(steps, {}, {}, { pointsPerHour: 65_000, concurrency: 8, requestMs: 0 });
    expect(s.writes).toBe(50);
    expect(s.reads).toBe(10);
    expect(s.points).toBe(50 + 10 * 2);
    expect(s.busiestIssueMs).toBe(perIssueMs(40, 0));
    expect(s.etaMs).toBe(s.busiestIssueMs);
    const creates: Step[] = Array.from({ length: 120 }, (_, i) => ({
      id: `issue:${i}`,
      kind: 'issue.create',
      deps: i >= 117 ? ['issue:0'] : [],
      issue: String(i),
      writes: 1,
      payload: {},
    }));
    // 117 top-level creates in 3 bulk requests, the 3 children in a fourth.
    expect(planStats(creates, {}, {}).writes).toBe(4);
    const tight = planStats(steps, {}, {}, { pointsPerHour: 100, pointsRemaining: 10, requestMs: 0 });
    expect(tight.etaMs).toBeGreaterThan(30 * 60_000);
  });
});

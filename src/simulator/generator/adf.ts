/**
 * ADF documents for generated descriptions, comments and worklog comments. Every document built
 * here validates against the ADF JSON schema (test/simulator/generator.test.ts checks them).
 *
 * Memory: most documents are one or two paragraphs of unique text. Rich documents mix headings,
 * marks, lists, code, panels, tables, mentions, emoji, inline cards, dates, status lozenges and
 * media nodes; frozen fragments that carry no issue-specific data are shared between documents.
 */
import type { AdfDoc, AdfNode } from '../world/site.js';
import type { Rng } from './prng.js';
import { CODE_LANGUAGES, EMOJI, HOSTILE_TEXTS, paragraphText, sentence } from './words.js';

export interface AdfEnv {
  rng: Rng;
  /** Browse URL of the site (https://acme.atlassian.net). */
  siteUrl: string;
  /** People who may be mentioned. */
  people: ReadonlyArray<{ accountId: string; displayName: string }>;
  /** Keys of issues that may be referenced by inline cards. */
  issueKeys: readonly string[];
  /** Attachments of the issue that may be embedded (media ids). */
  mediaIds?: readonly string[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const text = (t: string, marks?: AdfNode['marks']): AdfNode =>
  marks ? { type: 'text', text: t, marks } : { type: 'text', text: t };
const para = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

const RULE: AdfNode = deepFreeze({ type: 'rule' });

const SHARED_TABLE: AdfNode = deepFreeze({
  type: 'table',
  attrs: { isNumberColumnEnabled: false, layout: 'default' },
  content: [
    {
      type: 'tableRow',
      content: ['Environment', 'Result', 'Notes'].map((h) => ({
        type: 'tableHeader',
        attrs: {},
        content: [para(text(h, [{ type: 'strong' }]))],
      })),
    },
    {
      type: 'tableRow',
      content: ['Staging', 'Pass', 'Verified by QA'].map((c) => ({
        type: 'tableCell',
        attrs: {},
        content: [para(text(c))],
      })),
    },
    {
      type: 'tableRow',
      content: ['Production', 'Fail', 'See logs attached'].map((c) => ({
        type: 'tableCell',
        attrs: {},
        content: [para(text(c))],
      })),
    },
  ],
});

const SHARED_STEPS: AdfNode = deepFreeze({
  type: 'orderedList',
  attrs: { order: 1 },
  content: ['Open the page', 'Click the button', 'Wait for the spinner', 'Observe the error'].map((s) => ({
    type: 'listItem',
    content: [para(text(s))],
  })),
});

/** One or two paragraphs of plain text. */
export function simpleDoc(rng: Rng): AdfDoc {
  const content = [para(text(paragraphText(rng)))];
  if (rng.chance(0.25)) content.push(para(text(paragraphText(rng, 1))));
  return { version: 1, type: 'doc', content };
}

function mention(env: AdfEnv): AdfNode {
  const p = env.rng.pick(env.people);
  return { type: 'mention', attrs: { id: p.accountId, text: `@${p.displayName}`, accessLevel: '' } };
}

function inlineCard(env: AdfEnv): AdfNode | undefined {
  if (env.issueKeys.length === 0) return undefined;
  return { type: 'inlineCard', attrs: { url: `${env.siteUrl}/browse/${env.rng.pick(env.issueKeys)}` } };
}

function markedParagraph(env: AdfEnv): AdfNode {
  const r = env.rng;
  const content: AdfNode[] = [text(sentence(r, 3, 8) + ' ')];
  const marks: NonNullable<AdfNode['marks']>[] = [
    [{ type: 'strong' }],
    [{ type: 'em' }],
    [{ type: 'code' }],
    [{ type: 'strike' }],
    [{ type: 'underline' }],
    [{ type: 'textColor', attrs: { color: '#ff5630' } }],
    [{ type: 'subsup', attrs: { type: 'sup' } }],
    [{ type: 'link', attrs: { href: `${env.siteUrl}/wiki/spaces/ENG/pages/${r.int(1000, 99999)}` } }],
    [{ type: 'strong' }, { type: 'em' }],
  ];
  content.push(text(sentence(r, 2, 5), r.pick(marks)));
  content.push(text(' '));
  if (env.people.length > 0 && r.chance(0.6)) {
    content.push(text('cc '));
    content.push(mention(env));
    content.push(text(' '));
  }
  const card = r.chance(0.5) ? inlineCard(env) : undefined;
  if (card) {
    content.push(text('see '));
    content.push(card);
    content.push(text(' '));
  }
  if (r.chance(0.4)) {
    const e = r.pick(EMOJI);
    content.push({ type: 'emoji', attrs: { shortName: e.shortName, id: e.id, text: e.text } });
  }
  if (r.chance(0.3)) {
    content.push({ type: 'hardBreak' });
    content.push(text(sentence(r, 3, 6)));
  }
  return { type: 'paragraph', content };
}

function mediaNode(mediaId: string): AdfNode {
  return { type: 'media', attrs: { id: mediaId, type: 'file', collection: '' } };
}

/** A document exercising most node kinds; embeds the given attachments as media. */
export function richDoc(env: AdfEnv): AdfDoc {
  const r = env.rng;
  const content: AdfNode[] = [];
  content.push({ type: 'heading', attrs: { level: r.int(1, 3) }, content: [text(sentence(r, 2, 5))] });
  content.push(markedParagraph(env));
  const picks = r.sample(['list', 'code', 'panel', 'table', 'quote', 'steps', 'rule', 'expand', 'inline'], r.int(2, 4));
  for (const kind of picks) {
    switch (kind) {
      case 'list':
        content.push({
          type: 'bulletList',
          content: Array.from({ length: r.int(2, 4) }, () => ({
            type: 'listItem',
            content: [para(text(sentence(r, 3, 8)))],
          })),
        });
        break;
      case 'code':
        content.push({
          type: 'codeBlock',
          attrs: { language: r.pick(CODE_LANGUAGES) },
          content: [text(`function check${r.int(1, 999)}(x) {\n  return x > ${r.int(0, 100)};\n}\n`)],
        });
        break;
      case 'panel':
        content.push({
          type: 'panel',
          attrs: { panelType: r.pick(['info', 'note', 'warning', 'success', 'error'] as const) },
          content: [para(text(sentence(r, 4, 10)))],
        });
        break;
      case 'table':
        content.push(SHARED_TABLE);
        break;
      case 'quote':
        content.push({ type: 'blockquote', content: [para(text(sentence(r, 4, 10)))] });
        break;
      case 'steps':
        content.push(SHARED_STEPS);
        break;
      case 'rule':
        content.push(RULE);
        break;
      case 'expand':
        content.push({ type: 'expand', attrs: { title: 'Details' }, content: [para(text(paragraphText(r, 2)))] });
        break;
      case 'inline':
        content.push(
          para(
            text('Due '),
            { type: 'date', attrs: { timestamp: String(Date.UTC(2026, r.int(0, 11), r.int(1, 28))) } },
            text(' status '),
            {
              type: 'status',
              attrs: { text: r.pick(['BLOCKED', 'IN REVIEW', 'DONE']), color: r.pick(['red', 'blue', 'green']) },
            },
          ),
        );
        break;
    }
  }
  const media = env.mediaIds ?? [];
  if (media.length === 1) {
    content.push({ type: 'mediaSingle', attrs: { layout: 'center' }, content: [mediaNode(media[0]!)] });
  } else if (media.length > 1) {
    content.push({ type: 'mediaSingle', attrs: { layout: 'align-start' }, content: [mediaNode(media[0]!)] });
    content.push({ type: 'mediaGroup', content: media.slice(1).map(mediaNode) });
  }
  return { version: 1, type: 'doc', content };
}

/** A short document embedding media (a pasted screenshot in a comment). */
export function mediaDoc(rng: Rng, mediaIds: readonly string[]): AdfDoc {
  const content: AdfNode[] = [para(text(sentence(rng, 3, 8)))];
  if (mediaIds.length === 1)
    content.push({ type: 'mediaSingle', attrs: { layout: 'center' }, content: [mediaNode(mediaIds[0]!)] });
  else if (mediaIds.length > 1) content.push({ type: 'mediaGroup', content: mediaIds.map(mediaNode) });
  return { version: 1, type: 'doc', content };
}

/** A document made of hostile text (Unicode, RTL, emoji, markup, control characters). */
export function hostileDoc(rng: Rng, all = false): AdfDoc {
  const picks = all ? [...HOSTILE_TEXTS] : rng.sample(HOSTILE_TEXTS, 3);
  return {
    version: 1,
    type: 'doc',
    content: [
      para(text(picks[0]!)),
      { type: 'codeBlock', attrs: { language: 'html' }, content: [text(picks[1]!)] },
      ...picks.slice(2).map((t) => para(text(t, [{ type: 'strong' }]))),
    ],
  };
}

/** A very long document: about `bytes` characters of paragraphs (each paragraph unique). */
export function longDoc(rng: Rng, bytes: number): AdfDoc {
  const content: AdfNode[] = [];
  let total = 0;
  let n = 0;
  while (total < bytes) {
    const t = `${++n}. ${paragraphText(rng, 6)}`;
    total += t.length;
    content.push(para(text(t)));
  }
  return { version: 1, type: 'doc', content };
}

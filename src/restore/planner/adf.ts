/**
 * ADF rewriting for restored text (docs/design.md §9.3 rule 3): media nodes point at the new media
 * ids (`{ $ref: 'attachment:…', out: 'mediaId' }`), key mentions of restored issues — in plain
 * text, inline cards and link marks — at their new keys (`out: 'key'`, with prefix/suffix), user
 * mentions at mapped accounts (or plain text when unmapped). Answers the rewritten document and
 * the steps it now depends on.
 */
import type { Ref } from '../plan.js';

type Json = Record<string, unknown>;

export interface AdfContext {
  /** Step id of the upload of the attachment whose source media id is given, if restored. */
  attachmentStep(mediaId: string): string | undefined;
  /** Step id of the issue.create of the issue with this source key, if restored. */
  issueStep(key: string): string | undefined;
  /** The source site's base URL (issue URLs to rewrite) and the target's. */
  sourceUrl: string;
  targetUrl: string;
  /** Target account for a source account id (undefined: unmapped). */
  user(accountId: string): string | undefined;
}

export interface AdfRewrite {
  doc: unknown;
  deps: Set<string>;
  /** True when the document holds a Ref (it needs outputs of other steps). */
  hasRefs: boolean;
}

const KEY_RE = /\b[A-Z][A-Z0-9_]+-\d+\b/g;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function rewriteAdf(doc: unknown, ctx: AdfContext): AdfRewrite {
  const deps = new Set<string>();
  const urlRe = new RegExp(`^(${escapeRe(ctx.sourceUrl.replace(/\/$/, ''))}/browse/)([A-Z][A-Z0-9_]+-\\d+)(.*)$`);
  const target = ctx.targetUrl.replace(/\/$/, '');

  const keyRef = (key: string, prefix = '', suffix = ''): Ref | undefined => {
    const step = ctx.issueStep(key);
    if (!step) return undefined;
    deps.add(step);
    return {
      $ref: step,
      out: 'key',
      ...(prefix ? { prefix } : {}),
      ...(suffix ? { suffix } : {}),
    };
  };

  const urlRef = (url: unknown): unknown => {
    if (typeof url !== 'string') return url;
    const m = urlRe.exec(url);
    if (!m) return url;
    return keyRef(m[2]!, `${target}/browse/`, m[3]) ?? url;
  };

  const rewriteMarks = (marks: unknown): unknown =>
    Array.isArray(marks)
      ? marks.map((mk: Json) =>
          mk.type === 'link' && mk.attrs
            ? { ...mk, attrs: { ...(mk.attrs as Json), href: urlRef((mk.attrs as Json).href) } }
            : mk,
        )
      : marks;

  const splitText = (node: Json): Json[] => {
    const text = node.text as string;
    const out: Json[] = [];
    let last = 0;
    for (const m of text.matchAll(KEY_RE)) {
      const ref = keyRef(m[0]);
      if (!ref) continue;
      if (m.index > last) out.push({ ...node, text: text.slice(last, m.index) });
      out.push({ ...node, text: ref });
      last = m.index + m[0].length;
    }
    if (out.length === 0) return [{ ...node, ...(node.marks ? { marks: rewriteMarks(node.marks) } : {}) }];
    if (last < text.length) out.push({ ...node, text: text.slice(last) });
    return out.map((n) => (n.marks ? { ...n, marks: rewriteMarks(n.marks) } : n));
  };

  const walk = (node: unknown): unknown[] => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return [node];
    const n = node as Json;
    const attrs = (n.attrs ?? {}) as Json;
    if (n.type === 'text' && typeof n.text === 'string') return splitText(n);
    if (n.type === 'media' && typeof attrs.id === 'string') {
      const step = ctx.attachmentStep(attrs.id);
      if (step) {
        deps.add(step);
        return [{ ...n, attrs: { ...attrs, id: { $ref: step, out: 'mediaId' } satisfies Ref } }];
      }
      return [n];
    }
    if (n.type === 'inlineCard' || n.type === 'blockCard')
      return [{ ...n, attrs: { ...attrs, url: urlRef(attrs.url) } }];
    if (n.type === 'mention' && typeof attrs.id === 'string') {
      const mapped = ctx.user(attrs.id);
      if (mapped) return [{ ...n, attrs: { ...attrs, id: mapped } }];
      return [{ type: 'text', text: typeof attrs.text === 'string' ? attrs.text : '@unknown' }];
    }
    if (Array.isArray(n.content)) return [{ ...n, content: n.content.flatMap(walk) }];
    return [n];
  };

  const [out] = walk(doc);
  return { doc: out, deps, hasRefs: deps.size > 0 };
}

/** True when an ADF document embeds media or a key mention of one of `keys` (needs a later edit). */
export function isAdf(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && (v as Json).type === 'doc';
}

/** A short first paragraph: "Originally by <name> on <date>". */
export function provenanceParagraph(name: string, when: string | undefined): Json {
  const date = when ? new Date(when.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : undefined;
  const stamp =
    date && !Number.isNaN(date.getTime())
      ? date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
      : 'an unknown date';
  return {
    type: 'paragraph',
    content: [{ type: 'text', text: `Originally by ${name} on ${stamp}`, marks: [{ type: 'em' }] }],
  };
}

/** A body with the provenance paragraph first. */
export function withProvenance(body: unknown, header: Json): Json {
  const doc = isAdf(body) ? body : { type: 'doc', version: 1, content: [] };
  return { ...doc, content: [header, ...((doc.content as unknown[] | undefined) ?? [])] };
}

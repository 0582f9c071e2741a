/**
 * Atlassian Document Format → Jira wiki markup, for the places Jira still speaks wiki markup:
 * webhook payloads and other v2 representations (description, environment, comment bodies,
 * textarea custom fields) and JSM comment bodies. And the reverse for plain text, which is what
 * JSM's comment endpoint receives.
 *
 * The mapping follows Jira's text-formatting notation: *strong*, _em_, {{code}}, -strike-,
 * +underline+, ^sup^, ~sub~, [text|url], hN., bullet (*) and numbered (#) lists, {code},
 * {quote}, {panel}/{info}/{note}/{warning}/{tip}, ----, tables (|| header, | cell), !image!,
 * [~accountid:…] mentions.
 */
import type { AdfDoc, AdfNode } from '../world/site.js';

export interface WikiOptions {
  /** Resolves a media id to its attachment file name (for !name! image references). */
  mediaName?: (mediaId: string) => string | undefined;
}

const PANEL_MACRO: Record<string, string> = {
  info: 'info',
  note: 'note',
  warning: 'warning',
  error: 'warning',
  success: 'tip',
  tip: 'tip',
};

function inline(nodes: AdfNode[] | undefined, opts: WikiOptions): string {
  let out = '';
  for (const n of nodes ?? []) out += inlineNode(n, opts);
  return out;
}

function mark(text: string, m: { type: string; attrs?: Record<string, unknown> }): string {
  switch (m.type) {
    case 'strong':
      return `*${text}*`;
    case 'em':
      return `_${text}_`;
    case 'code':
      return `{{${text}}}`;
    case 'strike':
      return `-${text}-`;
    case 'underline':
      return `+${text}+`;
    case 'link':
      return `[${text}|${String(m.attrs?.href ?? '')}]`;
    case 'subsup':
      return m.attrs?.type === 'sub' ? `~${text}~` : `^${text}^`;
    case 'textColor':
      return `{color:${String(m.attrs?.color ?? '#000000')}}${text}{color}`;
    default:
      return text;
  }
}

function inlineNode(n: AdfNode, opts: WikiOptions): string {
  switch (n.type) {
    case 'text': {
      let t = n.text ?? '';
      // Links wrap outermost, so apply them last.
      const marks = [...(n.marks ?? [])].sort((a, b) => (a.type === 'link' ? 1 : 0) - (b.type === 'link' ? 1 : 0));
      for (const m of marks) t = mark(t, m);
      return t;
    }
    case 'hardBreak':
      return '\n';
    case 'mention':
      return `[~accountid:${String(n.attrs?.id ?? '')}]`;
    case 'emoji':
      return String(n.attrs?.shortName ?? n.attrs?.text ?? '');
    case 'inlineCard': {
      const url = String(n.attrs?.url ?? '');
      return `[${url}|${url}|smart-link]`;
    }
    case 'date': {
      const ts = Number(n.attrs?.timestamp);
      return Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : '';
    }
    case 'status':
      return `*[${String(n.attrs?.text ?? '').toUpperCase()}]*`;
    case 'media':
    case 'mediaInline':
      return media(n, opts);
    default:
      return inline(n.content, opts);
  }
}

function media(n: AdfNode, opts: WikiOptions): string {
  const id = String(n.attrs?.id ?? '');
  const name = opts.mediaName?.(id) ?? String(n.attrs?.alt ?? id);
  return `!${name}|thumbnail!`;
}

function list(n: AdfNode, prefix: string, opts: WikiOptions): string[] {
  const lines: string[] = [];
  const marker = prefix + (n.type === 'orderedList' ? '#' : '*');
  for (const item of n.content ?? []) {
    let first = true;
    for (const child of item.content ?? []) {
      if (child.type === 'bulletList' || child.type === 'orderedList') {
        lines.push(...list(child, marker, opts));
      } else {
        const text = block(child, opts);
        lines.push(first ? `${marker} ${text}` : text);
        first = false;
      }
    }
  }
  return lines;
}

function table(n: AdfNode, opts: WikiOptions): string {
  return (n.content ?? [])
    .map((row) => {
      const cells = row.content ?? [];
      const sep = (c: AdfNode): string => (c.type === 'tableHeader' ? '||' : '|');
      let line = '';
      for (const c of cells) line += sep(c) + blocks(c.content, opts).replace(/\n+/g, ' ');
      return cells.length ? line + sep(cells[cells.length - 1]!) : line;
    })
    .join('\n');
}

function block(n: AdfNode, opts: WikiOptions): string {
  switch (n.type) {
    case 'paragraph':
      return inline(n.content, opts);
    case 'heading':
      return `h${Number(n.attrs?.level ?? 1)}. ${inline(n.content, opts)}`;
    case 'bulletList':
    case 'orderedList':
      return list(n, '', opts).join('\n');
    case 'codeBlock': {
      const lang = n.attrs?.language ? `:${String(n.attrs.language)}` : '';
      return `{code${lang}}${inline(n.content, opts)}{code}`;
    }
    case 'blockquote':
      return `{quote}${blocks(n.content, opts)}{quote}`;
    case 'panel': {
      const macro = PANEL_MACRO[String(n.attrs?.panelType ?? 'info')] ?? 'panel';
      return `{${macro}}${blocks(n.content, opts)}{${macro}}`;
    }
    case 'rule':
      return '----';
    case 'table':
      return table(n, opts);
    case 'mediaSingle':
    case 'mediaGroup':
      return (n.content ?? []).map((m) => media(m, opts)).join(' ');
    case 'expand':
    case 'nestedExpand': {
      const title = n.attrs?.title ? `*${String(n.attrs.title)}*\n` : '';
      return title + blocks(n.content, opts);
    }
    default:
      return n.content ? blocks(n.content, opts) : inlineNode(n, opts);
  }
}

function blocks(nodes: AdfNode[] | undefined, opts: WikiOptions): string {
  return (nodes ?? []).map((n) => block(n, opts)).join('\n\n');
}

/** Renders an ADF document as Jira wiki markup. */
export function adfToWiki(doc: AdfDoc | null | undefined, opts: WikiOptions = {}): string {
  if (!doc) return '';
  return blocks(doc.content, opts);
}

/**
 * Plain text (or wiki markup, taken literally) → ADF: blank lines separate paragraphs, single
 * newlines become hard breaks. Jira's own wiki parser is richer; this keeps the text intact, which
 * is what a round trip through the JSM comment endpoint needs.
 */
export function textToAdf(text: string): AdfDoc {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.length > 0);
  return {
    version: 1,
    type: 'doc',
    content: paragraphs.map((p) => {
      const content: AdfNode[] = [];
      p.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line) content.push({ type: 'text', text: line });
      });
      return content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
    }),
  };
}

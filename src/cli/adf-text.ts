/**
 * Atlassian Document Format → plain text for the terminal, as a person would read the document:
 * paragraphs separated by blank lines, headings underlined, lists with bullets or numbers, code
 * blocks indented, quotes and panels marked, tables as rows of cells, mentions as @Name, links
 * with their URL, media as [attachment …]. Unknown nodes show their children. The text is cleaned
 * (text.ts) so hostile content cannot drive the terminal.
 */
import { cleanBlock } from './text.js';

export interface AdfNode {
  type?: unknown;
  text?: unknown;
  attrs?: Record<string, unknown>;
  marks?: Array<{ type?: unknown; attrs?: Record<string, unknown> }>;
  content?: unknown;
}

export interface AdfTextOptions {
  /** Display name for a mention's account id. */
  mentionName?: (accountId: string) => string | undefined;
  /** File name for a media node's id (attachments of the issue). */
  mediaName?: (id: string) => string | undefined;
}

const MAX_DEPTH = 64;

function kids(node: AdfNode): AdfNode[] {
  return Array.isArray(node.content) ? (node.content as AdfNode[]).filter((c) => c && typeof c === 'object') : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** True for an ADF document (`{type: 'doc', content: [...]}`). */
export function isAdfDoc(value: unknown): boolean {
  return (
    !!value &&
    typeof value === 'object' &&
    (value as AdfNode).type === 'doc' &&
    Array.isArray((value as AdfNode).content)
  );
}

class Renderer {
  constructor(private readonly options: AdfTextOptions) {}

  inline(nodes: AdfNode[], depth: number): string {
    return nodes.map((n) => this.inlineNode(n, depth + 1)).join('');
  }

  private inlineNode(node: AdfNode, depth: number): string {
    if (depth > MAX_DEPTH) return '';
    const attrs = node.attrs ?? {};
    switch (node.type) {
      case 'text': {
        let t = str(node.text);
        const link = (node.marks ?? []).find((m) => m?.type === 'link');
        const href = str(link?.attrs?.href);
        if (href && href !== t) t = `${t} <${href}>`;
        if ((node.marks ?? []).some((m) => m?.type === 'code')) t = `\`${t}\``;
        return t;
      }
      case 'hardBreak':
        return '\n';
      case 'mention': {
        const id = str(attrs.id);
        const name = (id && this.options.mentionName?.(id)) || str(attrs.text).replace(/^@/, '') || id;
        return `@${name}`;
      }
      case 'emoji':
        return str(attrs.text) || str(attrs.shortName);
      case 'date': {
        const ts = Number(attrs.timestamp);
        return Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : '';
      }
      case 'status':
        return `[${str(attrs.text)}]`;
      case 'inlineCard':
      case 'blockCard':
      case 'embedCard':
        return `<${str(attrs.url)}>`;
      case 'media':
      case 'mediaInline':
        return this.media(node);
      case 'placeholder':
        return '';
      default:
        return this.inline(kids(node), depth);
    }
  }

  private media(node: AdfNode): string {
    const attrs = node.attrs ?? {};
    const id = str(attrs.id);
    const name = (id && this.options.mediaName?.(id)) || str(attrs.alt) || id;
    return attrs.type === 'external' ? `[image <${str(attrs.url)}>]` : `[attachment ${name}]`;
  }

  /** Blocks → lines (without trailing blank lines). */
  block(node: AdfNode, depth: number): string[] {
    if (depth > MAX_DEPTH) return [];
    const attrs = node.attrs ?? {};
    const children = kids(node);
    switch (node.type) {
      case 'doc':
        return this.blocks(children, depth);
      case 'paragraph':
        return this.inline(children, depth).split('\n');
      case 'heading': {
        const text = this.inline(children, depth).replace(/\n/g, ' ');
        const level = Number(attrs.level) || 1;
        return level <= 2
          ? [text, (level === 1 ? '=' : '-').repeat(Math.min(Math.max([...text].length, 3), 80))]
          : [text];
      }
      case 'bulletList':
        return children.flatMap((item) => this.listItem(item, '• ', depth));
      case 'orderedList': {
        const start = Number(attrs.order) || 1;
        return children.flatMap((item, i) => this.listItem(item, `${start + i}. `, depth));
      }
      case 'taskList':
        return children.flatMap((item) => this.listItem(item, item.attrs?.state === 'DONE' ? '[x] ' : '[ ] ', depth));
      case 'listItem':
      case 'taskItem':
        return this.listItem(node, '• ', depth);
      case 'codeBlock': {
        const text = children.map((c) => str(c.text)).join('');
        return text.split('\n').map((l) => `    ${l}`);
      }
      case 'blockquote':
        return this.blocks(children, depth).map((l) => `> ${l}`);
      case 'panel': {
        const kind = str(attrs.panelType) || 'info';
        return [`[${kind}]`, ...this.blocks(children, depth).map((l) => `| ${l}`)];
      }
      case 'expand':
      case 'nestedExpand':
        return [`▸ ${str(attrs.title)}`, ...this.blocks(children, depth).map((l) => `  ${l}`)];
      case 'rule':
        return ['----'];
      case 'table':
        return children.map((row) => this.tableRow(row, depth));
      case 'mediaSingle':
      case 'mediaGroup':
        return [children.map((c) => this.media(c)).join(' ')];
      case 'text':
      case 'mention':
      case 'emoji':
      case 'hardBreak':
      case 'inlineCard':
      case 'date':
      case 'status':
        return this.inlineNode(node, depth).split('\n');
      default:
        return this.blocks(children, depth);
    }
  }

  private blocks(nodes: AdfNode[], depth: number): string[] {
    const out: string[] = [];
    for (const n of nodes) {
      const lines = this.block(n, depth + 1);
      if (lines.length === 0) continue;
      const tight = n.type === 'listItem' || n.type === 'taskItem' || n.type === 'tableRow';
      if (out.length > 0 && !tight) out.push('');
      out.push(...lines);
    }
    return out;
  }

  private listItem(item: AdfNode, marker: string, depth: number): string[] {
    const pad = ' '.repeat([...marker].length);
    const lines =
      item.type === 'taskItem'
        ? this.inline(kids(item), depth).split('\n')
        : this.blocks(kids(item), depth).filter((l) => l !== '');
    if (lines.length === 0) lines.push('');
    return lines.map((l, i) => (i === 0 ? `${marker}${l}` : `${pad}${l}`));
  }

  private tableRow(row: AdfNode, depth: number): string {
    return `| ${kids(row)
      .map((cell) =>
        this.blocks(kids(cell), depth + 1)
          .join(' ')
          .trim(),
      )
      .join(' | ')} |`;
  }
}

/** The document as text (no trailing newline), cleaned for the terminal. */
export function adfToText(doc: unknown, options: AdfTextOptions = {}): string {
  if (!doc || typeof doc !== 'object') return typeof doc === 'string' ? cleanBlock(doc) : '';
  const lines = new Renderer(options).block(doc as AdfNode, 0);
  return cleanBlock(lines.map((l) => l.trimEnd()).join('\n'))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

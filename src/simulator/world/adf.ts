/**
 * Small helpers over stored ADF documents shared by mutations, the control API and renderers:
 * a one-paragraph document from plain text, and the plain text of a document (what Jira's
 * changelog shows for rich-text fields).
 */
import type { AdfDoc, AdfNode } from './site.js';

/** A document holding `text` as paragraphs (split on blank lines); empty text gives an empty paragraph. */
export function textDoc(text: string): AdfDoc {
  const parts = text.split(/\n{2,}/);
  return {
    version: 1,
    type: 'doc',
    content: parts.map((p) =>
      p === '' ? { type: 'paragraph' } : { type: 'paragraph', content: [{ type: 'text', text: p }] },
    ),
  };
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'blockquote',
  'listItem',
  'tableRow',
  'panel',
  'rule',
  'mediaSingle',
  'mediaGroup',
  'expand',
  'nestedExpand',
]);

function walk(node: AdfNode, out: string[]): void {
  switch (node.type) {
    case 'text':
      out.push(node.text ?? '');
      return;
    case 'hardBreak':
      out.push('\n');
      return;
    case 'mention':
      out.push(String(node.attrs?.text ?? `@${String(node.attrs?.id ?? '')}`));
      return;
    case 'emoji':
      out.push(String(node.attrs?.text ?? node.attrs?.shortName ?? ''));
      return;
    case 'inlineCard':
    case 'blockCard':
      out.push(String(node.attrs?.url ?? ''));
      return;
    case 'date':
      out.push(String(node.attrs?.timestamp ?? ''));
      return;
    case 'status':
      out.push(String(node.attrs?.text ?? ''));
      return;
    case 'tableCell':
    case 'tableHeader':
      out.push('|');
      break;
  }
  for (const child of node.content ?? []) walk(child, out);
  if (BLOCKS.has(node.type)) out.push('\n');
}

/** The text of a document, one line per block, without markup. */
export function adfPlainText(doc: AdfDoc | null | undefined): string {
  if (!doc) return '';
  const out: string[] = [];
  for (const node of doc.content) walk(node, out);
  return out.join('').replace(/\n+$/, '');
}

/**
 * Atlassian Document Format → the simple HTML Jira returns in `renderedFields`, `renderedBody`.
 *
 * Content is hostile (generated data includes script-like text, RTL, control characters): every
 * text and attribute value is escaped, only http(s)/mailto links survive, colours must be hex,
 * and unknown nodes render their children only. The output is for display; nothing here parses
 * it back.
 */
import type { AdfDoc, AdfNode } from '../world/site.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only web and mail links are rendered as links; anything else (javascript:, data:) is dropped. */
function safeHref(href: unknown): string | undefined {
  if (typeof href !== 'string') return undefined;
  const trimmed = href.trim();
  return /^(https?:|mailto:)/i.test(trimmed) ? trimmed : undefined;
}

function safeColor(color: unknown): string | undefined {
  return typeof color === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(color) ? color : undefined;
}

export interface AdfHtmlOptions {
  /** Display name for a mention's account id (falls back to the node's text). */
  mentionName?: (accountId: string) => string | undefined;
}

function renderText(node: AdfNode): string {
  let html = escapeHtmlText(node.text ?? '').replace(/\n/g, '<br/>');
  for (const mark of node.marks ?? []) {
    switch (mark.type) {
      case 'strong':
        html = `<b>${html}</b>`;
        break;
      case 'em':
        html = `<em>${html}</em>`;
        break;
      case 'code':
        html = `<tt>${html}</tt>`;
        break;
      case 'strike':
        html = `<del>${html}</del>`;
        break;
      case 'underline':
        html = `<ins>${html}</ins>`;
        break;
      case 'link': {
        const href = safeHref(mark.attrs?.href);
        if (href)
          html = `<a href="${escapeHtmlText(href)}" class="external-link" rel="nofollow noreferrer">${html}</a>`;
        break;
      }
      case 'textColor': {
        const color = safeColor(mark.attrs?.color);
        if (color) html = `<font color="${color}">${html}</font>`;
        break;
      }
      case 'subsup':
        html = mark.attrs?.type === 'sup' ? `<sup>${html}</sup>` : `<sub>${html}</sub>`;
        break;
      default:
        break;
    }
  }
  return html;
}

function children(node: AdfNode, options: AdfHtmlOptions): string {
  return (node.content ?? []).map((c) => renderNode(c, options)).join('');
}

function renderNode(node: AdfNode, options: AdfHtmlOptions): string {
  const attrs = node.attrs ?? {};
  switch (node.type) {
    case 'text':
      return renderText(node);
    case 'paragraph':
      return `<p>${children(node, options)}</p>`;
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(attrs.level) || 1));
      return `<h${level}>${children(node, options)}</h${level}>`;
    }
    case 'bulletList':
      return `<ul>${children(node, options)}</ul>`;
    case 'orderedList': {
      const order = Number(attrs.order);
      const start = Number.isInteger(order) && order > 1 ? ` start="${order}"` : '';
      return `<ol${start}>${children(node, options)}</ol>`;
    }
    case 'listItem':
      return `<li>${children(node, options)}</li>`;
    case 'codeBlock': {
      const lang = typeof attrs.language === 'string' && /^[\w+#.-]{1,40}$/.test(attrs.language) ? attrs.language : '';
      const cls = lang ? ` class="language-${lang}"` : '';
      const text = (node.content ?? []).map((c) => escapeHtmlText(c.text ?? '')).join('');
      return `<div class="code panel"><div class="codeContent panelContent"><pre${cls}>${text}</pre></div></div>`;
    }
    case 'blockquote':
      return `<blockquote>${children(node, options)}</blockquote>`;
    case 'panel': {
      const type =
        typeof attrs.panelType === 'string' && /^[a-z]{1,20}$/.test(attrs.panelType) ? attrs.panelType : 'info';
      return `<div class="panel panel-${type}"><div class="panelContent">${children(node, options)}</div></div>`;
    }
    case 'rule':
      return '<hr/>';
    case 'hardBreak':
      return '<br/>';
    case 'table':
      return `<div class="table-wrap"><table class="confluenceTable"><tbody>${children(node, options)}</tbody></table></div>`;
    case 'tableRow':
      return `<tr>${children(node, options)}</tr>`;
    case 'tableHeader':
      return `<th class="confluenceTh">${children(node, options)}</th>`;
    case 'tableCell':
      return `<td class="confluenceTd">${children(node, options)}</td>`;
    case 'mediaSingle':
    case 'mediaGroup':
      return `<p>${children(node, options)}</p>`;
    case 'media': {
      const url = safeHref(attrs.url);
      const alt = typeof attrs.alt === 'string' ? escapeHtmlText(attrs.alt) : '';
      if (url) return `<img src="${escapeHtmlText(url)}" alt="${alt}" />`;
      const id = typeof attrs.id === 'string' ? escapeHtmlText(attrs.id) : '';
      return `<span class="image-wrap" data-media-id="${id}">${alt}</span>`;
    }
    case 'mention': {
      const id = typeof attrs.id === 'string' ? attrs.id : '';
      const name = options.mentionName?.(id) ?? (typeof attrs.text === 'string' ? attrs.text.replace(/^@/, '') : id);
      return `<a class="user-hover" rel="${escapeHtmlText(id)}" data-account-id="${escapeHtmlText(id)}">@${escapeHtmlText(name)}</a>`;
    }
    case 'emoji': {
      const text =
        typeof attrs.text === 'string' ? attrs.text : typeof attrs.shortName === 'string' ? attrs.shortName : '';
      return escapeHtmlText(text);
    }
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard': {
      const url = safeHref(attrs.url);
      return url
        ? `<a href="${escapeHtmlText(url)}" class="external-link" rel="nofollow noreferrer">${escapeHtmlText(url)}</a>`
        : '';
    }
    case 'date': {
      const ts = Number(attrs.timestamp);
      return Number.isFinite(ts)
        ? `<time datetime="${new Date(ts).toISOString().slice(0, 10)}">${new Date(ts).toISOString().slice(0, 10)}</time>`
        : '';
    }
    case 'status':
      return `<span class="status-macro">${escapeHtmlText(typeof attrs.text === 'string' ? attrs.text : '')}</span>`;
    case 'expand':
    case 'nestedExpand': {
      const title = typeof attrs.title === 'string' ? escapeHtmlText(attrs.title) : '';
      return `<details><summary>${title}</summary>${children(node, options)}</details>`;
    }
    default:
      return children(node, options);
  }
}

/** Renders an ADF document as Jira-style HTML; null for a missing document. */
export function adfToHtml(doc: AdfDoc | null | undefined, options: AdfHtmlOptions = {}): string | null {
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.content)) return null;
  return doc.content.map((n) => renderNode(n, options)).join('');
}

/** The plain text of an ADF document (for `~` text matching). */
export function adfToText(doc: AdfDoc | null | undefined): string {
  if (!doc || !Array.isArray(doc.content)) return '';
  const out: string[] = [];
  const walk = (n: AdfNode): void => {
    if (typeof n.text === 'string') out.push(n.text);
    for (const c of n.content ?? []) walk(c);
  };
  doc.content.forEach(walk);
  return out.join(' ');
}

/**
 * Rendering helpers: ADF → HTML (hostile content), field selections, durations and rendered
 * dates, the batch Browse checker, and that createSimulator serves every operation of the
 * `search` and `issueReads` groups.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/create.js';
import { adfToHtml, adfToText } from '../../src/simulator/render/adf.js';
import { parseFieldSelection, parsePropertySelection, selectsIdsOnly } from '../../src/simulator/render/issue.js';
import {
  formatDuration,
  formatRenderedDate,
  formatRenderedDateTime,
  zonedWallTimeToMs,
} from '../../src/simulator/render/issue-fields.js';
import { BrowseChecker } from '../../src/simulator/search/browse.js';
import { canBrowseIssue } from '../../src/simulator/world/queries.js';
import type { AdfDoc } from '../../src/simulator/world/site.js';
import { REQUIRED_OPERATIONS } from './required-operations.js';
import { buildFixture, USERS } from '../support/fixture-site.js';

function para(...content: AdfDoc['content']): AdfDoc {
  return { version: 1, type: 'doc', content: [{ type: 'paragraph', content }] };
}

describe('ADF to HTML', () => {
  it('escapes text and attributes everywhere', () => {
    const html = adfToHtml(
      para(
        { type: 'text', text: '<img src=x onerror=alert(1)>"&' },
        { type: 'mention', attrs: { id: '"><script>', text: '@x' } },
        { type: 'emoji', attrs: { shortName: ':<b>:' } },
        { type: 'status', attrs: { text: '<i>DONE</i>' } },
      ),
    )!;
    expect(html).not.toMatch(/<(img|script|b|i)[ >]/);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;&#34;&#38;');
    expect(html).toContain('data-account-id="&#34;&#62;&#60;script&#62;"');
  });
  it('keeps only web and mail links and hex colours', () => {
    const html = adfToHtml(
      para(
        { type: 'text', text: 'a', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] },
        { type: 'text', text: 'b', marks: [{ type: 'link', attrs: { href: 'data:text/html,x' } }] },
        { type: 'text', text: 'c', marks: [{ type: 'link', attrs: { href: 'mailto:a@b.c' } }] },
        { type: 'text', text: 'd', marks: [{ type: 'textColor', attrs: { color: 'red;background:url(x)' } }] },
        { type: 'text', text: 'e', marks: [{ type: 'textColor', attrs: { color: '#ff0000' } }] },
        { type: 'inlineCard', attrs: { url: 'javascript:void(0)' } },
      ),
    )!;
    expect(html).toBe(
      '<p>ab<a href="mailto:a@b.c" class="external-link" rel="nofollow noreferrer">c</a>d<font color="#ff0000">e</font></p>',
    );
  });
  it('renders structure and falls back to children for unknown nodes', () => {
    const doc: AdfDoc = {
      version: 1,
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 9 }, content: [{ type: 'text', text: 'T' }] },
        {
          type: 'orderedList',
          attrs: { order: 3 },
          content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] }],
        },
        { type: 'codeBlock', attrs: { language: 'js" onclick="x' }, content: [{ type: 'text', text: 'a<b' }] },
        { type: 'futureNode', content: [{ type: 'text', text: 'kept' }] },
        {
          type: 'expand',
          attrs: { title: '<t>' },
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'inside' }] }],
        },
      ],
    };
    const html = adfToHtml(doc)!;
    expect(html).toContain('<h6>T</h6>');
    expect(html).toContain('<ol start="3"><li><p>x</p></li></ol>');
    expect(html).toContain('<pre>a&#60;b</pre>');
    expect(html).toContain('kept');
    expect(html).toContain('<details><summary>&#60;t&#62;</summary><p>inside</p></details>');
    expect(adfToText(doc)).toBe('T x a<b kept inside');
    expect(adfToHtml(null)).toBeNull();
  });
});

describe('field and property selections', () => {
  it('follows the spec: defaults, *all, *navigable, exclusions, ids only', () => {
    expect(parseFieldSelection(undefined, 'none').base).toBe('none');
    expect(selectsIdsOnly(parseFieldSelection(['id'], 'none'))).toBe(true);
    expect(selectsIdsOnly(parseFieldSelection(['id,key'], 'none'))).toBe(true);
    expect(selectsIdsOnly(parseFieldSelection(['summary'], 'none'))).toBe(false);
    const exclusionsOnly = parseFieldSelection(['-description'], 'none');
    expect(exclusionsOnly.base).toBe('navigable');
    expect([...exclusionsOnly.exclude]).toEqual(['description']);
    expect(parseFieldSelection(['-description'], 'all').base).toBe('all');
    const mixed = parseFieldSelection(['*navigable,comment', '-summary'], 'none');
    expect(mixed.base).toBe('navigable');
    expect([...mixed.include]).toEqual(['comment']);
    expect(parseFieldSelection(['*navigable', '*all'], 'none').base).toBe('all');
    expect(parsePropertySelection(['*all,-a', 'b'])).toEqual({ all: true, keys: ['b'], exclude: ['a'] });
  });
});

describe('formatting', () => {
  it('formats durations with 8-hour days and 5-day weeks', () => {
    expect(formatDuration(0)).toBe('0m');
    expect(formatDuration(12000)).toBe('3h 20m');
    expect(formatDuration(8 * 3600)).toBe('1d');
    expect(formatDuration(5 * 8 * 3600 + 8 * 3600 + 60)).toBe('1w 1d 1m');
  });
  it('formats rendered dates in a time zone', () => {
    const t = Date.UTC(2025, 3, 30, 20, 14);
    expect(formatRenderedDateTime(t, 'UTC')).toBe('30/Apr/25 8:14 PM');
    expect(formatRenderedDateTime(t, 'America/Los_Angeles')).toBe('30/Apr/25 1:14 PM');
    expect(formatRenderedDateTime(Date.UTC(2025, 0, 1, 0, 5), 'UTC')).toBe('01/Jan/25 12:05 AM');
    expect(formatRenderedDate('2025-05-07')).toBe('07/May/25');
    expect(zonedWallTimeToMs(2026, 10, 1, 3, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 1, 1, 0));
    expect(zonedWallTimeToMs(2026, 1, 15, 9, 30, 'UTC')).toBe(Date.UTC(2026, 0, 15, 9, 30));
  });
});

describe('BrowseChecker', () => {
  it('agrees with canBrowseIssue for every fixture issue and user', () => {
    const fx = buildFixture();
    for (const user of Object.values(USERS)) {
      const checker = new BrowseChecker(fx.site, user);
      for (const issue of fx.site.data.issues.values()) {
        const expected = !issue.archived && canBrowseIssue(fx.site, user, issue);
        expect(checker.canBrowse(issue), `${user} ${issue.key}`).toBe(expected);
      }
    }
  });
});

describe('createSimulator', () => {
  it('serves every operation of the search and issueReads groups', () => {
    const keys = new Set(createSimulator().routes.keys());
    const missing = [...REQUIRED_OPERATIONS.search!, ...REQUIRED_OPERATIONS.issueReads!].filter((op) => !keys.has(op));
    expect(missing).toEqual([]);
  });
});

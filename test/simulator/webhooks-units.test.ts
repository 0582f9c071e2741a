import { describe, expect, it } from 'vitest';
import { canonicalRequest, signJwtHs256, verifyJwtHs256 } from '../../src/simulator/webhooks/jwt.js';
import { JqlError, matchesJql, parseJql, parseWebhookJql } from '../../src/simulator/webhooks/jql.js';
import { adfToWiki, textToAdf } from '../../src/simulator/webhooks/wiki.js';
import type { AdfDoc, AdfNode } from '../../src/simulator/world/site.js';
import { agileFixture, ALICE, BOB, doc } from '../support/fixture-agile.js';
import { validateAdf } from '../support/openapi.js';

const text = (t: string, ...marks: Array<string | { type: string; attrs: Record<string, unknown> }>): AdfNode => ({
  type: 'text',
  text: t,
  ...(marks.length ? { marks: marks.map((m) => (typeof m === 'string' ? { type: m } : m)) } : {}),
});
const para = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const wiki = (...content: AdfNode[]): string => adfToWiki({ version: 1, type: 'doc', content } as AdfDoc);

describe('ADF → wiki markup', () => {
  it('renders inline marks, mentions, links and breaks', () => {
    expect(
      wiki(
        para(
          text('bold', 'strong'),
          text(' '),
          text('it', 'em'),
          text(' '),
          text('x', 'code'),
          text(' '),
          text('gone', 'strike'),
          text(' '),
          text('u', 'underline'),
          { type: 'hardBreak' },
          text('site', 'strong', { type: 'link', attrs: { href: 'https://example.com' } }),
          text(' '),
          { type: 'mention', attrs: { id: '557058:abc', text: '@Ann' } },
          text(' H'),
          text('2', { type: 'subsup', attrs: { type: 'sub' } }),
          text('O'),
        ),
      ),
    ).toBe('*bold* _it_ {{x}} -gone- +u+\n[*site*|https://example.com] [~accountid:557058:abc] H~2~O');
  });

  it('renders headings, nested lists, code, quotes, panels, rules and tables', () => {
    const out = wiki(
      { type: 'heading', attrs: { level: 2 }, content: [text('Title')] },
      {
        type: 'bulletList',
        content: [
          {
            type: 'listItem',
            content: [
              para(text('one')),
              { type: 'orderedList', content: [{ type: 'listItem', content: [para(text('one.a'))] }] },
            ],
          },
          { type: 'listItem', content: [para(text('two'))] },
        ],
      },
      { type: 'codeBlock', attrs: { language: 'ts' }, content: [text('const a = 1;')] },
      { type: 'blockquote', content: [para(text('quoted'))] },
      { type: 'panel', attrs: { panelType: 'warning' }, content: [para(text('careful'))] },
      { type: 'rule' },
      {
        type: 'table',
        content: [
          {
            type: 'tableRow',
            content: [
              { type: 'tableHeader', content: [para(text('H1'))] },
              { type: 'tableHeader', content: [para(text('H2'))] },
            ],
          },
          {
            type: 'tableRow',
            content: [
              { type: 'tableCell', content: [para(text('a'))] },
              { type: 'tableCell', content: [para(text('b'))] },
            ],
          },
        ],
      },
    );
    expect(out.split('\n\n')).toEqual([
      'h2. Title',
      '* one\n*# one.a\n* two',
      '{code:ts}const a = 1;{code}',
      '{quote}quoted{quote}',
      '{warning}careful{warning}',
      '----',
      '||H1||H2||\n|a|b|',
    ]);
  });

  it('names media by their attachment file name when known', () => {
    const media = {
      type: 'mediaSingle',
      content: [{ type: 'media', attrs: { id: 'm-1', type: 'file', collection: '' } }],
    };
    expect(
      adfToWiki(
        { version: 1, type: 'doc', content: [media] },
        { mediaName: (id) => (id === 'm-1' ? 'shot.png' : undefined) },
      ),
    ).toBe('!shot.png|thumbnail!');
  });

  it('plain text → ADF keeps paragraphs and line breaks, and round-trips', () => {
    const source = 'First line\nsecond line\n\nNew paragraph';
    const adf = textToAdf(source);
    expect(validateAdf(adf)).toEqual([]);
    expect(adf.content).toHaveLength(2);
    expect(adfToWiki(adf)).toBe(source);
    expect(adfToWiki(doc('a', 'b'))).toBe('a\n\nb');
  });
});

describe('HS256 JWT', () => {
  it('signs and verifies, and rejects tampering or the wrong secret', () => {
    const token = signJwtHs256({ iss: 'site', iat: 1, exp: 2 }, 's3cret');
    expect(verifyJwtHs256(token, 's3cret')).toEqual({ iss: 'site', iat: 1, exp: 2 });
    expect(() => verifyJwtHs256(token, 'other')).toThrow(/signature/);
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: 'evil' })).toString('base64url')}.${s}`;
    expect(() => verifyJwtHs256(forged, 's3cret')).toThrow(/signature/);
    expect(() => verifyJwtHs256('a.b', 's3cret')).toThrow(/malformed/);
  });

  it('builds the canonical request with sorted, encoded query parameters', () => {
    expect(canonicalRequest('post', 'https://x.example.com/a/b/?z=1&a=2&a=1&jwt=ignored&sp=a%20b')).toBe(
      'POST&/a/b&a=1,2&sp=a%20b&z=1',
    );
    expect(canonicalRequest('POST', 'https://x.example.com')).toBe('POST&/&');
  });
});

describe('JQL subset', () => {
  it('accepts the webhook subset and rejects everything else with Jira wording', () => {
    for (const ok of [
      'project = SCRUM',
      'issueKey IN (SCRUM-1, SCRUM-2) AND status != Done',
      'issuetype NOT IN (Bug) OR assignee = currentUser()',
      'reporter = "acc-bob" AND issue.property[flags].level = high AND cf[10030] = Platform',
      'NOT (project = KAN)',
    ])
      expect(() => parseWebhookJql(ok), ok).not.toThrow();
    const bad: Array<[string, RegExp]> = [
      ['labels = x', /The clause labels is unsupported/],
      ['project > 1', /The operator '>' is not supported/],
      ['assignee IS EMPTY', /IS' is unsupported/],
      ['assignee = membersOf(x)', /functions with arguments/],
      ['project = SCRUM ORDER BY key', /ORDER BY clause is unsupported/],
      ['project = (', /JQL/],
      ['project = "open', /not closed/],
    ];
    for (const [q, message] of bad) expect(() => parseWebhookJql(q), q).toThrow(message);
    expect(() => parseWebhookJql('labels = x')).toThrow(JqlError);
  });

  it('evaluates clauses against stored issue data', () => {
    const f = agileFixture();
    const matches = (q: string, key: string, accountId = ALICE) =>
      matchesJql({ site: f.site, accountId }, parseJql(q), f.issue(key));
    f.issue('KAN-1').properties.set('flags', { level: 'high', tags: ['a', 'b'] });
    expect(matches('project = SCRUM', 'SCRUM-1')).toBe(true);
    expect(matches('project = "Scrum team"', 'SCRUM-1')).toBe(true);
    expect(matches('project = 10002', 'SCRUM-1')).toBe(false);
    expect(matches('issueKey IN (SCRUM-1, SCRUM-2)', 'SCRUM-2')).toBe(true);
    expect(matches('issuetype = bug', 'SCRUM-3')).toBe(true);
    expect(matches('status NOT IN ("To Do", Done)', 'SCRUM-2')).toBe(true);
    expect(matches('assignee = currentUser()', 'SCRUM-2', BOB)).toBe(true);
    expect(matches('assignee = currentUser()', 'SCRUM-2', ALICE)).toBe(false);
    expect(matches('assignee IS EMPTY', 'SCRUM-1')).toBe(true);
    expect(matches('cf[10030] = Platform AND cf[10030] = 20001', 'KAN-1')).toBe(true);
    expect(matches('cf[10030] = Mobile', 'KAN-1')).toBe(false);
    expect(matches('issue.property[flags].level = high', 'KAN-1')).toBe(true);
    expect(matches('issue.property[flags].tags = b', 'KAN-1')).toBe(true);
    expect(matches('issue.property[flags].level = low', 'KAN-1')).toBe(false);
    expect(matches('sprint in closedSprints() AND sprint = "Sprint 2"', 'SCRUM-2')).toBe(true);
    expect(matches('statusCategory = done', 'SCRUM-6')).toBe(true);
    expect(matches('NOT project = SCRUM OR labels = agile', 'SCRUM-4')).toBe(true);
  });
});

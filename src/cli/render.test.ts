import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../core/index.js';
import { adfToText } from './adf-text.js';
import { fieldText } from './field-text.js';
import { ndjsonRenderer, plainRenderer, progressRenderer, ttyRenderer } from './progress.js';
import { clean, cleanBlock, columns, displayWidth } from './text.js';
import type { CliContext } from './context.js';

const T = Date.UTC(2026, 10, 24, 9, 0, 0);

/** A small run: phases, progress, a quota pause and its end, a warning, the report. */
const RUN: ProgressEvent[] = [
  { type: 'start', job: 'backup', at: T, estimate: { points: 1200, durationMs: 90_000 } },
  { type: 'phase', job: 'backup', phase: 'configuration', at: T + 10 },
  { type: 'phase', job: 'backup', phase: 'issues', at: T + 1_000, total: 3_000, unit: 'issues' },
  {
    type: 'progress',
    job: 'backup',
    phase: 'issues',
    at: T + 2_000,
    done: 1_000,
    total: 3_000,
    unit: 'issues',
    points: 400,
    bytes: 2_048,
    etaMs: 4_000,
  },
  {
    type: 'progress',
    job: 'backup',
    phase: 'issues',
    at: T + 2_500,
    done: 1_500,
    total: 3_000,
    unit: 'issues',
    points: 500,
  },
  { type: 'paused', job: 'backup', at: T + 3_000, reason: 'hourly points quota reached', untilMs: T + 3_600_000 },
  { type: 'resumed', job: 'backup', at: T + 3_600_000 },
  { type: 'warning', job: 'backup', at: T + 3_600_001, message: 'issue 10042 vanished \u001b[31mred' },
  {
    type: 'progress',
    job: 'backup',
    phase: 'issues',
    at: T + 3_600_500,
    done: 3_000,
    total: 3_000,
    unit: 'issues',
    points: 1_190,
    bytes: 4_096,
    etaMs: 0,
  },
  { type: 'done', job: 'backup', at: T + 3_601_000, summary: { snapshot: 'ab'.repeat(32), points: { total: 1_190 } } },
];

describe('NDJSON renderer', () => {
  it('writes each event as one line of plain JSON, unchanged, without ANSI', () => {
    const lines: string[] = [];
    const r = ndjsonRenderer((l) => lines.push(l));
    for (const e of RUN) r.emit(e);
    r.close();
    expect(lines).toHaveLength(RUN.length);
    for (const line of lines) {
      expect(line).not.toContain('\n');
      expect(line).not.toMatch(/\u001b/); // JSON escapes the warning's ESC as \u001b text
    }
    expect(lines.map((l) => JSON.parse(l) as ProgressEvent)).toEqual(RUN);
    expect((JSON.parse(lines.at(-1)!) as { type: string }).type).toBe('done');
  });

  it('is what progressRenderer picks for --json, on standard output', () => {
    const out: string[] = [];
    const err: string[] = [];
    const ctx = { env: {}, out: (s: string) => out.push(s), err: (s: string) => err.push(s) } as unknown as CliContext;
    const r = progressRenderer(ctx, { json: true });
    r.emit(RUN[0]!);
    expect(out).toEqual([JSON.stringify(RUN[0])]);
    expect(err).toEqual([]);
  });
});

describe('plain renderer', () => {
  it('prints phases, throttled progress, pauses with reason and resume time, warnings and the end', () => {
    const lines: string[] = [];
    const r = plainRenderer((l) => lines.push(l));
    for (const e of RUN) r.emit(e);
    expect(lines).toEqual([
      'backup started (estimate: ~1,200 points, ~1 min 30 s)',
      'backup: configuration',
      'backup: issues (3,000 issues)',
      '  issues 1,000/3,000 issues (33%) · 400 points · 2.0 KiB · ETA 4.0 s',
      // the progress half a second later is not printed (less than 2 s of run time since the last line)
      '  paused: hourly points quota reached; resumes at 10:00:00 UTC (in 59 min 57 s)',
      '  resumed',
      'warning: issue 10042 vanished red',
      '  issues 3,000/3,000 issues (100%) · 1,190 points · 4.0 KiB · ETA 0 ms',
      'backup finished in 1 h 00 min',
    ]);
  });

  it('is what progressRenderer picks when standard error is not a terminal', () => {
    const err: string[] = [];
    const ctx = {
      env: {},
      out: () => undefined,
      err: (s: string) => err.push(s),
      progressStream: Object.assign(new PassThrough(), { isTTY: false }),
    } as unknown as CliContext;
    progressRenderer(ctx, {}).emit(RUN[1]!);
    expect(err).toEqual(['backup: configuration']);
  });
});

describe('TTY renderer', () => {
  it('draws bars with counts, points and ETA, shows pauses, and leaves a line per finished phase', async () => {
    const stream = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 120,
      rows: 40,
    }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (written += d.toString()));
    const r = ttyRenderer(stream, { points: () => 777 });
    for (const e of RUN.slice(0, 6)) r.emit(e);
    r.emit(RUN[9]!);
    r.close();
    r.close();
    await new Promise((resolve) => setImmediate(resolve));
    const plain = written.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    expect(plain).toContain('✓ configuration');
    expect(plain).toMatch(/issues +█+░+ 1,500\/3,000 issues \(50%\)/);
    expect(plain).toContain('paused: hourly points quota reached; resumes at 10:00:00 UTC');
    expect(plain).toMatch(/✓ issues 1,500\/3,000 issues/);
  });
});

describe('text for the terminal', () => {
  it('removes escape sequences, controls and bidi overrides; keeps the words', () => {
    const hostile =
      'a\u001b[31mred\u001b[0m b\u001b]0;title\u0007c \u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\ d\u009b2Je\u0007f\u007fg \u202eevil\u202c \u2066iso\u2069';
    expect(clean(hostile)).toBe('ared bc link defg evil iso');
    expect(cleanBlock('one\r\ntwo\rthree\ttab\u0000')).toBe('one\ntwo\nthree  tab');
    expect(clean('multi\n  line\n')).toBe('multi line');
    expect(clean(undefined)).toBe('');
  });

  it('measures wide characters and pads columns by what the terminal shows', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('🚀')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(
      columns([
        ['日本', 'x'],
        ['ab', 'y'],
      ]),
    ).toBe('日本  x\nab    y');
    expect(
      columns(
        [
          ['n', '5'],
          ['nn', '120'],
        ],
        { right: [1] },
      ),
    ).toBe('n     5\nnn  120');
  });
});

describe('ADF as text', () => {
  it('renders paragraphs, headings, lists, code, quotes, panels, tables, mentions, links and media', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Hello ' },
            { type: 'mention', attrs: { id: 'acc-1', text: '@Someone' } },
            { type: 'text', text: ', see ' },
            { type: 'text', text: 'docs', marks: [{ type: 'link', attrs: { href: 'https://example.com' } }] },
            { type: 'hardBreak' },
            { type: 'text', text: 'run ' },
            { type: 'text', text: 'npm test', marks: [{ type: 'code' }] },
            { type: 'emoji', attrs: { shortName: ':smile:', text: '😄' } },
          ],
        },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] },
            {
              type: 'listItem',
              content: [
                { type: 'paragraph', content: [{ type: 'text', text: 'two' }] },
                {
                  type: 'orderedList',
                  content: [
                    { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'two.a' }] }] },
                  ],
                },
              ],
            },
          ],
        },
        { type: 'codeBlock', attrs: { language: 'js' }, content: [{ type: 'text', text: 'let x = 1;\nx++;' }] },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'quoted' }] }] },
        {
          type: 'panel',
          attrs: { panelType: 'warning' },
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'careful' }] }],
        },
        {
          type: 'table',
          content: [
            {
              type: 'tableRow',
              content: [
                { type: 'tableHeader', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'A' }] }] },
                { type: 'tableHeader', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'B' }] }] },
              ],
            },
            {
              type: 'tableRow',
              content: [
                { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: '1' }] }] },
                { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: '2' }] }] },
              ],
            },
          ],
        },
        { type: 'mediaSingle', content: [{ type: 'media', attrs: { id: 'm-1', type: 'file', collection: '' } }] },
        { type: 'rule' },
        { type: 'unknownNode', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'kept' }] }] },
      ],
    };
    const text = adfToText(doc, {
      mentionName: (id) => (id === 'acc-1' ? 'Ada Admin' : undefined),
      mediaName: () => 'shot.png',
    });
    expect(text).toBe(
      [
        'Title',
        '=====',
        '',
        'Hello @Ada Admin, see docs <https://example.com>',
        'run `npm test`😄',
        '',
        '• one',
        '• two',
        '  1. two.a',
        '',
        '    let x = 1;',
        '    x++;',
        '',
        '> quoted',
        '',
        '[warning]',
        '| careful',
        '',
        '| A | B |',
        '| 1 | 2 |',
        '',
        '[attachment shot.png]',
        '',
        '----',
        '',
        'kept',
      ].join('\n'),
    );
  });

  it('cleans hostile text and survives malformed or very deep documents', () => {
    const hostile = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x\u001b[2Jy\u0007' }] }],
    };
    expect(adfToText(hostile)).toBe('xy');
    expect(adfToText({ type: 'doc', content: 'nope' })).toBe('');
    expect(adfToText(null)).toBe('');
    let deep: Record<string, unknown> = { type: 'text', text: 'bottom' };
    for (let i = 0; i < 500; i++) deep = { type: 'paragraph', content: [deep] };
    expect(() => adfToText({ type: 'doc', content: [deep] })).not.toThrow();
  });
});

describe('field values as text', () => {
  it('shows people, options, references, dates and rich text the way Jira shows them', () => {
    expect(fieldText({ accountId: 'a', displayName: 'Ada \u001b[1mAdmin' })).toBe('Ada Admin');
    expect(fieldText([{ name: 'v1' }, { name: 'v2' }])).toBe('v1, v2');
    expect(fieldText({ value: 'Parent', child: { value: 'Child' } })).toBe('Parent → Child');
    expect(fieldText({ key: 'ABC-1', fields: { summary: 'Fix it' } })).toBe('ABC-1 Fix it');
    expect(fieldText('2026-09-30T12:05:00.000+0200')).toBe('2026-09-30 10:05 UTC');
    expect(
      fieldText({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'rich' }] }] }),
    ).toBe('rich');
    expect(
      fieldText({
        type: { name: 'Blocks', outward: 'blocks', inward: 'is blocked by' },
        outwardIssue: { key: 'ABC-2', fields: { summary: 'Other' } },
      }),
    ).toBe('blocks ABC-2 Other');
    expect(fieldText([{ id: 1, name: 'Sprint 4', state: 'active' }])).toBe('Sprint 4 (active)');
    expect(fieldText(null)).toBe('');
  });
});

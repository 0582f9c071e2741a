import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { adfToText, type AdfTextOptions } from '../adf-text.js';
import { fieldText, isEmptyValue } from '../field-text.js';
import { addRepoOptions, type RepoCliOptions } from './repo-options.js';
import { withSnapshots } from '../snapshot-ref.js';
import { findIssue, readFields, readIssue, type FieldDef, type IssueView } from '../snapshot-view.js';
import { clean, columns, formatBytes, formatTime, indent, truncate } from '../text.js';
import { SNAPSHOT_ARGUMENT_HELP } from './ls.js';

type Json = Record<string, unknown>;

export interface ShowOptions extends RepoCliOptions {
  site?: string;
}

export function registerShowCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('show')
      .summary('show one issue of a snapshot as a person would read it')
      .description(
        'Show an issue as it was in the snapshot: key, summary, every field that has a value (by its name), the ' +
          'description, comments and worklogs rendered from Atlassian Document Format to text, attachments ' +
          '(name, size, type) and the change history, oldest first. Content is shown safely: escape sequences ' +
          'and control characters in backed-up text are removed. With --json: the stored records as they are.',
      )
      .argument('<snapshot>', SNAPSHOT_ARGUMENT_HELP)
      .argument('<issue>', 'the issue key (e.g. ACME-12) or id')
      .option('-s, --site <site>', 'with `latest`: the newest snapshot of this site (name or host)'),
    { jsonHelp: 'print the stored issue, changelog, comments, worklogs and attachment list as JSON' },
  ).action(async (snapshot: string, issue: string, opts: ShowOptions) =>
    withSnapshots(ctx, opts, [snapshot], async ([reader]) => {
      const ref = await findIssue(reader!, issue);
      const view = await readIssue(reader!, ref);
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            {
              snapshot: reader!.snapshot.id,
              issue: view.record,
              changelog: view.histories,
              comments: view.comments,
              worklogs: view.worklogs,
              attachments: view.attachments.map((a) => ({
                id: a.id,
                filename: a.filename,
                mimeType: a.mimeType,
                size: a.size,
                created: a.created,
              })),
            },
            null,
            2,
          ),
        );
        return;
      }
      ctx.out(renderIssue(view, await readFields(reader!)));
    }),
  );
}

/** Fields shown in the header or their own section, or not values at all. */
const NOT_LISTED = new Set([
  'summary',
  'description',
  'comment',
  'worklog',
  'attachment',
  'project',
  'issuetype',
  'status',
  'thumbnail',
  'lastViewed',
  'statusCategory',
  'issuerestriction',
]);

/** Values that say nothing: no time tracked, no work ratio, no votes. */
function saysNothing(id: string, value: unknown): boolean {
  if (isEmptyValue(value)) return true;
  const o = value as Json;
  if ((id === 'progress' || id === 'aggregateprogress') && o && Number(o.total ?? 0) === 0) return true;
  if (id === 'workratio' && value === -1) return true;
  if (id === 'votes' && o && Number(o.votes ?? 0) === 0) return true;
  return false;
}
/** Fields listed first, in this order. */
const FIRST = ['priority', 'resolution', 'assignee', 'reporter', 'creator', 'created', 'updated', 'resolutiondate'];

function userName(u: unknown): string {
  if (u && typeof u === 'object') {
    const o = u as Json;
    return clean(o.displayName ?? o.accountId ?? 'unknown');
  }
  return 'unknown';
}

/** Display names of every user object in the issue, for @mentions. */
function collectNames(value: unknown, into: Map<string, string>, depth = 0): void {
  if (depth > 12 || !value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) collectNames(v, into, depth + 1);
    return;
  }
  const o = value as Json;
  if (typeof o.accountId === 'string' && typeof o.displayName === 'string') into.set(o.accountId, o.displayName);
  for (const v of Object.values(o)) collectNames(v, into, depth + 1);
}

function changeText(item: Json): string {
  const field = clean(item.field ?? item.fieldId ?? '?');
  const from = item.fromString ?? item.from;
  const to = item.toString ?? item.to;
  const show = (v: unknown): string => (v === null || v === undefined || v === '' ? '(none)' : truncate(clean(v), 120));
  return `${field}: ${show(from)} → ${show(to)}`;
}

/** The issue as text. */
export function renderIssue(view: IssueView, fields: Map<string, FieldDef>): string {
  const record = view.record;
  const f = (record.fields ?? {}) as Json;
  const names = new Map<string, string>();
  collectNames(record, names);
  for (const c of view.comments) collectNames(c, names);
  const adf: AdfTextOptions = {
    mentionName: (id) => names.get(id),
    mediaName: (id) => view.attachments.find((a) => a.id === id)?.filename,
  };
  const out: string[] = [];
  const key = clean(record.key ?? view.ref.key ?? view.ref.id);
  out.push(`${key}  ${clean(f.summary)}`);
  out.push('='.repeat(Math.min(80, Math.max(8, [...`${key}  ${clean(f.summary)}`].length))));
  const project = f.project as Json | undefined;
  out.push(
    [
      project ? `Project: ${clean(project.key)} (${clean(project.name)})` : '',
      f.issuetype ? `Type: ${fieldText(f.issuetype)}` : '',
      f.status ? `Status: ${fieldText(f.status)}` : '',
    ]
      .filter(Boolean)
      .join('   '),
  );
  out.push(`Issue id ${clean(record.id ?? view.ref.id)}`);

  // Fields
  const rows: string[][] = [];
  const multi: Array<[string, string]> = [];
  const ids = Object.keys(f).filter((id) => !NOT_LISTED.has(id) && !saysNothing(id, f[id]));
  const nameOf = (id: string): string => clean(fields.get(id)?.name ?? id);
  ids.sort((a, b) => {
    const ia = FIRST.indexOf(a);
    const ib = FIRST.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    return nameOf(a).localeCompare(nameOf(b));
  });
  for (const id of ids) {
    const text = fieldText(f[id], adf);
    if (text === '') continue;
    if (text.includes('\n')) multi.push([nameOf(id), text]);
    else rows.push([`  ${nameOf(id)}`, truncate(text, 160)]);
  }
  const empty = Object.keys(f).filter((id) => !NOT_LISTED.has(id) && saysNothing(id, f[id])).length;
  out.push('', `Fields${empty > 0 ? ` (${empty} empty not shown)` : ''}:`);
  if (rows.length > 0) out.push(columns(rows));
  for (const [name, text] of multi) out.push(`  ${name}:`, indent(text, '    '));

  // Description
  out.push('', 'Description:');
  const description = f.description ? adfToText(f.description, adf) : '';
  out.push(description ? indent(description) : '  (none)');

  // Comments
  out.push('', `Comments (${view.comments.length}):`);
  for (const c of view.comments) {
    const flags: string[] = [];
    if (c.jsdPublic === false) flags.push('internal');
    const vis = c.visibility as Json | undefined;
    if (vis && typeof vis.value === 'string') flags.push(`visible to ${clean(vis.type)} ${clean(vis.value)}`);
    if (c.updated && c.updated !== c.created) flags.push(`edited ${formatTime(c.updated)}`);
    out.push(
      `  ${formatTime(c.created)}  ${userName(c.author)}${flags.length > 0 ? `  (${flags.join(', ')})` : ''}  #${clean(c.id)}`,
    );
    const body = adfToText(c.body, adf);
    out.push(body ? indent(body, '    ') : '    (empty)');
  }

  // Worklogs
  if (view.worklogs.length > 0) {
    out.push('', `Work log (${view.worklogs.length}):`);
    for (const w of view.worklogs) {
      const comment = w.comment ? adfToText(w.comment, adf) : '';
      out.push(`  ${formatTime(w.started)}  ${userName(w.author)}  ${clean(w.timeSpent ?? `${w.timeSpentSeconds} s`)}`);
      if (comment) out.push(indent(comment, '    '));
    }
  }

  // Attachments
  out.push('', `Attachments (${view.attachments.length}):`);
  if (view.attachments.length > 0)
    out.push(
      columns(
        view.attachments.map((a) => [
          `  ${truncate(clean(a.filename), 60)}`,
          formatBytes(a.size),
          clean(a.mimeType ?? ''),
          a.created ? formatTime(a.created) : '',
        ]),
        { right: [1] },
      ),
    );

  // History
  out.push('', `History (${view.histories.length}):`);
  for (const h of view.histories) {
    out.push(`  ${formatTime(h.created)}  ${userName(h.author)}`);
    for (const item of (h.items ?? []) as Json[]) out.push(`    ${changeText(item)}`);
  }
  return out.join('\n');
}

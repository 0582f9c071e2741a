import type { Command } from 'commander';
import { TidemarkError } from '../../core/index.js';
import type { SnapshotReader } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { addRepoOptions, type RepoCliOptions } from './repo-options.js';
import { snapshotLine, withSnapshots } from '../snapshot-ref.js';
import { compareKeys, listDir, listIssues, readRecordAt, type IssueRef } from '../snapshot-view.js';
import { clean, columns, formatCount, formatTime, truncate } from '../text.js';

type Json = Record<string, unknown>;

export interface LsOptions extends RepoCliOptions {
  site?: string;
}

export const SNAPSHOT_ARGUMENT_HELP =
  'a snapshot id, a unique prefix of one (4+ characters), or `latest` (the newest complete snapshot; of --site when given)';

export function registerLsCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('ls')
      .summary("list a snapshot's projects and contents, or one project's issues")
      .description(
        'Without PROJECT: what the snapshot holds — the site, its projects with their issue counts, and the number ' +
          'of configuration objects and other entities by kind.\n' +
          'With PROJECT (a key, name or id): the issues of that project in the snapshot, in key order, with their ' +
          'summary, status and last update. `tidemark show SNAP KEY` shows one of them in full.',
      )
      .argument('<snapshot>', SNAPSHOT_ARGUMENT_HELP)
      .argument('[project]', 'a project key, name or id')
      .option('-s, --site <site>', 'with `latest`: the newest snapshot of this site (name or host)'),
  ).action(async (snapshot: string, project: string | undefined, opts: LsOptions) =>
    withSnapshots(ctx, opts, [snapshot], async ([reader]) => {
      if (project) await listProject(ctx, reader!, project, opts);
      else await listTop(ctx, reader!, opts);
    }),
  );
}

interface ProjectInfo {
  id: string;
  key: string;
  name: string;
}

async function projects(reader: SnapshotReader): Promise<ProjectInfo[]> {
  const out: ProjectInfo[] = [];
  for (const e of await listDir(reader, ['config', 'project'])) {
    if (e.type !== 'record') continue;
    const key =
      typeof e.meta?.key === 'string' ? e.meta.key : typeof e.meta?.project === 'string' ? e.meta.project : '';
    out.push({ id: e.name, key, name: typeof e.meta?.summary === 'string' ? e.meta.summary : key });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

async function listTop(ctx: CliContext, reader: SnapshotReader, opts: LsOptions): Promise<void> {
  const site = (await readRecordAt<Json>(reader, ['site'])) ?? {};
  const run = (site.run ?? {}) as Json;
  const issues = await listIssues(reader);
  const perProject = new Map<string, number>();
  for (const i of issues) perProject.set(i.project ?? '', (perProject.get(i.project ?? '') ?? 0) + 1);
  const projectList = await projects(reader);
  const config: Record<string, number> = {};
  for (const kind of await listDir(reader, ['config']))
    if (kind.type === 'tree') config[kind.name] = (await listDir(reader, ['config', kind.name])).length;
  const other: Record<string, number> = {};
  for (const top of await listDir(reader, [])) {
    if (top.type !== 'tree' || top.name === 'config' || top.name === 'issues') continue;
    for (const sub of await listDir(reader, [top.name]))
      other[`${top.name}/${sub.name}`] = sub.type === 'tree' ? (await listDir(reader, [top.name, sub.name])).length : 1;
  }
  const s = reader.snapshot;
  if (opts.json) {
    ctx.out(
      JSON.stringify(
        {
          snapshot: {
            id: s.id,
            time: s.time,
            labels: s.labels,
            parent: s.parent ?? null,
            incomplete: s.incomplete ?? null,
          },
          site: {
            cloudId: site.cloudId ?? null,
            name: site.name ?? null,
            url: site.url ?? null,
            mode: run.mode ?? null,
          },
          projects: projectList.map((p) => ({ ...p, issues: perProject.get(p.key) ?? 0 })),
          issues: issues.length,
          config,
          other,
        },
        null,
        2,
      ),
    );
    return;
  }
  const lines: string[] = [];
  lines.push(`Snapshot ${snapshotLine(s)}`);
  lines.push(
    `Site ${clean(site.name)}  ${clean(site.url)}  (cloud id ${clean(site.cloudId)})${run.mode ? `, ${clean(run.mode)} backup` : ''}${s.parent ? `, parent ${s.parent.slice(0, 8)}` : ''}`,
  );
  lines.push('');
  lines.push(
    columns(
      [
        ['Project', 'Name', 'Issues'],
        ...projectList.map((p) => [clean(p.key), truncate(clean(p.name), 50), formatCount(perProject.get(p.key) ?? 0)]),
      ],
      { right: [2] },
    ),
  );
  const orphan = [...perProject].filter(([k]) => !projectList.some((p) => p.key === k));
  for (const [k, n] of orphan) lines.push(`${clean(k) || '(no project)'}  ${formatCount(n)} issues`);
  lines.push(
    `${formatCount(issues.length)} issues in all. \`tidemark ls ${s.id.slice(0, 8)} PROJECT\` lists a project's issues.`,
  );
  const cfg = Object.entries(config).filter(([, n]) => n > 0);
  if (cfg.length > 0) {
    lines.push('');
    lines.push(`Configuration: ${cfg.map(([k, n]) => `${formatCount(n)} ${clean(k)}`).join(', ')}`);
  }
  const rest = Object.entries(other).filter(([, n]) => n > 0);
  if (rest.length > 0) lines.push(`Also: ${rest.map(([k, n]) => `${formatCount(n)} ${clean(k)}`).join(', ')}`);
  ctx.out(lines.join('\n'));
}

async function listProject(ctx: CliContext, reader: SnapshotReader, arg: string, opts: LsOptions): Promise<void> {
  const list = await projects(reader);
  const want = arg.trim().toLowerCase();
  const project =
    list.find((p) => p.key.toLowerCase() === want) ??
    list.find((p) => p.id === arg.trim()) ??
    list.find((p) => p.name.toLowerCase() === want);
  const all = await listIssues(reader);
  const key = project?.key ?? all.find((i) => i.project?.toLowerCase() === want)?.project;
  if (!key)
    throw new TidemarkError('not-found', `snapshot ${reader.snapshot.id.slice(0, 8)} has no project ${arg}`, {
      hint:
        list.length > 0
          ? `Its projects: ${list.map((p) => clean(p.key)).join(', ')}.`
          : 'It holds no projects; `tidemark ls SNAP` shows what it holds.',
    });
  const issues = all.filter((i) => i.project === key).sort((a, b) => compareKeys(a.key, b.key));
  const status = await statuses(reader, issues);
  const rows = issues.map((i) => ({
    id: i.id,
    key: i.key,
    summary: i.summary,
    status: status.get(i.id) ?? null,
    updated: i.updated,
  }));
  if (opts.json) {
    ctx.out(JSON.stringify({ snapshot: reader.snapshot.id, project: key, issues: rows }, null, 2));
    return;
  }
  if (rows.length === 0) {
    ctx.out(`Project ${clean(key)} has no issues in snapshot ${reader.snapshot.id.slice(0, 8)}.`);
    return;
  }
  ctx.out(
    columns([
      ['Key', 'Status', 'Updated', 'Summary'],
      ...rows.map((r) => [
        clean(r.key ?? r.id),
        truncate(clean(r.status ?? ''), 20),
        r.updated ? formatTime(r.updated) : '',
        truncate(clean(r.summary ?? ''), 80),
      ]),
    ]),
  );
  ctx.out(`${formatCount(rows.length)} issue(s) in ${clean(key)}.`);
}

/** Status names, read from the issue records in batches. */
async function statuses(reader: SnapshotReader, issues: IssueRef[]): Promise<Map<string, string>> {
  const byBlob = new Map<string, string>();
  for (const i of issues) byBlob.set(i.blob, i.id);
  const out = new Map<string, string>();
  for await (const [blob, record] of reader.readRecords<Json>(byBlob.keys())) {
    const status = ((record.fields ?? {}) as Json).status as Json | undefined;
    if (typeof status?.name === 'string') out.set(byBlob.get(blob)!, status.name);
  }
  return out;
}

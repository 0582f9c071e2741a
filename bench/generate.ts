/**
 * Data generation benchmark: time and peak memory of generateWorld for a size, and what it made.
 *
 *   npx tsx bench/generate.ts --size large            one size in this process
 *   npx tsx bench/generate.ts --size all              every size, each in a fresh process
 *   npx tsx bench/generate.ts --size medium --dump    also time the ground-truth dump of every site
 *   npx tsx bench/generate.ts --size tiny --json      one JSON line instead of the table
 *
 * Peak memory is the process's maximum resident set size (getrusage), so run one size per
 * process (as --size all does) for a clean figure. Record results in bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateWorld, WORLD_SIZES, type WorldSize } from '../src/simulator/generator/index.js';
import { dumpSiteChunks } from '../src/simulator/world/dump.js';

interface Result {
  size: WorldSize;
  seed: number;
  sites: number;
  accounts: number;
  projects: number;
  issues: number;
  comments: number;
  worklogs: number;
  histories: number;
  attachments: number;
  attachmentBytes: number;
  generateMs: number;
  peakRssMiB: number;
  heapUsedMiB: number;
  dumpMs?: number;
  dumpMiB?: number;
  loadAverage: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function runOne(size: WorldSize, seed: number, dump: boolean): Result {
  const t0 = performance.now();
  const world = generateWorld({ seed, size });
  const generateMs = performance.now() - t0;
  const r: Result = {
    size,
    seed,
    sites: world.sites.size,
    accounts: world.accounts.size,
    projects: 0,
    issues: 0,
    comments: 0,
    worklogs: 0,
    histories: 0,
    attachments: 0,
    attachmentBytes: 0,
    generateMs: Math.round(generateMs),
    peakRssMiB: 0,
    heapUsedMiB: 0,
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
  };
  for (const site of world.sites.values()) {
    r.projects += site.data.projects.size;
    r.issues += site.data.issues.size;
    r.attachments += site.data.attachments.size;
    for (const a of site.data.attachments.values()) r.attachmentBytes += a.size;
    for (const issue of site.data.issues.values()) {
      r.comments += issue.comments.length;
      r.worklogs += issue.worklogs.length;
      r.histories += issue.changelog.length;
    }
  }
  r.heapUsedMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  r.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (dump) {
    const t1 = performance.now();
    let bytes = 0;
    for (const site of world.sites.values())
      for (const chunk of dumpSiteChunks(site, world.accounts)) bytes += chunk.length;
    r.dumpMs = Math.round(performance.now() - t1);
    r.dumpMiB = Math.round(bytes / 2 ** 20);
    r.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  }
  return r;
}

function table(results: Result[]): string {
  const cols: Array<[string, (r: Result) => string]> = [
    ['size', (r) => r.size],
    ['sites', (r) => String(r.sites)],
    ['issues', (r) => r.issues.toLocaleString('en')],
    ['comments', (r) => r.comments.toLocaleString('en')],
    ['worklogs', (r) => r.worklogs.toLocaleString('en')],
    ['histories', (r) => r.histories.toLocaleString('en')],
    ['attachments', (r) => `${r.attachments.toLocaleString('en')} (${(r.attachmentBytes / 2 ** 30).toFixed(2)} GiB)`],
    ['generate', (r) => `${(r.generateMs / 1000).toFixed(1)} s`],
    ['peak RSS', (r) => `${r.peakRssMiB} MiB`],
    ['heap', (r) => `${r.heapUsedMiB} MiB`],
    ['dump', (r) => (r.dumpMs === undefined ? '-' : `${(r.dumpMs / 1000).toFixed(1)} s, ${r.dumpMiB} MiB`)],
    ['load avg', (r) => String(r.loadAverage)],
  ];
  const rows = [cols.map(([h]) => h), ...results.map((r) => cols.map(([, f]) => f(r)))];
  return rows
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')
    .replace(/\n/, `\n|${cols.map(() => '---').join('|')}|\n`);
}

function main(): void {
  const size = arg('size') ?? 'tiny';
  const seed = Number(arg('seed') ?? '1');
  const dump = process.argv.includes('--dump');
  const json = process.argv.includes('--json');
  if (size === 'all') {
    const results: Result[] = [];
    for (const s of WORLD_SIZES) {
      const child = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          '--size',
          s,
          '--seed',
          String(seed),
          '--json',
          ...(dump ? ['--dump'] : []),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      if (child.status !== 0) throw new Error(`benchmark of ${s} failed`);
      results.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as Result);
    }
    console.log(table(results));
    return;
  }
  if (!WORLD_SIZES.includes(size as WorldSize))
    throw new Error(`--size must be one of ${WORLD_SIZES.join(', ')} or all`);
  const result = runOne(size as WorldSize, seed, dump);
  console.log(json ? JSON.stringify(result) : table([result]));
}

main();

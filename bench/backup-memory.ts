/**
 * Peak memory of a full backup, by site size (P4: bounded, independent of site size). The simulator
 * runs in its own process (`tidemark sim`), so this process holds only the backup engine, the Jira
 * client and the repository writer; the backup talks to it over HTTP on loopback and writes to a
 * filesystem repository in a temporary folder.
 *
 *   npx tsx bench/backup-memory.ts --size medium
 *   npx tsx bench/backup-memory.ts --size large      (about 100k issues, 18.7 GiB of attachments)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBackup } from '../src/backup/run.js';
import { JiraClient, RateGovernor, type TokenProvider } from '../src/jira/index.js';
import { Repository, passphrase } from '../src/store/index.js';
import { FsBackend } from '../src/store/backend/fs.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const size = args.get('size') ?? 'medium';
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/tidemark.js');

const sim = spawn(
  process.execPath,
  ['--max-old-space-size=4096', bin, 'sim', '--size', size, '--control', '--limits', 'unlimited'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let out = '';
const url = await new Promise<string>((resolve, reject) => {
  sim.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m && out.includes('demo users')) resolve(m[1]!);
  });
  sim.on('exit', (code) => reject(new Error(`simulator exited (${code}): ${out}`)));
});
const control = async (p: string, body?: unknown): Promise<Record<string, unknown>> => {
  const res = await fetch(
    `${url}/__sim${p}`,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`control ${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};
const sites = (await control('/sites')).sites as Array<{ cloudId: string; name: string; url: string; issues?: number }>;
const site = sites.find((s) => s.name === 'acme') ?? sites[0]!;
const apps = (await control('/apps')) as { apps: Array<{ clientId: string; name: string }> };
const app = apps.apps.find((a) => a.name === 'Tidemark')!;
const tokens = (await control('/auth/tokens', {
  clientId: app.clientId,
  email: 'demo.admin@tidemark.test',
  cloudIds: [site.cloudId],
})) as {
  access_token: string;
};
const provider: TokenProvider = { accessToken: async () => tokens.access_token, invalidate: async () => undefined };

const dir = await mkdtemp(path.join(tmpdir(), 'tm-bench-mem-'));
const repo = await Repository.init(new FsBackend(path.join(dir, 'repo')), passphrase('bench'), {
  scrypt: { n: 1024, r: 8, p: 1 },
});
// Tokens from the control API last an hour of simulator time; this bench stays well inside it.
const client = new JiraClient({
  cloudId: site.cloudId,
  tokens: provider,
  mode: 'embedded',
  version: 'bench',
  apiBaseUrl: `${url}/api`,
  // The simulator runs without limits: let the governor go as fast as the documented burst rates.
  governor: new RateGovernor({
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    quotaPerHour: 1e12,
    spreadOverHour: false,
  }),
});
const started = Date.now();
let lastLine = 0;
const report = await runBackup({
  client,
  repository: repo,
  site: { cloudId: site.cloudId, name: site.name, url: site.url },
  tool: { version: 'bench', mode: 'embedded' },
  progress: {
    emit: (e) => {
      if (e.type === 'progress' && Date.now() - lastLine > 30_000) {
        lastLine = Date.now();
        const rss = process.memoryUsage().rss / 2 ** 20;
        console.error(
          `  ${e.done}/${e.total} issues, ${((e.bytes ?? 0) / 2 ** 30).toFixed(2)} GiB, rss ${rss.toFixed(0)} MiB`,
        );
      }
    },
  },
});
const seconds = (Date.now() - started) / 1000;
const peak = process.resourceUsage().maxRSS / 1024;
console.log(
  `size ${size}: ${report.issues.total} issues, ${(report.entities as { attachmentBytes: number }).attachmentBytes / 2 ** 30} GiB of attachments`,
);
console.log(`  full backup ${seconds.toFixed(0)} s, ${report.points.total} points, ${report.points.requests} requests`);
console.log(`  peak RSS of the backup process: ${peak.toFixed(0)} MiB (Node ${process.version})`);
console.log(`  repository: ${JSON.stringify(report.repository)}`);
sim.kill('SIGTERM');
await repo.close();
await rm(dir, { recursive: true, force: true });

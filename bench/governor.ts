/**
 * Benchmark: how close the RateGovernor runs to Jira's limits without tripping them, against the
 * simulator over real HTTP on loopback.
 *
 *   npx tsx bench/governor.ts            (or: npx tsx bench/governor.ts --requests 2000 --real 600)
 *
 * 1. Burst, simulated time: N reads on each of two endpoints at once (GET /myself and GET
 *    /serverInfo, 100 requests/s each by Atlassian's documentation), quota off, on a FakeClock that
 *    moves only while nothing is in flight. Throughput = requests per simulated second, overall and
 *    in steady state (after the first bucketful), against the documented rate.
 * 2. Burst, real time: the same with the system clock (real timers, real sockets).
 * 3. Quota: a workload of 2.4 × a 500-point hourly quota; points charged per window against the
 *    quota, 429s, and points charged against the work done.
 *
 * Prints a Markdown section for bench/RESULTS.md.
 */
import os from 'node:os';
import { serveFetch } from '../src/cli/http-adapter.js';
import { FakeClock, systemClock, utcHourStart, type Clock } from '../src/core/index.js';
import { JiraClient, RateGovernor, documentedRate, type TokenProvider } from '../src/jira/index.js';
import { simAuth } from '../src/simulator/auth/service.js';
import { simulatorParts } from '../src/simulator/create.js';
import type { LimitsPatch } from '../src/simulator/limits/settings.js';
import { meterOf } from '../src/simulator/limits/parts.js';
import { JiraSimulator } from '../src/simulator/simulator.js';
import { buildAuthWorld } from '../test/support/auth-world.js';
import { trackedFetch } from '../test/support/sim-http.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const REQUESTS = arg('requests', 1_000);
const REAL_REQUESTS = arg('real', 600);
const ENDPOINTS = ['GET /rest/api/3/myself', 'GET /rest/api/3/serverInfo'] as const;

async function setup(clock: Clock | 'fake', limits: LimitsPatch) {
  const net = trackedFetch();
  const c =
    clock === 'fake'
      ? new FakeClock(Date.UTC(2026, 10, 24, 10, 20), { autoAdvance: true, idle: () => net.inFlight === 0 })
      : clock;
  const w = buildAuthWorld();
  const sim = new JiraSimulator({
    clock: c,
    world: w.world,
    parts: simulatorParts({ limits, auth: { accessTokenTtlSeconds: 86_400 } }),
  });
  const served = await serveFetch(sim.fetch);
  sim.setBaseUrl(served.url);
  const token = simAuth(sim).issueTokens({
    clientId: w.apps.tidemark.clientId,
    email: 'demo.admin@tidemark.test',
    cloudIds: [w.acme.cloudId],
  }).access_token;
  const tokens: TokenProvider = { accessToken: async () => token, invalidate: async () => undefined };
  const governor = new RateGovernor({ clock: c, maxConcurrency: 64 });
  const client = new JiraClient({
    cloudId: w.acme.cloudId,
    tokens,
    mode: 'saas',
    version: 'bench',
    apiBaseUrl: `${served.url}/api`,
    fetch: net.fetch,
    clock: c,
    governor,
  });
  return { sim, served, client, clock: c, governor };
}

interface BurstRow {
  endpoint: string;
  documented: number;
  requests: number;
  overall: number;
  steady: number;
}

async function burst(
  clockKind: 'fake' | 'real',
  n: number,
): Promise<{ rows: BurstRow[]; rejected: number; wallMs: number }> {
  const env = await setup(clockKind === 'fake' ? 'fake' : systemClock, { quota: { enabled: false } });
  const wallStart = Date.now();
  const start = env.clock.now();
  const rows: BurstRow[] = [];
  await Promise.all(
    ENDPOINTS.map(async (key) => {
      const done: number[] = [];
      await Promise.all(
        Array.from({ length: n }, () => env.client.request(key).then(() => void done.push(env.clock.now()))),
      );
      done.sort((a, b) => a - b);
      const k = Math.min(n - 1, Math.ceil(documentedRate(key) * 2)); // past the first bucketful
      rows.push({
        endpoint: key,
        documented: documentedRate(key),
        requests: n,
        overall: n / ((done[n - 1]! - start) / 1000),
        steady: (n - 1 - k) / ((done[n - 1]! - done[k]!) / 1000),
      });
    }),
  );
  const rejected = meterOf(env.sim).counters().totals.rateLimited;
  await env.served.close();
  return { rows, rejected, wallMs: Date.now() - wallStart };
}

async function quota(): Promise<{
  windows: Array<{ hour: string; points: number; rejected: number }>;
  work: number;
  charged: number;
  hours: number;
  wallMs: number;
}> {
  const env = await setup('fake', { quota: { globalPoints: 500 } });
  const wallStart = Date.now();
  const start = env.clock.now();
  const results = await Promise.all([
    ...Array.from({ length: 300 }, () => env.client.request('GET /rest/api/3/myself')),
    ...Array.from({ length: 300 }, () => env.client.request('GET /rest/api/3/serverInfo')),
  ]);
  const byHour = new Map<string, { points: number; rejected: number }>();
  for (const r of meterOf(env.sim).log()) {
    const h = new Date(utcHourStart(r.at)).toISOString().slice(0, 16);
    const row = byHour.get(h) ?? { points: 0, rejected: 0 };
    row.points += r.points;
    if (r.status === 429) row.rejected++;
    byHour.set(h, row);
  }
  const out = {
    windows: [...byHour.entries()].sort().map(([hour, v]) => ({ hour, ...v })),
    work: results.reduce((n, r) => n + r.points, 0),
    charged: meterOf(env.sim).counters().totals.points,
    hours: (env.clock.now() - start) / 3_600_000,
    wallMs: Date.now() - wallStart,
  };
  await env.served.close();
  return out;
}

const pct = (x: number, of: number): string => `${((100 * x) / of).toFixed(1)} %`;

const fake = await burst('fake', REQUESTS);
const real = await burst('real', REAL_REQUESTS);
const q = await quota();

const lines: string[] = [];
lines.push('## Jira client and governor', '');
lines.push(`Command: \`npx tsx bench/governor.ts --requests ${REQUESTS} --real ${REAL_REQUESTS}\` (bench/governor.ts)`);
lines.push(
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
);
lines.push(
  'Reads on two endpoints at once over HTTP on loopback, quota off, simulator burst limits as documented ' +
    '(a bucket per endpoint holding one second of its rate). The governor aims at 95 % of the documented rate ' +
    '(`burstUtilisation`). Steady state = after the first two seconds’ worth of requests.',
  '',
);
lines.push(
  '| Clock | Endpoint | Documented rate | Requests | Throughput (overall) | Steady state | Share of rate (steady) | 429s |',
);
lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, run] of [
  ['simulated', fake],
  ['real', real],
] as const) {
  for (const r of run.rows)
    lines.push(
      `| ${name} | \`${r.endpoint}\` | ${r.documented}/s | ${r.requests} | ${r.overall.toFixed(1)}/s | ${r.steady.toFixed(1)}/s | ${pct(r.steady, r.documented)} | ${run.rejected} |`,
    );
}
lines.push(
  '',
  `Wall time: simulated-clock run ${(fake.wallMs / 1000).toFixed(1)} s, real-clock run ${(real.wallMs / 1000).toFixed(1)} s.`,
  '',
);
lines.push(
  `Quota: 300 × \`GET /myself\` (3 points) + 300 × \`GET /serverInfo\` (1 point) against a 500-point hourly quota (the governor learns it from the first answer's headers), simulated clock: finished in ${q.hours.toFixed(2)} simulated hours (${(q.wallMs / 1000).toFixed(1)} s wall).`,
  '',
);
lines.push('| Window (UTC) | Points charged | Share of quota | 429s |', '| --- | ---: | ---: | ---: |');
for (const w of q.windows) lines.push(`| ${w.hour} | ${w.points} | ${pct(w.points, 500)} | ${w.rejected} |`);
lines.push('', `Points charged by the simulator: ${q.charged}; points of the work done: ${q.work}.`);
console.log(lines.join('\n'));

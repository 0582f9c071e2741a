/**
 * Points spent by backups, measured by the simulator's meter, next to the lower bound the cost
 * model allows (docs/design.md §5.3, §8.4).
 *
 *   npx tsx bench/backup-points.ts [--size medium] [--seed 1] [--change 0.01]
 *
 * 1. a full backup of the first site; its points vs the lower bound computed from the site's
 *    ground truth under the simulator's charging rules;
 * 2. `--change` of the issues edited (half of them also commented), then an incremental backup;
 * 3. an incremental backup with no changes.
 */
import { applyOp } from '../src/simulator/control/world.js';
import { FIXED_ACCOUNT_IDS } from '../src/simulator/generator/accounts.js';
import { meterOf } from '../src/simulator/limits/parts.js';
import { mutationContext } from '../src/simulator/mutate/index.js';
import type { Site } from '../src/simulator/index.js';
import { backupBench } from '../test/support/backup-harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const size = (args.get('size') ?? 'medium') as 'tiny' | 'small' | 'medium' | 'large';
const seed = Number(args.get('seed') ?? 1);
const changeShare = Number(args.get('change') ?? 0.01);

const EMBEDDED_CHANGELOG = 40;

/** The fewest points a complete backup of the site's issues can cost (docs/design.md §8.4). */
function lowerBound(site: Site): Record<string, number> {
  const issues = [...site.data.issues.values()];
  const n = issues.length;
  const perProject = new Map<string, number>();
  for (const i of issues) perProject.set(i.projectId, (perProject.get(i.projectId) ?? 0) + 1);
  const browsableProjects = [...site.data.projects.values()].filter((p) => p.status === 'live');
  const idWalk =
    browsableProjects.reduce((s, p) => s + Math.max(1, Math.ceil((perProject.get(p.id) ?? 0) / 5000)), 0) + 1;
  const hydrate = Math.ceil(n / 100) + n;
  const overflow = issues.filter((i) => i.changelog.length > EMBEDDED_CHANGELOG);
  const changelog =
    overflow.length === 0
      ? 0
      : Math.ceil(overflow.length / 1000) + overflow.reduce((s, i) => s + i.changelog.length, 0);
  const comments = issues.reduce((s, i) => s + i.comments.length, 0);
  const worklogs = issues.reduce((s, i) => s + i.worklogs.length, 0);
  const remote = n + issues.reduce((s, i) => s + i.remoteLinks.length, 0);
  const propertyKeys = n;
  const propertyValues = 2 * issues.reduce((s, i) => s + i.properties.size, 0);
  const watchers = issues.filter((i) => i.watchers.size > 0).reduce((s, i) => s + 1 + 2 * i.watchers.size, 0);
  const voters = issues.filter((i) => i.voters.size > 0).reduce((s, i) => s + 1 + 2 * i.voters.size, 0);
  const attachments = 2 * issues.reduce((s, i) => s + i.attachmentIds.length, 0);
  return {
    idWalk,
    hydrate,
    changelog,
    comments: comments === 0 ? 0 : Math.ceil(comments / 1000) + comments,
    worklogs: worklogs === 0 ? 0 : Math.ceil(worklogs / 1000) + worklogs,
    remoteLinks: remote,
    propertyKeys,
    propertyValues,
    watchers,
    voters,
    attachments,
  };
}

const ISSUE_ROUTE = /^(GET|POST) \/rest\/api\/3\/(issue\/|comment\/|worklog\/|changelog\/|attachment\/|search\/jql)/;

function split(byEndpoint: Record<string, { points: number }>): { issues: number; config: number } {
  let issues = 0;
  let config = 0;
  for (const [k, v] of Object.entries(byEndpoint)) {
    if (ISSUE_ROUTE.test(k) && !k.includes('/issue/createmeta')) issues += v.points;
    else config += v.points;
  }
  return { issues, config };
}

const started = Date.now();
const bench = await backupBench({ seed, size, limitsPreset: 'unlimited' });
const meter = meterOf(bench.sim);
const site = bench.site;
console.log(
  `site ${site.name}: ${site.data.issues.size} issues (size ${size}, seed ${seed}); world generated in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

meter.reset();
let t = Date.now();
const full = await bench.backup();
const fullMeter = meter.counters();
const bound = lowerBound(site);
const boundIssues = Object.values(bound).reduce((a, b) => a + b, 0);
const fullSplit = split(fullMeter.byEndpoint as Record<string, { points: number }>);
console.log(`\nfull backup: ${((Date.now() - t) / 1000).toFixed(1)} s, ${full.issues.total} issues`);
console.log(
  `  simulator meter: ${fullMeter.totals.points} points (${fullMeter.totals.requests} requests); client count ${full.points.total}`,
);
console.log(
  `  issue work: ${fullSplit.issues} points; lower bound ${boundIssues} → ratio ${(fullSplit.issues / boundIssues).toFixed(3)}`,
);
console.log(`  configuration: ${fullSplit.config} points (one list request per kind; project details per project)`);
console.log(
  `  whole run vs bound + configuration: ${(fullMeter.totals.points / (boundIssues + fullSplit.config)).toFixed(3)}`,
);
console.log(`  bound by part: ${JSON.stringify(bound)}`);

// 1% of issues change.
bench.clock.advance(3_600_000);
const issues = [...site.data.issues.values()];
const count = Math.max(1, Math.round(issues.length * changeShare));
for (let k = 0; k < count; k++) {
  const issue = issues[Math.floor((k * issues.length) / count)]!;
  const ctx = mutationContext(bench.sim.world, site, bench.clock.now(), FIXED_ACCOUNT_IDS.demoAdmin);
  applyOp(ctx, { op: 'edit', issue: issue.key, fields: { summary: `${issue.fields.summary as string} (edited)` } });
  if (k % 2 === 0) applyOp(ctx, { op: 'comment-add', issue: issue.key, body: 'Added for the incremental benchmark' });
}
bench.clock.advance(60_000);
meter.reset();
t = Date.now();
const inc = await bench.backup();
const incMeter = meter.counters();
console.log(
  `\nincremental after ${count} issues changed (${(changeShare * 100).toFixed(1)}%): ${((Date.now() - t) / 1000).toFixed(1)} s`,
);
console.log(
  `  simulator meter: ${incMeter.totals.points} points (${incMeter.totals.requests} requests) = ${((incMeter.totals.points / fullMeter.totals.points) * 100).toFixed(2)}% of the full run`,
);
console.log(
  `  hydrated ${inc.issues.hydrated}, reused ${inc.issues.reused}; reasons ${JSON.stringify(inc.issues.reasons)}`,
);

bench.clock.advance(3_600_000);
meter.reset();
t = Date.now();
const idle = await bench.backup();
const idleMeter = meter.counters();
const idleSplit = split(idleMeter.byEndpoint as Record<string, { points: number }>);
console.log(`\nincremental with no changes: ${((Date.now() - t) / 1000).toFixed(1)} s`);
console.log(
  `  simulator meter: ${idleMeter.totals.points} points (${idleMeter.totals.requests} requests) = ${((idleMeter.totals.points / fullMeter.totals.points) * 100).toFixed(2)}% of the full run; hydrated ${idle.issues.hydrated}`,
);
console.log(
  `  issue work ${idleSplit.issues} points (id walk, change query, feeds, probe); configuration ${idleSplit.config}`,
);
console.log(
  `  issue endpoints: ${JSON.stringify(Object.fromEntries(Object.entries(idleMeter.byEndpoint as Record<string, { points: number; requests: number }>).filter(([k]) => ISSUE_ROUTE.test(k))))}`,
);

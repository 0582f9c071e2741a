import { type Command, Option } from 'commander';
import { TidemarkError } from '../../core/index.js';
import { DEMO_ADMIN_EMAIL, DEMO_USER_EMAIL, demoApp } from '../../simulator/auth/apps.js';
import { createSimulator, type SiteSize } from '../../simulator/create.js';
import type { CliContext } from '../context.js';
import { serveFetch } from '../http-adapter.js';
import { parseInteger, parsePort } from '../parse.js';

const SIZES: SiteSize[] = ['tiny', 'small', 'medium', 'large'];

export interface SimOptions {
  port: number;
  host: string;
  seed: number;
  size: SiteSize;
  control: boolean;
  limits: 'realistic' | 'unlimited';
}

/** Starts the simulator over HTTP, prints where everything is, and serves until asked to stop. */
export async function runSimulator(ctx: CliContext, opts: SimOptions): Promise<void> {
  const loopback = opts.host === '127.0.0.1' || opts.host === 'localhost' || opts.host === '::1';
  if (opts.control && !loopback) {
    throw new TidemarkError(
      'usage',
      `refusing --control on ${opts.host}: the control API mints tokens and shows app secrets`,
      {
        hint: 'Use --control only with a loopback --host (the default, 127.0.0.1).',
      },
    );
  }
  const sim = createSimulator({ seed: opts.seed, size: opts.size, control: opts.control, limitsPreset: opts.limits });
  const served = await serveFetch(sim.fetch, { port: opts.port, host: opts.host });
  sim.setBaseUrl(served.url);
  const app = demoApp(sim.world);
  const sites = [...sim.world.sites.values()];
  ctx.out(`listening on ${served.url}`);
  ctx.out(`  auth server    ${sim.urls.auth}   (stands in for https://auth.atlassian.com)`);
  ctx.out(`  API gateway    ${sim.urls.api}    (stands in for https://api.atlassian.com)`);
  if (opts.control) ctx.out(`  control API    ${served.url}/__sim`);
  ctx.out(`  sites          ${sites.map((s) => `${s.name} (${s.cloudId}, ${s.data.issues.size} issues)`).join(', ')}`);
  if (app) {
    ctx.out(`  demo OAuth app "${app.name}": client id ${app.clientId}, callback ${app.callbackUrl}`);
    if (opts.control) ctx.out(`                 its client secret: GET ${served.url}/__sim/apps`);
  }
  ctx.out(
    `  demo users     ${DEMO_ADMIN_EMAIL} (site admin), ${DEMO_USER_EMAIL} (restricted); the simulated login needs no password`,
  );
  await ctx.stopped();
  ctx.out('stopping simulator');
  await served.close();
}

export function registerSimCommand(program: Command, ctx: CliContext): void {
  program
    .command('sim')
    .summary('run the Jira Cloud simulator over HTTP')
    .description(
      'Run the Jira Cloud simulator over HTTP: an OAuth 2.0 (3LO) authorization server, the ' +
        'api.atlassian.com gateway and seeded Jira sites, with Atlassian rate limits and optional faults.\n\n' +
        'One listener serves every host: the auth server at <url>/auth, the API gateway at <url>/api ' +
        '(sites at <url>/api/ex/jira/<cloudId>), attachment media at <url>/media and, with --control, ' +
        'the control API at <url>/__sim (seed, mutate, clock, limits, faults, meter, ground truth). ' +
        'The same --seed and --size always generate the same data. Stop it with SIGTERM or Ctrl-C.',
    )
    .option('-p, --port <port>', 'TCP port to listen on (0 picks a free one)', parsePort, 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-s, --seed <n>', 'seed of the data generator; the same seed gives the same data', parseInteger, 1)
    .addOption(
      new Option(
        '--size <size>',
        'size of the generated data (tiny ≈ 130 issues, small ≈ 1k, medium ≈ 10k, large ≈ 100k)',
      )
        .choices(SIZES)
        .default('tiny'),
    )
    .option('--control', 'enable the /__sim control API (loopback only)', false)
    .addOption(
      new Option('--limits <preset>', "rate limits: Atlassian's documented values, or none")
        .choices(['realistic', 'unlimited'])
        .default('realistic'),
    )
    .action(async (opts: SimOptions) => runSimulator(ctx, opts));
}

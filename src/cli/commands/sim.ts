import { type Command, Option } from 'commander';
import { createSimulator, type SiteSize } from '../../simulator/create.js';
import type { CliContext } from '../context.js';
import { serveFetch } from '../http-adapter.js';
import { parseInteger, parsePort } from '../parse.js';

const SIZES: SiteSize[] = ['tiny', 'small', 'medium', 'large'];

export function registerSimCommand(program: Command, ctx: CliContext): void {
  program
    .command('sim')
    .summary('run the Jira Cloud simulator over HTTP')
    .description(
      'Run the Jira Cloud simulator over HTTP: an OAuth 2.0 (3LO) authorization server, the ' +
        'api.atlassian.com gateway and seeded Jira sites, with Atlassian rate limits and optional faults.\n\n' +
        'One listener serves every host: the auth server at <url>/auth, the API gateway at <url>/api ' +
        '(sites at <url>/api/ex/jira/<cloudId>), attachment media at <url>/media and, with --control, ' +
        'the control API at <url>/__sim. Stop it with SIGTERM or Ctrl-C.',
    )
    .option('-p, --port <port>', 'TCP port to listen on (0 picks a free one)', parsePort, 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-s, --seed <n>', 'seed of the data generator; the same seed gives the same data', parseInteger, 1)
    .addOption(new Option('--size <size>', 'size of the generated data').choices(SIZES).default('tiny'))
    .option('--control', 'enable the /__sim control API (seed, mutate, clock, limits, faults, ground truth)', false)
    .action(async (opts: { port: number; host: string; seed: number; size: SiteSize; control: boolean }) => {
      const sim = createSimulator({ seed: opts.seed, size: opts.size, control: opts.control });
      const served = await serveFetch(sim.fetch, { port: opts.port, host: opts.host });
      sim.setBaseUrl(served.url);
      ctx.out(`listening on ${served.url}`);
      ctx.out(`  auth server  ${sim.urls.auth}`);
      ctx.out(`  API gateway  ${sim.urls.api}`);
      if (opts.control) ctx.out(`  control API  ${served.url}/__sim`);
      await ctx.stopped();
      ctx.out('stopping simulator');
      await served.close();
    });
}

import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { parsePort } from '../parse.js';
import { runSimulator } from './sim.js';

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .summary('run the main job on embedded defaults against the bundled simulator')
    .description(
      'Starts the bundled Jira Cloud simulator with a seeded site on loopback and prints its base URL, ' +
        "the demo OAuth app's client id and the demo users. (The backup engine extends this into the full " +
        'demo: connect, full backup, changes, incremental backup, diff.) Stop it with Ctrl-C.',
    )
    .option('-p, --port <port>', 'TCP port for the simulator (0 picks a free one)', parsePort, 0)
    .action(async (opts: { port: number }) =>
      runSimulator(ctx, {
        port: opts.port,
        host: '127.0.0.1',
        seed: 1,
        size: 'tiny',
        control: true,
        limits: 'realistic',
      }),
    );
}

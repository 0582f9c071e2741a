/**
 * The `tidemark` command. Each subcommand lives in commands/<name>.ts and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { isTidemarkError } from '../core/index.js';
import { registerCatalogCommand } from './commands/catalog.js';
import { registerCheckCommand } from './commands/check.js';
import { registerForgetCommand } from './commands/forget.js';
import { registerInitCommand } from './commands/init.js';
import { registerKeyCommand } from './commands/key.js';
import { registerPruneCommand } from './commands/prune.js';
import { registerSimCommand } from './commands/sim.js';
import { registerSnapshotsCommand } from './commands/snapshots.js';
import { registerStatsCommand } from './commands/stats.js';
import { registerUnlockCommand } from './commands/unlock.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('tidemark')
    .description(
      'Backup and restore for Jira Cloud.\n\n' +
        'Tidemark backs up a Jira Cloud site into an encrypted, deduplicated repository and restores ' +
        'anything from one field of one issue to a whole project, with a reviewable plan first. ' +
        'It connects only through a vendor-owned OAuth 2.0 (3LO) app: it never asks for an API token.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true });
  registerSimCommand(program);
  registerInitCommand(program);
  registerCheckCommand(program);
  registerSnapshotsCommand(program);
  registerForgetCommand(program);
  registerPruneCommand(program);
  registerStatsCommand(program);
  registerKeyCommand(program);
  registerUnlockCommand(program);
  registerCatalogCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isTidemarkError(e)) {
      console.error(`tidemark: ${e.message}`);
      if (e.hint) console.error(`hint: ${e.hint}`);
      return e.kind === 'usage' ? 2 : 1;
    }
    console.error(`tidemark: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    return 70;
  }
}

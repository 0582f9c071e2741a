/**
 * The `tidemark` command. Each subcommand lives in commands/<name>.ts and registers itself here.
 * Before any command runs, the policy guard checks the command line (credential flags are refused
 * with Atlassian's rule, not "unknown option") and the environment.
 */
import { Command, CommanderError } from 'commander';
import { isTidemarkError } from '../core/index.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerBrokerCommand } from './commands/broker.js';
import { registerCatalogCommand } from './commands/catalog.js';
import { registerCheckCommand } from './commands/check.js';
import { registerForgetCommand } from './commands/forget.js';
import { registerInitCommand } from './commands/init.js';
import { registerKeyCommand } from './commands/key.js';
import { registerPruneCommand } from './commands/prune.js';
import { registerSnapshotsCommand } from './commands/snapshots.js';
import { registerStatsCommand } from './commands/stats.js';
import { registerUnlockCommand } from './commands/unlock.js';
import { registerComplianceCommand } from './commands/compliance.js';
import { registerConnectCommand } from './commands/connect.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerLsCommand } from './commands/ls.js';
import { registerConnectionsCommands } from './commands/connections.js';
import { registerServerCommand } from './commands/server.js';
import { registerRestoreCommand } from './commands/restore.js';
import { registerShowCommand } from './commands/show.js';
import { registerSimCommand } from './commands/sim.js';
import { processContext, type CliContext } from './context.js';
import { guardArguments, guardEnvironment } from './policy.js';
import { VERSION } from './version.js';

export function buildProgram(ctx: CliContext, args: string[] = []): Command {
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
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true })
    .hook('preAction', () => guardEnvironment(ctx.env, args));
  registerBackupCommand(program, ctx);
  registerBrokerCommand(program, ctx);
  registerComplianceCommand(program, ctx);
  registerConnectCommand(program, ctx);
  registerConnectionsCommands(program, ctx);
  registerDemoCommand(program, ctx);
  registerDiffCommand(program, ctx);
  registerLsCommand(program, ctx);
  registerServerCommand(program, ctx);
  registerRestoreCommand(program, ctx);
  registerShowCommand(program, ctx);
  registerSimCommand(program, ctx);
  registerInitCommand(program, ctx);
  registerCheckCommand(program, ctx);
  registerSnapshotsCommand(program, ctx);
  registerForgetCommand(program, ctx);
  registerPruneCommand(program, ctx);
  registerStatsCommand(program, ctx);
  registerKeyCommand(program, ctx);
  registerUnlockCommand(program, ctx);
  registerCatalogCommand(program, ctx);
  return program;
}

export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const args = argv.slice(2);
  const program = buildProgram(ctx, args);
  program.exitOverride();
  try {
    guardArguments(args);
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isTidemarkError(e)) {
      ctx.err(`tidemark: ${e.message}`);
      if (e.hint) ctx.err(`hint: ${e.hint}`);
      return e.kind === 'usage' ? 2 : 1;
    }
    ctx.err(`tidemark: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    return 70;
  }
}

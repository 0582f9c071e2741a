import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { buildComplianceReport, type AuthModel } from '../../jira/compliance.js';
import type { CliContext } from '../context.js';
import { identityFile, tidemarkHome, vaultFile } from '../settings.js';

const MODELS: AuthModel[] = ['embedded', 'saas', 'on-prem-broker', 'service-account'];

export function registerComplianceCommand(program: Command, ctx: CliContext): void {
  program
    .command('compliance')
    .summary("show how Tidemark connects to Jira and why that follows Atlassian's rules")
    .description(
      "Print the auth model in use, the app identity, every OAuth scope Tidemark requests with the reason for it, every Jira operation the code can call (found by scanning Tidemark's own source) with the scope that covers it, and where tokens live and how they are protected.\n\n" +
        'Exits 1 when the scan finds a problem: an operation no requested scope covers, a call site whose route is not a literal, or a route that is not in the pinned specs.',
    )
    .addOption(
      new Option('--model <model>', 'auth model to describe (default: TIDEMARK_AUTH_MODEL, else embedded)').choices(
        MODELS,
      ),
    )
    .option('--json', 'emit the report as JSON', false)
    .action(async (opts: { model?: AuthModel; json: boolean }) => {
      const model =
        opts.model ??
        (MODELS.includes(ctx.env.TIDEMARK_AUTH_MODEL as AuthModel)
          ? (ctx.env.TIDEMARK_AUTH_MODEL as AuthModel)
          : 'embedded');
      const report = await buildComplianceReport({
        model,
        clientId: ctx.env.TIDEMARK_CLIENT_ID ?? null,
        sourceRoot: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
        tokenLocation:
          model === 'on-prem-broker'
            ? `refresh tokens at the broker; access tokens in memory only; the installation key in ${identityFile(ctx.env)}`
            : model === 'service-account'
              ? vaultFile(ctx.env)
              : path.join(tidemarkHome(ctx.env), 'vault.json'),
      });
      if (opts.json) {
        ctx.out(JSON.stringify(report, null, 2));
      } else {
        ctx.out(
          `Auth model: ${report.authModel.model}\n  ${report.authModel.summary}\n  Why compliant: ${report.authModel.whyCompliant}\n`,
        );
        ctx.out(
          `App: ${report.app.name} (${report.app.clientId ?? 'client id not configured'}), ${report.app.distribution}\n`,
        );
        ctx.out('Scopes requested:');
        for (const s of report.scopes) ctx.out(`  ${s.scope.padEnd(38)} ${s.reason}`);
        ctx.out(`\nJira operations the code can call (${report.operations.length}):`);
        for (const o of report.operations)
          ctx.out(`  ${o.key.padEnd(72)} scope: ${o.grantedBy?.join(' + ') ?? 'NOT REQUESTED'}`);
        ctx.out(`\nTokens: ${report.tokens.where}\n  ${report.tokens.protection}`);
        ctx.out(`\nNever accepted: ${report.neverAccepted.join('; ')}`);
        if (report.problems.length > 0) ctx.out(`\nProblems:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`);
      }
      if (report.problems.length > 0) ctx.exitCode = 1;
    });
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { buildComplianceReport, type AuthModel } from '../../jira/compliance.js';

const MODELS: AuthModel[] = ['embedded', 'saas', 'on-prem-broker', 'service-account'];

export function registerComplianceCommand(program: Command): void {
  program
    .command('compliance')
    .summary("show how Tidemark connects to Jira and why that follows Atlassian's rules")
    .description(
      "Print the auth model in use, the app identity, every OAuth scope Tidemark requests with the reason for it, every Jira operation the code can call (found by scanning Tidemark's own source) with the scope that covers it, and where tokens live and how they are protected.",
    )
    .addOption(
      new Option('--model <model>', 'auth model to describe')
        .choices(MODELS)
        .default(process.env.TIDEMARK_AUTH_MODEL ?? 'embedded'),
    )
    .option('--json', 'emit the report as JSON', false)
    .action(async (opts: { model: AuthModel; json: boolean }) => {
      const home = process.env.TIDEMARK_HOME ?? path.join(process.env.HOME ?? '.', '.tidemark');
      const report = await buildComplianceReport({
        model: opts.model,
        clientId: process.env.TIDEMARK_CLIENT_ID ?? null,
        sourceRoot: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
        tokenLocation:
          opts.model === 'on-prem-broker'
            ? 'memory only (fetched from the broker on demand)'
            : path.join(home, 'vault.json'),
      });
      if (opts.json) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        console.log(
          `Auth model: ${report.authModel.model}\n  ${report.authModel.summary}\n  Why compliant: ${report.authModel.whyCompliant}\n`,
        );
        console.log(
          `App: ${report.app.name} (${report.app.clientId ?? 'client id not configured'}), ${report.app.distribution}\n`,
        );
        console.log('Scopes requested:');
        for (const s of report.scopes) console.log(`  ${s.scope.padEnd(38)} ${s.reason}`);
        console.log(`\nJira operations the code can call (${report.operations.length}):`);
        for (const o of report.operations)
          console.log(`  ${o.key.padEnd(72)} scope: ${o.grantedBy?.join(' + ') ?? 'NOT REQUESTED'}`);
        console.log(`\nTokens: ${report.tokens.where}\n  ${report.tokens.protection}`);
        console.log(`\nNever accepted: ${report.neverAccepted.join('; ')}`);
        if (report.problems.length > 0)
          console.log(`\nProblems:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`);
      }
      if (report.problems.length > 0) process.exitCode = 1;
    });
}

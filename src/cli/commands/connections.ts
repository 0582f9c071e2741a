import type { Command } from 'commander';
import { TidemarkError, isTidemarkError } from '../../core/index.js';
import { BrokerClient } from '../../jira/index.js';
import { accessFor, clientFor } from '../connections.js';
import type { CliContext } from '../context.js';
import { jsonLogger } from '../logger.js';
import { loadIdentity, masterKey, openVault, vaultFile } from '../settings.js';

interface CheckResult {
  connection: string;
  kind: string;
  site: string;
  cloudId: string;
  ok: boolean;
  account?: string;
  error?: { kind: string; message: string; hint?: string };
}

export function registerConnectionsCommands(program: Command, ctx: CliContext): void {
  program
    .command('connections')
    .summary('list the stored Jira connections; --check calls each site')
    .description(
      'List the connections stored in $TIDEMARK_HOME/vault.json: kind (3lo, broker, service-account), sites, ' +
        'scopes and status — never a token. With --check, call GET /rest/api/3/myself on every site through the ' +
        "connection's own token source (refreshing, asking the broker, or renewing client credentials as needed) " +
        'and report what works; a connection that needs re-consent says what to do. Exits 1 when a check fails.',
    )
    .option('--check', 'call each site to prove the connection works')
    .option('--json', 'emit JSON')
    .option('--master-key-file <file>', 'file holding the master key that seals the vault')
    .action(async (opts: { check?: boolean; json?: boolean; masterKeyFile?: string }) => {
      const key = await masterKey(ctx.env, opts.masterKeyFile);
      const vault = await openVault(ctx.env, opts.masterKeyFile);
      const list = vault.list();
      if (!opts.check) {
        if (opts.json) ctx.out(JSON.stringify(list, null, 2));
        else if (list.length === 0) ctx.out(`No connections in ${vaultFile(ctx.env)}. Run \`tidemark connect\`.`);
        else
          for (const g of list)
            ctx.out(
              `${g.id}  ${g.kind}  ${g.status}  ${g.sites.map((s) => s.name).join(', ')}  (${g.scopes.length} scopes)`,
            );
        return;
      }
      const logger = jsonLogger((line) => ctx.err(line), { level: ctx.env.TIDEMARK_LOG_LEVEL ?? 'warn' });
      const results: CheckResult[] = [];
      for (const grant of list) {
        for (const site of grant.sites) {
          const base = { connection: grant.id, kind: grant.kind, site: site.name, cloudId: site.cloudId };
          try {
            const access = await accessFor(ctx, vault, grant, key);
            const client = clientFor(ctx, access, site, logger);
            const me = await client.request('GET /rest/api/3/myself');
            results.push({ ...base, ok: true, account: me.body.displayName ?? me.body.accountId ?? '' });
          } catch (e) {
            const err = isTidemarkError(e)
              ? e
              : new TidemarkError('internal', e instanceof Error ? e.message : String(e));
            results.push({
              ...base,
              ok: false,
              error: { kind: err.kind, message: err.message, ...(err.hint ? { hint: err.hint } : {}) },
            });
          }
        }
      }
      if (opts.json) ctx.out(JSON.stringify(results, null, 2));
      else {
        if (results.length === 0) ctx.out('No connected sites to check.');
        for (const r of results) {
          if (r.ok) ctx.out(`ok      ${r.site} (${r.cloudId}) via ${r.kind} ${r.connection}, acting as ${r.account}`);
          else {
            ctx.out(`FAILED  ${r.site} (${r.cloudId}) via ${r.kind} ${r.connection}: ${r.error!.message}`);
            if (r.error!.hint) ctx.out(`        ${r.error!.hint}`);
          }
        }
      }
      if (results.some((r) => !r.ok)) ctx.exitCode = 1;
    });

  program
    .command('disconnect')
    .summary('delete a stored connection and its tokens')
    .description(
      'Delete a connection from $TIDEMARK_HOME/vault.json with its tokens (and, for a broker connection, ask the ' +
        'broker to delete the refresh token it holds). The grant at Atlassian stays until a site admin removes ' +
        'the app or the user revokes it in their Atlassian account settings.',
    )
    .argument('<id>', 'the connection id `tidemark connections` shows')
    .option('--master-key-file <file>', 'file holding the master key that seals the vault')
    .action(async (id: string, opts: { masterKeyFile?: string }) => {
      const key = await masterKey(ctx.env, opts.masterKeyFile);
      const vault = await openVault(ctx.env, opts.masterKeyFile);
      const grant = vault.get(id);
      if (!grant) throw new TidemarkError('not-found', `no connection ${id}`, { hint: 'See `tidemark connections`.' });
      if (grant.kind === 'broker') {
        const identity = await loadIdentity(ctx.env, key);
        if (identity) await new BrokerClient(identity, { fetch: ctx.fetch }).disconnect(id);
      }
      await vault.delete(id);
      ctx.out(`Disconnected ${id}; its tokens were deleted.`);
    });
}

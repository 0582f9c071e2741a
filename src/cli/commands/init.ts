import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { type Credential, Repository } from '../../store/index.js';
import {
  type RepoCliOptions,
  addRepoOptions,
  backendFor,
  output,
  readCredential,
  repoLocation,
  repositoryOptions,
  withNewKeyFile,
} from './repo-options.js';

export function registerInitCommand(program: Command, ctx: CliContext): void {
  addRepoOptions(
    program
      .command('init')
      .summary('create an encrypted repository')
      .description(
        'Create an empty, encrypted repository in a folder or an S3 bucket prefix.\n\n' +
          'The repository is opened with a passphrase (--password-file or TIDEMARK_PASSWORD) or a key ' +
          'file (--new-key-file creates one). Keep them safe: without a key nobody, including Tidemark, ' +
          'can read the backups. More keys can be added later with `tidemark key add`.',
      )
      .option('--new-key-file <file>', 'create a new key file credential at this path and use it as the first key')
      .option('--key-label <text>', 'a label for the first key (for `tidemark key list`)'),
  ).action(async (opts: RepoCliOptions & { newKeyFile?: string; keyLabel?: string }) => {
    const backend = backendFor(opts, ctx.env);
    const init = (credential: Credential) =>
      Repository.init(backend, credential, { ...repositoryOptions(opts), keyLabel: opts.keyLabel });
    const repo = opts.newKeyFile
      ? await withNewKeyFile(opts.newKeyFile, init)
      : await init(await readCredential(opts, ctx.env));
    output(ctx, opts, { repository: repo.id, location: repoLocation(opts, ctx.env), key: repo.keyId }, () =>
      [
        `created repository ${repo.id.slice(0, 8)} at ${repoLocation(opts, ctx.env)}`,
        opts.newKeyFile ? `key file written to ${opts.newKeyFile}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    await backend.close();
  });
}

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { TidemarkError, registerSecret } from '../../core/index.js';
import { passphrase } from '../../store/index.js';
import { type RepoCliOptions, addRepoOptions, output, short, withNewKeyFile, withRepository } from './repo-options.js';

async function newPassphrase(file: string): Promise<ReturnType<typeof passphrase>> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (e) {
    throw new TidemarkError('usage', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  registerSecret(text);
  return passphrase(text);
}

export function registerKeyCommand(program: Command, ctx: CliContext): void {
  const key = program
    .command('key')
    .summary('manage the keys that open the repository')
    .description(
      'Every key wraps the same master key: any one of them opens the repository. A key is a ' +
        'passphrase (stretched with scrypt) or a key file (32 random bytes you keep somewhere safe).',
    );

  addRepoOptions(key.command('list').description('List the keys (the one used now is marked with *).')).action(
    async (opts: RepoCliOptions) => {
      await withRepository(ctx, opts, async (repo) => {
        const keys = await repo.listKeys();
        output(
          ctx,
          opts,
          keys.map((k) => ({ ...k, current: k.id === repo.keyId })),
          () =>
            keys
              .map(
                (k) =>
                  `${k.id === repo.keyId ? '*' : ' '} ${short(k.id)}  ${k.kind.padEnd(10)}  ${k.created ?? ''}  ${k.host ?? ''}${k.label ? `  ${k.label}` : ''}${k.damaged ? `  DAMAGED: ${k.damaged}` : ''}`,
              )
              .join('\n'),
        );
      });
    },
  );

  addRepoOptions(
    key
      .command('add')
      .description('Add a key: a new passphrase (--new-password-file) or a new key file (--new-key-file).')
      .option('--new-password-file <file>', 'the new passphrase, read from this file')
      .option('--new-key-file <file>', 'create a new key file credential at this path (it must not exist)')
      .option('--label <text>', 'a label to recognise the key by'),
  ).action(async (opts: RepoCliOptions & { newPasswordFile?: string; newKeyFile?: string; label?: string }) => {
    if (!opts.newPasswordFile === !opts.newKeyFile) {
      throw new TidemarkError('usage', 'give exactly one of --new-password-file and --new-key-file');
    }
    await withRepository(ctx, opts, async (repo) => {
      if (opts.newKeyFile) {
        const id = await withNewKeyFile(opts.newKeyFile, (credential) =>
          repo.addKey(credential, { label: opts.label }).then((r) => r.id),
        );
        output(
          ctx,
          opts,
          { added: id, keyFile: opts.newKeyFile },
          () => `added key ${short(id)}; key file written to ${opts.newKeyFile}`,
        );
      } else {
        const { id } = await repo.addKey(await newPassphrase(opts.newPasswordFile!), { label: opts.label });
        output(ctx, opts, { added: id }, () => `added key ${short(id)}`);
      }
    });
  });

  addRepoOptions(
    key
      .command('remove')
      .argument('<id>', 'key id or unique prefix (see `tidemark key list`)')
      .description('Remove a key. The last key, and the key used to run this command, cannot be removed.'),
  ).action(async (id: string, opts: RepoCliOptions) => {
    await withRepository(ctx, opts, async (repo) => {
      const removed = await repo.removeKey(id);
      output(ctx, opts, { removed }, () => `removed key ${short(removed)}`);
    });
  });

  addRepoOptions(
    key
      .command('passwd')
      .description(
        'Replace the key used now by a new passphrase (the new key is written before the old one is removed).',
      )
      .requiredOption('--new-password-file <file>', 'the new passphrase, read from this file'),
  ).action(async (opts: RepoCliOptions & { newPasswordFile: string }) => {
    await withRepository(ctx, opts, async (repo) => {
      const old = repo.keyId;
      const id = await repo.changeKey(await newPassphrase(opts.newPasswordFile));
      output(ctx, opts, { added: id, removed: old }, () => `replaced key ${short(old)} by ${short(id)}`);
    });
  });
}

/**
 * The policy guard at the CLI's entry points: flags and their values (before commander parses
 * them, so `--api-token x` is refused with Atlassian's rule rather than "unknown option"), and the
 * environment (before any command runs). Configuration files are checked where they are read
 * (settings.ts).
 */
import { TidemarkError } from '../core/index.js';
import { assertCompliantEnvironment, assertCompliantInput, policyRefusal } from '../jira/index.js';

/** Flag names that can only mean a Jira credential. Tidemark offers none of them. */
const CREDENTIAL_FLAG =
  /^(?:[a-z0-9]+-)*(?:api-?token|apitoken|token|pat|personal-access-token|access-token|refresh-token|auth-token|password|passwd|pass|basic-auth|basic|user-password|credentials?)$/i;

/** The command a command line runs, and whether it runs in an on-prem mode (broker, service account). */
export function commandOf(args: string[]): { command: string | undefined; onPrem: boolean } {
  const command = args.find((a) => !a.startsWith('-'));
  const onPrem = args.some(
    (a) => a === '--broker' || a.startsWith('--broker=') || a === '--service-account' || a === '--pairing-code',
  );
  return { command, onPrem };
}

/**
 * Where the vendor's own app secret may be read: commands that run where the vendor operates
 * Tidemark (`server`, `broker`, embedded `connect`, and commands that use their grants). The
 * on-prem modes (`connect --broker`, `connect --service-account`) never hold it.
 */
export function vendorOperated(args: string[]): boolean {
  return !commandOf(args).onPrem;
}

/** Refuses credential flags and credential-shaped values on the command line. `args` excludes node and the script. */
export function guardArguments(args: string[]): void {
  const vendor = vendorOperated(args);
  const ctx = { source: 'command-line flag' as const, vendorOperated: vendor };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const value = eq < 0 ? (args[i + 1]?.startsWith('-') ? '' : (args[i + 1] ?? '')) : arg.slice(eq + 1);
    if (name === 'client-secret' && commandOf(args).onPrem && args.includes('--service-account')) {
      throw new TidemarkError(
        'usage',
        "pass the service account's secret with --client-secret-file, not on the command line",
        {
          hint: 'A command line is visible to every user of the machine (ps) and ends up in shell history.',
        },
      );
    }
    if (CREDENTIAL_FLAG.test(name)) {
      const what = /pass/i.test(name)
        ? 'a password'
        : /basic|credential/i.test(name)
          ? 'basic-auth credentials'
          : 'an API token';
      throw policyRefusal(what, `--${name}`, ctx);
    }
    assertCompliantInput({ [`--${name}`]: value }, ctx);
  }
  // Values anywhere on the line (positional arguments too): API tokens, Basic headers, URLs with credentials.
  assertCompliantInput(args, ctx, 'argument');
}

/** Refuses credential variables in the environment. */
export function guardEnvironment(env: Record<string, string | undefined>, args: string[]): void {
  assertCompliantEnvironment(env, vendorOperated(args));
}

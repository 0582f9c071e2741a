/**
 * The world's Atlassian accounts. Accounts are global; sites list their members.
 *
 * Fixed accounts every world has (the contract with the auth server and the demos):
 *   - demo.admin@tidemark.test — active 'atlassian' account, member and admin of every site,
 *     browses everything (member of every site's jira-admins group);
 *   - demo.user@tidemark.test — active 'atlassian' account, member of the first site only, not
 *     in the restricted project's roles;
 *   - a service account ('app', "Tidemark Backup Bot") member of every site with admin groups;
 *   - "Automation for Jira" ('app'), which authors automated changes.
 * Their account ids are fixed (FIXED_ACCOUNT_IDS). The rest are people (some inactive, some with hidden e-mail, some with hostile names) and JSM
 * portal customers ('customer').
 */
import type { Account, AccountType } from '../world/types.js';
import { Rng } from './prng.js';
import { FIRST_NAMES, LAST_NAMES, LOCALES, TIME_ZONES } from './words.js';

export const DEMO_ADMIN_EMAIL = 'demo.admin@tidemark.test';
export const DEMO_USER_EMAIL = 'demo.user@tidemark.test';
export const SERVICE_ACCOUNT_EMAIL = 'tidemark-backup-bot@serviceaccount.atlassian.com';
export const AUTOMATION_EMAIL = 'automation@connect.atlassian.com';

/**
 * Account ids of the fixed accounts. They do not depend on the seed, so registrations that refer
 * to them (the demo OAuth app's owner, the service account's credential) survive a reseed.
 */
export const FIXED_ACCOUNT_IDS = {
  demoAdmin: Rng.of(0, 'fixed-account', 'demo.admin').hex(24),
  demoUser: Rng.of(0, 'fixed-account', 'demo.user').hex(24),
  serviceAccount: `557058:${Rng.of(0, 'fixed-account', 'service').uuid()}`,
  automation: `557058:${Rng.of(0, 'fixed-account', 'automation').uuid()}`,
} as const;

export interface WorldAccounts {
  all: Account[];
  demoAdmin: Account;
  demoUser: Account;
  serviceAccount: Account;
  automation: Account;
  /** People with accountType 'atlassian' (including the demo accounts). */
  people: Account[];
  customers: Account[];
}

function atlassianId(rng: Rng): string {
  return rng.chance(0.5) ? rng.hex(24) : `712020:${rng.uuid()}`;
}

const HOSTILE_NAMES = [
  'محمد عبد الله — שרה כהן',
  'Zoë 🚀 O\u2019Brien‍👩‍💻 <b>admin</b>',
  `Maximilian ${'Alexander-'.repeat(12)}von Long-Name`,
];

export function generateAccounts(seed: number, count: number, customers: number): WorldAccounts {
  const rng = Rng.of(seed, 'accounts');
  const all: Account[] = [];
  const make = (
    accountType: AccountType,
    displayName: string,
    loginEmail: string,
    options: { active?: boolean; hideEmail?: boolean; id?: string } = {},
  ): Account => {
    const accountId =
      options.id ??
      (accountType === 'app'
        ? `557058:${rng.uuid()}`
        : accountType === 'customer'
          ? `qm:${rng.uuid()}:${rng.uuid()}`
          : atlassianId(rng));
    const a: Account = {
      accountId,
      accountType,
      displayName,
      emailAddress: options.hideEmail ? null : loginEmail,
      active: options.active ?? true,
      timeZone: rng.pick(TIME_ZONES),
      locale: rng.pick(LOCALES),
      loginEmail,
    };
    all.push(a);
    return a;
  };
  const demoAdmin = make('atlassian', 'Demo Admin', DEMO_ADMIN_EMAIL, { id: FIXED_ACCOUNT_IDS.demoAdmin });
  const demoUser = make('atlassian', 'Demo User', DEMO_USER_EMAIL, { id: FIXED_ACCOUNT_IDS.demoUser });
  const serviceAccount = make('app', 'Tidemark Backup Bot', SERVICE_ACCOUNT_EMAIL, {
    hideEmail: true,
    id: FIXED_ACCOUNT_IDS.serviceAccount,
  });
  const automation = make('app', 'Automation for Jira', AUTOMATION_EMAIL, {
    hideEmail: true,
    id: FIXED_ACCOUNT_IDS.automation,
  });
  const people: Account[] = [demoAdmin, demoUser];
  const used = new Set<string>();
  for (let i = people.length; i < count; i++) {
    let name: string;
    if (i - 2 < HOSTILE_NAMES.length) name = HOSTILE_NAMES[i - 2]!;
    else {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      name = `${first} ${last}`;
      if (used.has(name)) name = `${name} ${i}`;
    }
    used.add(name);
    const local = `user${i}`;
    people.push(
      make('atlassian', name, `${local}@example.com`, {
        active: i % 12 !== 7 && !rng.chance(0.03),
        hideEmail: i % 5 === 3 || rng.chance(0.1),
      }),
    );
  }
  const customerAccounts: Account[] = [];
  for (let i = 0; i < customers; i++) {
    const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    customerAccounts.push(make('customer', name, `customer${i}@customer.example`, { active: !rng.chance(0.05) }));
  }
  return { all, demoAdmin, demoUser, serviceAccount, automation, people, customers: customerAccounts };
}

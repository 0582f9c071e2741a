/**
 * A small hand-built world for auth-server tests: two sites, the demo accounts, an inactive
 * account, an account without sites and a service account, plus the demo apps.
 */
import { FakeClock } from '../../src/core/index.js';
import { registerDemoApps, type DemoApps } from '../../src/simulator/auth/apps.js';
import type { AuthSettings } from '../../src/simulator/auth/settings.js';
import { simulatorParts } from '../../src/simulator/create.js';
import { emptyWorld, JiraSimulator } from '../../src/simulator/simulator.js';
import { emptySite } from '../../src/simulator/world/factory.js';
import type { Account, Site, World } from '../../src/simulator/world/types.js';

export const CALLBACK_URL = 'http://127.0.0.1:9/oauth/callback';

export interface AuthWorld {
  world: World;
  admin: Account;
  user: Account;
  inactive: Account;
  outsider: Account;
  service: Account;
  acme: Site;
  globex: Site;
  apps: DemoApps;
}

function account(accountId: string, displayName: string, loginEmail: string, extra: Partial<Account> = {}): Account {
  return {
    accountId,
    accountType: 'atlassian',
    displayName,
    emailAddress: loginEmail,
    active: true,
    timeZone: 'Europe/Paris',
    locale: 'en_US',
    loginEmail,
    ...extra,
  };
}

export function buildAuthWorld(options: { seed?: number; callbackUrl?: string } = {}): AuthWorld {
  const world = emptyWorld(options.seed ?? 7);
  const admin = account('712020:0000000a-aaaa-4aaa-8aaa-00000000000a', 'Ada Admin', 'demo.admin@tidemark.test');
  const user = account('712020:0000000b-bbbb-4bbb-8bbb-00000000000b', 'Bob User', 'demo.user@tidemark.test');
  const inactive = account('712020:0000000c-cccc-4ccc-8ccc-00000000000c', 'Cy Gone', 'gone@tidemark.test', {
    active: false,
  });
  const outsider = account('712020:0000000d-dddd-4ddd-8ddd-00000000000d', 'Dee Nosite', 'nosite@tidemark.test');
  const service = account(
    '712020:0000000e-eeee-4eee-8eee-00000000000e',
    'Backup bot',
    'backup-bot@serviceaccount.atlassian.com',
    {
      accountType: 'app',
      emailAddress: null,
    },
  );
  for (const a of [admin, user, inactive, outsider, service]) world.accounts.set(a.accountId, a);
  const acme = emptySite('1324a887-45db-1bf4-1e99-ef0ff456d421', 'acme', 'http://sim.invalid/site/acme');
  const globex = emptySite('9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'globex', 'http://sim.invalid/site/globex');
  for (const site of [acme, globex]) {
    site.members.add(admin.accountId);
    site.admins.add(admin.accountId);
    site.members.add(service.accountId);
    world.sites.set(site.cloudId, site);
  }
  acme.members.add(user.accountId);
  acme.members.add(inactive.accountId);
  acme.data.groups.set('g-users', {
    groupId: 'g-users',
    name: 'jira-users',
    members: new Set([admin.accountId, user.accountId]),
  });
  acme.data.groups.set('g-admins', { groupId: 'g-admins', name: 'jira-admins', members: new Set([admin.accountId]) });
  const apps = registerDemoApps(world, { callbackUrl: options.callbackUrl ?? CALLBACK_URL });
  if (!apps) throw new Error('the demo admin is missing');
  return { world, admin, user, inactive, outsider, service, acme, globex, apps };
}

export function authSimulator(
  options: { seed?: number; callbackUrl?: string; auth?: Partial<AuthSettings>; control?: boolean } = {},
): AuthWorld & { sim: JiraSimulator; clock: FakeClock } {
  const built = buildAuthWorld(options);
  const clock = new FakeClock();
  const sim = new JiraSimulator({
    clock,
    world: built.world,
    control: options.control ?? true,
    parts: simulatorParts(options.auth ? { auth: options.auth } : {}),
  });
  return { ...built, sim, clock };
}

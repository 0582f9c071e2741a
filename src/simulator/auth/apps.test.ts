import { describe, expect, it } from 'vitest';
import { buildAuthWorld } from '../../../test/support/auth-world.js';
import { emptyWorld } from '../simulator.js';
import {
  DEFAULT_DEMO_CALLBACK_URL,
  demoApp,
  registerDemoApps,
  registerServiceAccount,
  SERVICE_ACCOUNT_SCOPES,
} from './apps.js';
import { TIDEMARK_SCOPES } from './scopes.js';

describe('demo apps', () => {
  it('register a distributed Tidemark app with every scope, an unshared one, and service-account credentials', () => {
    const t = buildAuthWorld();
    expect(t.apps.tidemark).toMatchObject({
      name: 'Tidemark',
      distributed: true,
      ownerAccountId: t.admin.accountId,
      scopes: [...TIDEMARK_SCOPES],
    });
    expect(t.apps.development).toMatchObject({ distributed: false, ownerAccountId: t.admin.accountId });
    expect(t.apps.tidemark.clientId).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(t.apps.tidemark.clientSecret.length).toBeGreaterThanOrEqual(32);
    expect(demoApp(t.world)).toBe(t.apps.tidemark);
    expect(t.apps.serviceAccounts).toHaveLength(1);
    expect(t.apps.serviceAccounts[0]).toMatchObject({
      accountId: t.service.accountId,
      scopes: [...SERVICE_ACCOUNT_SCOPES],
    });
    expect([...t.apps.serviceAccounts[0]!.cloudIds].sort()).toEqual([t.acme.cloudId, t.globex.cloudId].sort());
  });

  it('derive client ids from the seed; secrets are random unless given', () => {
    const a = buildAuthWorld({ seed: 1 });
    const b = buildAuthWorld({ seed: 1 });
    const c = buildAuthWorld({ seed: 2 });
    expect(a.apps.tidemark.clientId).toBe(b.apps.tidemark.clientId);
    expect(a.apps.serviceAccounts[0]!.clientId).toBe(b.apps.serviceAccounts[0]!.clientId);
    expect(a.apps.tidemark.clientId).not.toBe(c.apps.tidemark.clientId);
    expect(a.apps.tidemark.clientSecret).not.toBe(b.apps.tidemark.clientSecret);
    const world = buildAuthWorld({ seed: 3 }).world;
    world.apps.clear();
    world.serviceAccounts.clear();
    const fixed = registerDemoApps(world, { clientSecret: 'fixed-secret-for-a-demo-config' })!;
    expect(fixed.tidemark.clientSecret).toBe('fixed-secret-for-a-demo-config');
    expect(fixed.tidemark.callbackUrl).toBe(DEFAULT_DEMO_CALLBACK_URL);
  });

  it('register nothing in a world without the demo admin', () => {
    const world = emptyWorld(5);
    expect(registerDemoApps(world)).toBeUndefined();
    expect(world.apps.size).toBe(0);
  });

  it('refuse duplicate client ids and unknown sites', () => {
    const t = buildAuthWorld();
    expect(() =>
      registerServiceAccount(t.world, { accountId: t.service.accountId, clientId: t.apps.tidemark.clientId }),
    ).toThrow(/already registered/);
    expect(() => registerServiceAccount(t.world, { accountId: t.service.accountId, cloudIds: ['nope'] })).toThrow(
      /unknown sites/,
    );
  });
});

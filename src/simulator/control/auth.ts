/**
 * Control API of the auth server (/__sim/…, only when control is enabled). Everything here is for
 * tests and demos: it returns client secrets, which is acceptable only because every credential
 * of the simulator is simulated.
 *
 *   GET  /__sim/apps                     registered apps and service-account credentials, with secrets
 *   POST /__sim/apps                     register a 3LO app {name, callbackUrl, ownerAccountId | ownerEmail, distributed?, scopes?, clientId?, clientSecret?}
 *   PUT  /__sim/apps/{clientId}          change {name?, callbackUrl?, distributed?, scopes?}
 *   POST /__sim/service-accounts         create a credential {accountId | email, scopes?, cloudIds?, clientId?, clientSecret?}
 *   POST /__sim/auth/tokens              3LO tokens without the consent page {clientId, accountId | email, scopes?, cloudIds?}
 *   GET  /__sim/auth/grants?clientId&accountId   a grant's scopes and sites
 *   POST /__sim/auth/grants/revoke       revoke a grant and its tokens {clientId, accountId | email}
 *   GET  /__sim/auth/settings            token lifetimes and policies
 *   PUT  /__sim/auth/settings            change them (partial)
 */
import { jsonResponse } from '../http/respond.js';
import type { ControlHandler, JiraSimulator } from '../simulator.js';
import type { OAuthApp, ServiceAccountCredential } from '../world/types.js';
import {
  findAccountByLoginEmail,
  registerApp,
  registerServiceAccount,
  updateApp,
  type AppInput,
  type ServiceAccountInput,
} from '../auth/apps.js';
import { AuthConfigError } from '../auth/errors.js';
import { simAuth } from '../auth/service.js';

class ControlError extends Error {}

export function authControl(sim: JiraSimulator): ControlHandler {
  return async (method, path, req) => {
    const route = `${method} ${path.replace(/\/apps\/[^/]+$/, '/apps/{clientId}')}`;
    const known = [
      'GET /apps',
      'POST /apps',
      'PUT /apps/{clientId}',
      'POST /service-accounts',
      'POST /auth/tokens',
      'GET /auth/grants',
      'POST /auth/grants/revoke',
      'GET /auth/settings',
      'PUT /auth/settings',
    ];
    if (!known.includes(route)) return undefined;
    try {
      const auth = simAuth(sim);
      const world = sim.world;
      switch (route) {
        case 'GET /apps':
          return jsonResponse(200, {
            apps: [...world.apps.values()].map(appView),
            serviceAccounts: [...world.serviceAccounts.values()].map(credentialView),
          });
        case 'POST /apps': {
          const body = await readObject(req);
          const input: AppInput = {
            name: str(body, 'name'),
            callbackUrl: str(body, 'callbackUrl'),
            ownerAccountId: accountIdFrom(body, 'ownerAccountId', 'ownerEmail'),
          };
          if (body.distributed !== undefined) input.distributed = bool(body, 'distributed');
          if (body.scopes !== undefined) input.scopes = strings(body, 'scopes');
          if (body.clientId !== undefined) input.clientId = str(body, 'clientId');
          if (body.clientSecret !== undefined) input.clientSecret = str(body, 'clientSecret');
          return jsonResponse(201, appView(registerApp(world, input)));
        }
        case 'PUT /apps/{clientId}': {
          const clientId = decodeURIComponent(path.slice('/apps/'.length));
          const body = await readObject(req);
          const patch: Parameters<typeof updateApp>[2] = {};
          if (body.name !== undefined) patch.name = str(body, 'name');
          if (body.callbackUrl !== undefined) patch.callbackUrl = str(body, 'callbackUrl');
          if (body.distributed !== undefined) patch.distributed = bool(body, 'distributed');
          if (body.scopes !== undefined) patch.scopes = strings(body, 'scopes');
          if (!world.apps.has(clientId)) return jsonResponse(404, { error: `no app with clientId ${clientId}` });
          return jsonResponse(200, appView(updateApp(world, clientId, patch)));
        }
        case 'POST /service-accounts': {
          const body = await readObject(req);
          const input: ServiceAccountInput = { accountId: accountIdFrom(body, 'accountId', 'email') };
          if (body.scopes !== undefined) input.scopes = strings(body, 'scopes');
          if (body.cloudIds !== undefined) input.cloudIds = strings(body, 'cloudIds');
          if (body.clientId !== undefined) input.clientId = str(body, 'clientId');
          if (body.clientSecret !== undefined) input.clientSecret = str(body, 'clientSecret');
          return jsonResponse(201, credentialView(registerServiceAccount(world, input)));
        }
        case 'POST /auth/tokens': {
          const body = await readObject(req);
          const input: Parameters<typeof auth.issueTokens>[0] = {
            clientId: str(body, 'clientId'),
            accountId: accountIdFrom(body, 'accountId', 'email'),
          };
          if (body.scopes !== undefined) input.scopes = strings(body, 'scopes');
          if (body.cloudIds !== undefined) input.cloudIds = strings(body, 'cloudIds');
          return jsonResponse(200, auth.issueTokens(input), { 'cache-control': 'no-store' });
        }
        case 'GET /auth/grants': {
          const q = new URL(req.url).searchParams;
          const grant = auth.grant(q.get('clientId') ?? '', q.get('accountId') ?? '');
          if (!grant) return jsonResponse(404, { error: 'no such grant' });
          return jsonResponse(200, {
            clientId: grant.clientId,
            accountId: grant.accountId,
            scopes: grant.scopes,
            cloudIds: [...grant.cloudIds],
            createdAt: grant.createdAt,
            updatedAt: grant.updatedAt,
          });
        }
        case 'POST /auth/grants/revoke': {
          const body = await readObject(req);
          const revoked = auth.revokeGrant(str(body, 'clientId'), accountIdFrom(body, 'accountId', 'email'));
          return revoked ? jsonResponse(200, { revoked: true }) : jsonResponse(404, { error: 'no such grant' });
        }
        case 'GET /auth/settings':
          return jsonResponse(200, auth.settings);
        case 'PUT /auth/settings':
          return jsonResponse(200, auth.configure(await readObject(req)));
      }
      return undefined;
    } catch (e) {
      if (e instanceof ControlError || e instanceof AuthConfigError) return jsonResponse(400, { error: e.message });
      throw e;
    }
  };

  function accountIdFrom(body: Record<string, unknown>, idKey: string, emailKey: string): string {
    if (body[idKey] !== undefined) return str(body, idKey);
    if (body[emailKey] !== undefined) {
      const account = findAccountByLoginEmail(sim.world, str(body, emailKey));
      if (!account) throw new ControlError(`no account with login e-mail ${String(body[emailKey])}`);
      return account.accountId;
    }
    throw new ControlError(`${idKey} or ${emailKey} is required`);
  }
}

function appView(app: OAuthApp): Record<string, unknown> {
  return {
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    name: app.name,
    callbackUrl: app.callbackUrl,
    ownerAccountId: app.ownerAccountId,
    distributed: app.distributed,
    scopes: app.scopes,
  };
}

function credentialView(cred: ServiceAccountCredential): Record<string, unknown> {
  return {
    clientId: cred.clientId,
    clientSecret: cred.clientSecret,
    accountId: cred.accountId,
    scopes: cred.scopes,
    cloudIds: cred.cloudIds,
  };
}

async function readObject(req: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(await req.text());
  } catch {
    throw new ControlError('the body must be a JSON object');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ControlError('the body must be a JSON object');
  return body as Record<string, unknown>;
}

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string') throw new ControlError(`${key} must be a string`);
  return v;
}

function bool(body: Record<string, unknown>, key: string): boolean {
  const v = body[key];
  if (typeof v !== 'boolean') throw new ControlError(`${key} must be a boolean`);
  return v;
}

function strings(body: Record<string, unknown>, key: string): string[] {
  const v = body[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new ControlError(`${key} must be an array of strings`);
  return v as string[];
}

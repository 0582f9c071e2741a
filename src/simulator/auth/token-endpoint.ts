/**
 * POST /oauth/token of the auth host. Atlassian documents a JSON body; form-encoded bodies (RFC
 * 6749) are accepted too, and so is HTTP Basic client authentication. Errors are OAuth error
 * objects {"error","error_description"}: invalid_request 400, invalid_client 401,
 * unauthorized_client 400, unsupported_grant_type 400, invalid_scope 400, invalid_grant 403.
 */
import { oauthError, SimHttpError } from '../http/errors.js';
import { jsonResponse } from '../http/respond.js';
import { parseScopeParam } from './scopes.js';
import type { TokenAuthority } from './tokens.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export async function tokenEndpoint(req: Request, tokens: TokenAuthority): Promise<Response> {
  try {
    const params = await readParams(req);
    const basic = basicCredentials(req.headers.get('authorization'));
    const clientId = params.client_id ?? basic?.id ?? '';
    const clientSecret = params.client_secret ?? basic?.secret ?? '';
    const grantType = params.grant_type;
    let body: unknown;
    switch (grantType) {
      case 'authorization_code':
        body = tokens.exchangeCode({
          clientId,
          clientSecret,
          code: params.code ?? '',
          redirectUri: params.redirect_uri ?? '',
        });
        break;
      case 'refresh_token':
        body = tokens.refresh({ clientId, clientSecret, refreshToken: params.refresh_token ?? '' });
        break;
      case 'client_credentials': {
        const input: Parameters<TokenAuthority['clientCredentials']>[0] = { clientId, clientSecret };
        if (params.scope) input.scope = parseScopeParam(params.scope);
        body = tokens.clientCredentials(input);
        break;
      }
      case undefined:
      case '':
        throw oauthError(400, 'invalid_request', 'grant_type is required');
      default:
        throw oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
    }
    return jsonResponse(200, body, NO_STORE);
  } catch (e) {
    if (e instanceof SimHttpError) return jsonResponse(e.status, e.body, { ...NO_STORE, ...e.headers });
    throw e;
  }
}

/** The body as string parameters, from JSON or form encoding. Non-string JSON values are refused. */
async function readParams(req: Request): Promise<Record<string, string | undefined>> {
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  const text = await req.text();
  if (type.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      if (k in out) throw oauthError(400, 'invalid_request', `The parameter ${k} appears more than once.`);
      out[k] = v;
    }
    return out;
  }
  if (text.trim() === '') throw oauthError(400, 'invalid_request', 'The request body is empty.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw oauthError(400, 'invalid_request', 'The request body is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw oauthError(400, 'invalid_request', 'The request body must be a JSON object.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string') throw oauthError(400, 'invalid_request', `The parameter ${k} must be a string.`);
    out[k] = v;
  }
  return out;
}

function basicCredentials(header: string | null): { id: string; secret: string } | undefined {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

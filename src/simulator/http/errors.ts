/**
 * Error responses shaped like Atlassian's. Route handlers throw SimHttpError; the gateway turns it
 * into a response. Jira REST uses ErrorCollection; the auth server uses OAuth error objects; the
 * API gateway uses {code, message}.
 */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body !== null ? JSON.stringify(body) : String(body));
    this.name = 'SimHttpError';
  }
}

/** Jira's ErrorCollection: {errorMessages, errors}. */
export function jiraError(
  status: number,
  errorMessages: string[] = [],
  errors: Record<string, string> = {},
): SimHttpError {
  return new SimHttpError(status, { errorMessages, errors });
}

export const notFound = (what = 'Issue does not exist or you do not have permission to see it.'): SimHttpError =>
  jiraError(404, [what]);

export const badRequest = (message: string, errors: Record<string, string> = {}): SimHttpError =>
  jiraError(400, message ? [message] : [], errors);

export const forbidden = (message = 'You do not have permission to perform this action.'): SimHttpError =>
  jiraError(403, [message]);

/** The API gateway's own errors (api.atlassian.com), e.g. {"code":401,"message":"Unauthorized; scope does not match"}. */
export function gatewayError(status: number, message: string): SimHttpError {
  return new SimHttpError(status, { code: status, message });
}

/** OAuth 2.0 token-endpoint errors (auth.atlassian.com). */
export function oauthError(status: number, error: string, description: string): SimHttpError {
  return new SimHttpError(status, { error, error_description: description });
}

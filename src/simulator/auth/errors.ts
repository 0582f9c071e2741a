/**
 * A refused registration, setting or test-token request of the simulated auth server (bad input
 * from a test or the control API, which answers 400 with its message). Not an HTTP error of the
 * simulated Atlassian hosts.
 */
export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

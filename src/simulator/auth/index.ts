export { SimAuthService, authPart, simAuth, type IssueTokensInput } from './service.js';
export type { TokenResponse, Grant } from './tokens.js';
export { DEFAULT_AUTH_SETTINGS, ABSOLUTE_LIFETIME_365_DAYS, mergeAuthSettings, type AuthSettings } from './settings.js';
export {
  registerApp,
  updateApp,
  registerServiceAccount,
  registerDemoApps,
  demoApp,
  serviceAccountsOf,
  findAccountByLoginEmail,
  DEMO_ADMIN_EMAIL,
  DEMO_USER_EMAIL,
  DEMO_APP_NAME,
  DEV_APP_NAME,
  DEFAULT_DEMO_CALLBACK_URL,
  SERVICE_ACCOUNT_SCOPES,
  type AppInput,
  type ServiceAccountInput,
  type DemoApps,
  type DemoAppOptions,
} from './apps.js';
export { TIDEMARK_SCOPES, describeScope, isKnownScope, isIdentityScope, parseScopeParam } from './scopes.js';
export { AUDIENCE, SESSION_COOKIE } from './authorize.js';
export { REPORT_ACCOUNTS_MAX } from './api-host.js';
export { AuthConfigError } from './errors.js';

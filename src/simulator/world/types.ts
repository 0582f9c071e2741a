/**
 * The simulated world: Atlassian accounts, OAuth apps, and Jira sites. This file holds the parts
 * every simulator component shares (identity and sites); the Jira content of a site (projects,
 * issues, configuration, agile, JSM) is described in world/site.ts.
 */
import type { SiteData } from './site.js';

export type AccountType = 'atlassian' | 'app' | 'customer';

/** An Atlassian account. Accounts are global: one account can belong to several sites. */
export interface Account {
  accountId: string;
  accountType: AccountType;
  displayName: string;
  /** Null when the profile hides it. */
  emailAddress: string | null;
  active: boolean;
  timeZone: string;
  locale: string;
  /** Simulator-only: the e-mail used at the simulated login (may differ from the visible one). */
  loginEmail: string;
  /**
   * Simulator-only: when the profile (name, e-mail, avatar…) last changed, in ms. The personal-data
   * reporting API answers `updated` for an account changed after the app's `updatedAt`. Absent:
   * unchanged since the world was built.
   */
  profileUpdatedAt?: number;
}

/** An OAuth 2.0 (3LO) app registered in the simulated developer console. */
export interface OAuthApp {
  clientId: string;
  /** Stored as given; the simulator is the authorization server and must compare it. */
  clientSecret: string;
  name: string;
  /** The single callback URL an app may have. */
  callbackUrl: string;
  ownerAccountId: string;
  /** Sharing enabled in the developer console; an unshared app works only for its owner. */
  distributed: boolean;
  /** Scopes configured for the app; an authorize request may ask only for these. */
  scopes: string[];
}

/** An OAuth 2.0 client-credentials credential of a service account (created by an org admin). */
export interface ServiceAccountCredential {
  clientId: string;
  clientSecret: string;
  /** The service account (accountType 'app') that calls are attributed to. */
  accountId: string;
  scopes: string[];
  /** Sites the credential may reach. */
  cloudIds: string[];
}

export type JiraProduct = 'jira-software' | 'jira-servicedesk' | 'jira-core';

export interface Site {
  cloudId: string;
  /** Short name, e.g. "acme" for acme.atlassian.net. */
  name: string;
  /** The site's browse URL (simulated atlassian.net host). */
  url: string;
  products: JiraProduct[];
  /** Accounts with Jira access on this site. */
  members: Set<string>;
  /** Accounts holding the Administer Jira global permission. */
  admins: Set<string>;
  /**
   * JSM portal customers (accountType 'customer') of this site. They raise requests and comment
   * on them through the portal but have no Jira access, so they are not `members`.
   */
  customers?: Set<string>;
  /** Jira content: configuration, projects, issues, agile, JSM. */
  data: SiteData;
}

export interface World {
  seed: number;
  accounts: Map<string, Account>;
  apps: Map<string, OAuthApp>;
  serviceAccounts: Map<string, ServiceAccountCredential>;
  sites: Map<string, Site>;
}

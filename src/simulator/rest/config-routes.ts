/**
 * Every configuration read of the simulator (the `config` group of the required operations):
 * projects, issue types, fields, statuses and workflows, screens, schemes, users and groups,
 * filters and dashboards, and the remaining site configuration.
 */
import type { RouteTable } from '../http/route-table.js';
import { registerFieldConfigRoutes } from './config-fields.js';
import { registerFilterConfigRoutes } from './config-filters.js';
import { registerIssueTypeConfigRoutes } from './config-issuetypes.js';
import { registerMiscConfigRoutes } from './config-misc.js';
import { registerProjectConfigRoutes } from './config-projects.js';
import { registerSchemeConfigRoutes } from './config-schemes.js';
import { registerScreenConfigRoutes } from './config-screens.js';
import { registerUserConfigRoutes } from './config-users.js';
import { registerWorkflowConfigRoutes } from './config-workflows.js';

export function registerConfigRoutes(table: RouteTable): void {
  registerProjectConfigRoutes(table);
  registerIssueTypeConfigRoutes(table);
  registerFieldConfigRoutes(table);
  registerWorkflowConfigRoutes(table);
  registerScreenConfigRoutes(table);
  registerSchemeConfigRoutes(table);
  registerUserConfigRoutes(table);
  registerFilterConfigRoutes(table);
  registerMiscConfigRoutes(table);
}

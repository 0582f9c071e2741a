/**
 * Every write route family of the platform API (docs/design.md §5.15), registered together.
 */
import type { RouteTable } from '../http/route-table.js';
import { registerAttachmentWriteRoutes } from './attachments-write.js';
import { registerCommentWorklogWriteRoutes } from './comments-worklogs-write.js';
import { registerConfigWriteRoutes } from './config-write.js';
import { registerIssueWriteRoutes } from './issues-write.js';
import { registerLinkWriteRoutes } from './links-write.js';
import { registerSocialWriteRoutes } from './social-write.js';

export function registerWriteRoutes(table: RouteTable): void {
  registerIssueWriteRoutes(table);
  registerCommentWorklogWriteRoutes(table);
  registerAttachmentWriteRoutes(table);
  registerLinkWriteRoutes(table);
  registerSocialWriteRoutes(table);
  registerConfigWriteRoutes(table);
}

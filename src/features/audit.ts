import type { App } from '../app';
import { AuditLogResolver } from '../resolvers/audit/auditLog.resolver';
import { AuditLog } from '../services/audit/auditLog';
import type { AuditServices } from '../services/audit/auditServices';
import { auditIndexes } from '../services/audit/indexes';
import { defineFeature, type WiredFeature } from './feature';

/**
 * The audit log: every mutation an operator or admin sends (recorded once for all, around the
 * schema's Mutation fields: server/auditMutations.ts) and every CLI command, for admins to read.
 */
export const auditFeature = defineFeature({
  name: 'audit',
  services: (app: App): AuditServices => ({ auditLog: new AuditLog(app.db, app.logger) }),
  resolvers: [AuditLogResolver],
  indexes: auditIndexes,
});

/** The audit log of a wired app, when the audit feature is one of its features. */
export function auditLogOf(features: readonly WiredFeature[]): AuditLog | undefined {
  return (features.find(({ feature }) => feature === auditFeature)?.services as AuditServices | undefined)?.auditLog;
}

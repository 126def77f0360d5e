import type { AuditLog } from './auditLog';

/** The services of the audit log, built once per app by its feature. */
export interface AuditServices {
  auditLog: AuditLog;
}

import type { IndexDeclaration } from '../../datasources/store/indexes';
import { AUDIT_LOG_COLLECTION } from './auditLog';

/** Indexes of the audit log. */
export const auditIndexes: IndexDeclaration[] = [
  // auditLog(filter, first, after): newest first, by key id, by key name or by operation.
  { collection: AUDIT_LOG_COLLECTION, key: { at: -1, _id: -1 } },
  { collection: AUDIT_LOG_COLLECTION, key: { keyId: 1, at: -1, _id: -1 } },
  { collection: AUDIT_LOG_COLLECTION, key: { keyName: 1, at: -1, _id: -1 } },
  { collection: AUDIT_LOG_COLLECTION, key: { operation: 1, at: -1, _id: -1 } },
];

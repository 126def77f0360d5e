import { SMS_OUTBOX_COLLECTION } from '../../datasources/sms/port';
import type { IndexDeclaration } from '../../datasources/store/indexes';
import { CLICK_REJECTS } from '../clicks/clickModels';

/**
 * What the retention sweep and `health { retention }` read by age, where the collection's own
 * indexes do not serve it (the outbox, notifications, jobs and waves have one already).
 */
export const retentionIndexes: IndexDeclaration[] = [
  // Texts sent before the cutoff; the oldest text.
  { collection: SMS_OUTBOX_COLLECTION, key: { sentAt: 1 } },
  // Click rows rejected before the cutoff, whatever their business unit; the oldest.
  { collection: CLICK_REJECTS, key: { at: 1 } },
];

import type { IndexDeclaration } from '../../../datasources/store/indexes';
import { CODES } from '../model';

/** Indexes of code assignment and wave reservations, beside the model's (../indexes.ts). */
export const codeIndexes: IndexDeclaration[] = [
  // A fan's assigned codes: a claim whose entry write a crash cut off is found and finished.
  {
    collection: CODES,
    key: { entryId: 1 },
    options: { partialFilterExpression: { state: 'ASSIGNED' }, name: 'assigned_by_entry' },
  },
  // A wave's reserved codes: counted, released, and assigned to the wave's fans.
  {
    collection: CODES,
    key: { waveId: 1 },
    options: { partialFilterExpression: { state: 'RESERVED' }, name: 'reserved_by_wave' },
  },
];

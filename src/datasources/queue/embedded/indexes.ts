import type { IndexDeclaration } from '../../store/indexes';
import { DEDUPLICATION, MESSAGES } from './documents';

/** Indexes of the embedded queue engine (applied with the features' indexes at start-up). */
export const queueIndexes: IndexDeclaration[] = [
  // Receive on a standard queue: visible messages, earliest first; also stats and the long
  // poll's next-visible time.
  { collection: MESSAGES, key: { queue: 1, visibleAt: 1 } },
  // Stats: delayed messages (never received, not visible yet) counted from index entries alone,
  // never reading a message's body.
  { collection: MESSAGES, key: { queue: 1, receiveCount: 1, visibleAt: 1 } },
  // FIFO receive: messages in send order (also dead letters, oldest first), and each group's head.
  { collection: MESSAGES, key: { queue: 1, _id: 1 } },
  { collection: MESSAGES, key: { queue: 1, groupId: 1, _id: 1 } },
  // FIFO deduplication ids live 5 minutes: expiresAt is set 5 minutes ahead.
  { collection: DEDUPLICATION, key: { expiresAt: 1 }, options: { expireAfterSeconds: 0 } },
];

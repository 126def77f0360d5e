import { OUTBOX_COLLECTION, type OutboxDocument } from '../../datasources/messaging/port';
import type { Db } from '../../datasources/store';
import { paginate, type Page, type PageArgs } from '../pagination';

/** The messages handed to the messaging port, as the outbox engine keeps them. */
export class OutboxMessages {
  constructor(private readonly db: Db) {}

  /** Newest first. */
  page<N>(page: PageArgs, toNode: (doc: OutboxDocument) => N): Promise<Page<N>> {
    return paginate(this.db.collection<OutboxDocument>(OUTBOX_COLLECTION), {}, page, {
      sortField: 'createdAt',
      direction: -1,
      toNode,
    });
  }
}

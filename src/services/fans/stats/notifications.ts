import { NOTIFICATIONS_COLLECTION, type NotificationDocument } from '../../../datasources/notifier/port';
import type { Db } from '../../../datasources/store';
import { paginate, type Page, type PageArgs } from '../../pagination';

/** What the notifier port delivered (or tried to), as either engine records it. */
export class NotificationLog {
  constructor(private readonly db: Db) {}

  /** Newest first. */
  page<N>(page: PageArgs, toNode: (doc: NotificationDocument) => N): Promise<Page<N>> {
    return paginate(this.db.collection<NotificationDocument>(NOTIFICATIONS_COLLECTION), {}, page, {
      sortField: 'at',
      direction: -1,
      toNode,
    });
  }
}

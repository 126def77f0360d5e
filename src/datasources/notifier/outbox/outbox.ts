import { randomUUID } from 'node:crypto';
import type { Db } from '../../store';
import {
  NOTIFICATIONS_COLLECTION,
  type Notification,
  type NotificationDocument,
  type NotifierPort,
  type NotifyResult,
} from '../port';

/** The embedded engine: delivering is writing the message to the `notifications` collection. */
export class OutboxNotifier implements NotifierPort {
  readonly engine = 'outbox' as const;

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async notify(notification: Notification): Promise<NotifyResult> {
    const now = this.clock();
    const id = randomUUID();
    await this.db.collection<NotificationDocument>(NOTIFICATIONS_COLLECTION).insertOne({
      _id: id,
      engine: 'outbox',
      status: 'SENT',
      text: notification.text,
      blocks: notification.blocks ?? null,
      metadata: notification.metadata,
      at: now,
      attempts: 0,
      sentAt: now,
      error: null,
    });
    return { id };
  }
}

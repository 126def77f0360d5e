import type { Db } from '../../store';
import {
  OUTBOX_COLLECTION,
  isDuplicateKeyError,
  type MessagingPort,
  type OutboundMessage,
  type OutboxDocument,
  type SendOptions,
  type SendResult,
} from '../port';

/**
 * The embedded engine: delivering is writing to the `outbox` collection, keyed by the
 * idempotency key, so a repeated send hits the unique _id and changes nothing.
 */
export class OutboxMessaging implements MessagingPort {
  readonly engine = 'outbox' as const;

  constructor(
    private readonly db: Db,
    private readonly defaultFrom?: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async send(message: OutboundMessage, { idempotencyKey }: SendOptions): Promise<SendResult> {
    const now = this.clock();
    const entry: OutboxDocument = {
      ...message,
      from: message.from ?? this.defaultFrom,
      _id: idempotencyKey,
      engine: 'outbox',
      status: 'SENT',
      createdAt: now,
      sentAt: now,
    };
    try {
      await this.db.collection<OutboxDocument>(OUTBOX_COLLECTION).insertOne(entry);
      return { id: idempotencyKey, status: 'SENT', duplicate: false };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.db.collection<OutboxDocument>(OUTBOX_COLLECTION).findOne({ _id: idempotencyKey });
      return { id: idempotencyKey, status: existing?.status === 'SENT' ? 'SENT' : 'UNCERTAIN', duplicate: true };
    }
  }
}

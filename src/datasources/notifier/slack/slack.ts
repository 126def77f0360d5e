import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../logger';
import type { Db } from '../../store';
import {
  NOTIFICATIONS_COLLECTION,
  NotifierError,
  type Notification,
  type NotificationDocument,
  type NotifierPort,
  type NotifyResult,
} from '../port';
import { postToWebhook, type WebhookRetryPolicy } from './webhook';

export interface SlackNotifierOptions {
  /** The incoming webhook (SLACK_WEBHOOK_URL): a secret, kept only here. */
  webhookUrl: string;
  db: Db;
  logger: Logger;
  retry: WebhookRetryPolicy;
  clock?: () => Date;
}

/**
 * A Slack incoming webhook. The `notifications` collection is its record: the message is
 * written first (SENDING), then posted, then marked SENT or FAILED with Slack's reason, so the
 * GraphQL `notifications` list reads the same whichever engine runs.
 */
export class SlackNotifier implements NotifierPort {
  readonly engine = 'slack' as const;
  private readonly clock: () => Date;

  constructor(private readonly options: SlackNotifierOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async notify(notification: Notification): Promise<NotifyResult> {
    const id = randomUUID();
    const notifications = this.options.db.collection<NotificationDocument>(NOTIFICATIONS_COLLECTION);
    await notifications.insertOne({
      _id: id,
      engine: 'slack',
      status: 'SENDING',
      text: notification.text,
      blocks: notification.blocks ?? null,
      metadata: notification.metadata,
      at: this.clock(),
      attempts: 0,
      sentAt: null,
      error: null,
    });
    const body = notification.blocks
      ? { text: notification.text, blocks: notification.blocks }
      : { text: notification.text };
    const logger = this.options.logger.child({ notificationId: id });
    const tally = { attempts: 0 };
    try {
      await postToWebhook({ url: this.options.webhookUrl, body }, this.options.retry, logger, tally);
      await notifications.updateOne(
        { _id: id },
        { $set: { status: 'SENT', attempts: tally.attempts, sentAt: this.clock() } },
      );
      return { id };
    } catch (error) {
      const reason = error instanceof NotifierError ? error.message : String(error);
      await notifications.updateOne(
        { _id: id },
        { $set: { status: 'FAILED', attempts: tally.attempts, error: reason } },
      );
      logger.error({ reason }, 'Slack notification not delivered');
      throw error;
    }
  }
}

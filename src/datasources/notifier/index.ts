import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { Db } from '../store';
import { OutboxNotifier } from './outbox/outbox';
import type { NotifierPort } from './port';
import { SlackNotifier } from './slack/slack';

export * from './port';
export { OutboxNotifier } from './outbox/outbox';
export { SlackNotifier } from './slack/slack';
export { postToWebhook, retryAfterMs, type WebhookRetryPolicy } from './slack/webhook';

/** The Slack engine's waits: long enough for Slack's per-second limit, short enough for a job. */
const SLACK_RETRY = { baseDelayMs: 1000, maxDelayMs: 60_000, requestTimeoutMs: 10_000 };

/**
 * The notifier engine: the Slack incoming webhook when SLACK_WEBHOOK_URL is set, else the
 * embedded outbox (the `notifications` collection, readable through GraphQL).
 */
export function createNotifierPort(config: Config, db: Db, logger: Logger): NotifierPort {
  if (!config.SLACK_WEBHOOK_URL) return new OutboxNotifier(db);
  return new SlackNotifier({
    webhookUrl: config.SLACK_WEBHOOK_URL,
    db,
    logger,
    retry: { attempts: config.SLACK_RETRY_ATTEMPTS, ...SLACK_RETRY },
  });
}

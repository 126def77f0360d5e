/**
 * The notifier port: short messages for the people who run campaigns (Slack), separate from the
 * e-mail and SMS messaging that reaches fans. Engines: a Slack incoming webhook, or the embedded
 * outbox (the `notifications` collection, readable through GraphQL) when none is configured.
 */
export interface Notification {
  /** Plain text with Slack's mrkdwn; the fallback when blocks cannot be shown. */
  text: string;
  /** Slack Block Kit blocks, passed through as given. */
  blocks?: unknown[];
  /** What the message is about, kept with it (campaignId, jobId, kind...). */
  metadata: Record<string, string>;
}

export type NotifierEngine = 'slack' | 'outbox';

export interface NotifyResult {
  /** The message's entry in the `notifications` collection. */
  id: string;
}

export interface NotifierPort {
  readonly engine: NotifierEngine;
  /** Delivers the message (retrying as the engine allows); throws NotifierError when it could not. */
  notify(notification: Notification): Promise<NotifyResult>;
}

/**
 * Every engine's record of what it delivered, so both are readable the same way: the outbox
 * engine's delivery is this document; the Slack engine writes it before posting (SENDING) and
 * marks it SENT or FAILED after.
 */
export interface NotificationDocument {
  _id: string;
  engine: NotifierEngine;
  status: 'SENDING' | 'SENT' | 'FAILED';
  text: string;
  blocks: unknown[] | null;
  metadata: Record<string, string>;
  /** When it was handed to the port. */
  at: Date;
  /** HTTP requests made (0 for the outbox). */
  attempts: number;
  sentAt: Date | null;
  /** Why it failed: Slack's answer (`invalid_payload`, `channel_is_archived`...) or the network error. */
  error: string | null;
}

export const NOTIFICATIONS_COLLECTION = 'notifications';

/** A message the engine could not deliver. `permanent`: sending it again cannot help (a 4xx). */
export class NotifierError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'NotifierError';
  }
}

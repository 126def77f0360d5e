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

export interface NotifierPort {
  readonly engine: 'slack' | 'outbox';
  /** Delivers the message (retrying as the engine allows); throws when it could not. */
  notify(notification: Notification): Promise<void>;
}

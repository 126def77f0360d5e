import { JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { NotificationDocument } from '../../datasources/notifier/port';
import { Connection } from '../connection';

export enum NotificationStatus {
  SENDING = 'SENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}

registerEnumType(NotificationStatus, {
  name: 'NotificationStatus',
  description:
    'SENDING while the Slack webhook is called (left so if the process stopped meanwhile); ' +
    'SENT; FAILED with the reason in `error`',
});

@ObjectType({
  description: 'A team notice handed to the notifier port (Slack, or only kept here when SLACK_WEBHOOK_URL is unset)',
})
export class Notification {
  @Field(() => ID) id!: string;
  @Field({ description: 'slack or outbox' }) engine!: string;
  @Field(() => NotificationStatus) status!: NotificationStatus;
  @Field({ description: "The message in Slack's mrkdwn" }) text!: string;
  @Field(() => JSONResolver, { nullable: true, description: 'Slack Block Kit blocks, as sent' })
  blocks!: unknown[] | null;
  @Field(() => JSONObjectResolver, { description: 'What it is about (kind, campaignId, jobId)' })
  metadata!: Record<string, string>;
  @Field(() => DateTime) at!: Date;
  @Field(() => Int, { description: 'HTTP requests made to Slack (0 for the outbox)' }) attempts!: number;
  @Field(() => DateTime, { nullable: true }) sentAt!: Date | null;
  @Field(() => String, { nullable: true, description: "Why it failed (Slack's answer, e.g. invalid_payload)" })
  error!: string | null;

  static fromDocument(doc: NotificationDocument): Notification {
    return Object.assign(new Notification(), {
      id: doc._id,
      engine: doc.engine,
      status: doc.status as NotificationStatus,
      text: doc.text,
      blocks: doc.blocks ?? null,
      metadata: doc.metadata ?? {},
      at: doc.at,
      attempts: doc.attempts ?? 0,
      sentAt: doc.sentAt ?? null,
      error: doc.error ?? null,
    });
  }
}

@ObjectType()
export class NotificationConnection extends Connection(Notification, 'Notification') {}

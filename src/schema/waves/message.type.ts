import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { WaveMessageDoc } from '../../services/waves/model';
import { Connection } from '../connection';

export enum WaveMessageStatus {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  UNDELIVERED = 'UNDELIVERED',
  FAILED = 'FAILED',
  UNCERTAIN = 'UNCERTAIN',
  EXPIRED = 'EXPIRED',
  SKIPPED = 'SKIPPED',
  FALLBACK_EMAIL = 'FALLBACK_EMAIL',
}
registerEnumType(WaveMessageStatus, {
  name: 'WaveMessageStatus',
  description:
    'PENDING -> SENDING (claimed) -> SENT -> DELIVERED | UNDELIVERED | FAILED; or EXPIRED, SKIPPED, FALLBACK_EMAIL; ' +
    'UNCERTAIN: a crash or timeout left the send unknown until a receipt, the provider or an operator settles it',
});

@ObjectType({ description: "One recipient's text of a wave and where it stands (docs/pipelines/waves-sending.md)" })
export class WaveMessage {
  @Field(() => ID, { description: 'waveId:row, also the idempotency key the text went with' }) id!: string;
  @Field(() => ID) waveId!: string;
  @Field(() => Int, { description: 'Its line in the wave file' }) row!: number;
  @Field(() => WaveMessageStatus) status!: WaveMessageStatus;
  @Field(() => String, { nullable: true, description: 'E.164; masked (+1******2671) unless the key is an OPERATOR' })
  phone!: string | null;
  @Field(() => String, { nullable: true, description: 'Masked (j***@example.com) unless the key is an OPERATOR' })
  email!: string | null;
  @Field(() => String, { nullable: true }) market!: string | null;
  @Field({ description: 'IANA time zone its quiet hours follow' }) timeZone!: string;
  @Field({ description: 'The rendered text' }) text!: string;
  @Field(() => Int) segments!: number;
  @Field(() => Int, { description: 'Provider calls tried' }) attempts!: number;
  @Field(() => String, { nullable: true, description: "The provider's id of the text once accepted" })
  providerMessageId!: string | null;
  @Field(() => String, { nullable: true, description: "The provider's error code (21610, 30007...)" })
  errorCode!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why it is where it is: OPTED_OUT, NO_PHONE, INVALID_RECIPIENT, THROTTLED, WORKER_LOST, CANCELLED...',
  })
  reason!: string | null;
  @Field(() => DateTime, { nullable: true, description: 'When a worker claimed it (or renewed its claim)' })
  claimedAt!: Date | null;
  @Field(() => DateTime, {
    nullable: true,
    description: 'Not tried again before this (an error that may pass)',
  })
  retryAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) sentAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => DateTime) updatedAt!: Date;

  static fromDocument(doc: WaveMessageDoc): WaveMessage {
    return Object.assign(new WaveMessage(), {
      id: doc._id,
      waveId: doc.waveId,
      row: doc.row,
      status: doc.status as WaveMessageStatus,
      phone: doc.phone,
      email: doc.email,
      market: doc.market,
      timeZone: doc.timeZone,
      text: doc.text,
      segments: doc.segments,
      attempts: doc.attempts ?? 0,
      providerMessageId: doc.providerMessageId,
      errorCode: doc.errorCode,
      reason: doc.reason,
      claimedAt: doc.claimedAt,
      retryAt: doc.retryAt ?? null,
      sentAt: doc.sentAt,
      deliveredAt: doc.deliveredAt,
      updatedAt: doc.updatedAt,
    });
  }
}

@ObjectType()
export class WaveMessageConnection extends Connection(WaveMessage, 'WaveMessage') {}

export enum UncertainDecision {
  SEND_AGAIN = 'SEND_AGAIN',
  MARK_SENT = 'MARK_SENT',
}
registerEnumType(UncertainDecision, {
  name: 'UncertainDecision',
  description:
    'What an operator decides for UNCERTAIN texts the provider could not settle (aws has no lookup): SEND_AGAIN ' +
    'queues them again (a fan may get the text twice), MARK_SENT counts them as sent (a fan may have got none)',
});

@ObjectType({ description: 'What resolveUncertainMessages changed' })
export class UncertainResolution {
  @Field(() => ID) waveId!: string;
  @Field(() => UncertainDecision) decision!: UncertainDecision;
  @Field(() => Int, { description: 'UNCERTAIN messages moved (PENDING again, or SENT)' }) messages!: number;
}

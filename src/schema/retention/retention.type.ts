import { DateTime } from '../dateTime';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { RetentionStatus } from '../../services/retention/retention';

export enum RetentionKind {
  CLICK_EVENTS = 'CLICK_EVENTS',
  AGGREGATED_CLICK_EVENTS = 'AGGREGATED_CLICK_EVENTS',
  CAMPAIGN_EVENTS = 'CAMPAIGN_EVENTS',
  OUTBOX_MESSAGES = 'OUTBOX_MESSAGES',
  WAVE_MESSAGES = 'WAVE_MESSAGES',
  JOB_RECORDS = 'JOB_RECORDS',
  AUDIT_ENTRIES = 'AUDIT_ENTRIES',
  LAKE_FILES = 'LAKE_FILES',
}

registerEnumType(RetentionKind, {
  name: 'RetentionKind',
  description: 'A kind of data kept for a period (docs/operations.md#retention)',
  valuesConfig: {
    CLICK_EVENTS: { description: 'Raw click-log rows once processed, and rejected click rows' },
    AGGREGATED_CLICK_EVENTS: {
      description: 'Aggregated click events (clicks per subscriber, link, send and day); their figures stay',
    },
    CAMPAIGN_EVENTS: { description: "Campaign opens, clicks and conversions; the campaigns' figures stay" },
    OUTBOX_MESSAGES: { description: 'E-mail, SMS and notification outbox entries' },
    WAVE_MESSAGES: { description: 'Messages of waves that ended (sent, cancelled or failed)' },
    JOB_RECORDS: { description: 'Finished jobs' },
    AUDIT_ENTRIES: { description: 'Audit log entries' },
    LAKE_FILES: { description: 'Lake files: Avro records live and archived, campaign-event partitions' },
  },
});

@ObjectType({ description: 'One run of the retention sweep over one kind of data' })
export class RetentionSweep {
  @Field(() => DateTime)
  at!: Date;

  @Field(() => DateTime, { nullable: true, description: 'What was older went; null: kept for good' })
  cutoff!: Date | null;

  @Field(() => Int)
  deleted!: number;
}

@ObjectType('RetentionStatus', { description: 'How long one kind of data is kept, and its oldest item' })
export class RetentionStatusView {
  @Field(() => RetentionKind)
  kind!: RetentionKind;

  @Field({ description: 'The setting that sets the period' })
  setting!: string;

  @Field(() => Int, { nullable: true, description: 'Days kept; null: kept for good' })
  days!: number | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'Time of the oldest item kept (lake files: as the last sweep found it); null when there is none',
  })
  oldestAt!: Date | null;

  @Field(() => RetentionSweep, { nullable: true, description: 'The last sweep of this kind; null before the first' })
  lastSweep!: RetentionSweep | null;

  static from(status: RetentionStatus): RetentionStatusView {
    const lastSweep = status.lastSweep && Object.assign(new RetentionSweep(), status.lastSweep);
    return Object.assign(new RetentionStatusView(), { ...status, kind: RetentionKind[status.kind], lastSweep });
  }
}

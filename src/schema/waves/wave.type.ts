import { DateTime } from '../dateTime';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { expectedDurationSeconds } from '../../services/waves/lifecycle/waveRules';
import type { WaveConfig as WaveConfigDoc, WaveDoc, WaveReject as WaveRejectDoc } from '../../services/waves/model';
import { waveProgress } from '../../services/waves/queries/waveQueries';
import { Connection } from '../connection';
import { WaveCounts } from './counts.type';
import { SenderKind, SmsMessageType, WaveStatus } from './enums';

@ObjectType({ description: "A wave's settings, as checked at upload" })
export class WaveConfig {
  @Field(() => ID) campaignId!: string;
  @Field(() => DateTime) notifyDate!: Date;
  @Field() generateOfferCode!: boolean;
  @Field() messageTemplate!: string;
  @Field(() => String, { nullable: true }) emailSubjectTemplate!: string | null;
  @Field(() => String, { nullable: true }) emailTemplate!: string | null;
  @Field(() => Int) validitySeconds!: number;
  @Field(() => Float) segmentsPerSecond!: number;
  @Field() sender!: string;
  @Field(() => SenderKind) senderKind!: SenderKind;
  @Field(() => SmsMessageType) messageType!: SmsMessageType;
  @Field() brand!: string;

  static fromDocument(config: WaveConfigDoc): WaveConfig {
    return Object.assign(new WaveConfig(), {
      ...config,
      senderKind: config.senderKind as SenderKind,
      messageType: config.messageType as SmsMessageType,
    });
  }
}

@ObjectType({ description: 'A row of the wave file that was refused, with its line and why' })
export class WaveReject {
  @Field(() => Int) line!: number;
  @Field() reason!: string;

  static fromDocument(reject: WaveRejectDoc): WaveReject {
    return Object.assign(new WaveReject(), reject);
  }
}

@ObjectType()
export class WaveRejectConnection extends Connection(WaveReject, 'WaveReject') {}

@ObjectType({ description: 'An SMS wave of a fan campaign: one text per recipient row (docs/pipelines/waves.md)' })
export class Wave {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => WaveStatus) status!: WaveStatus;
  @Field(() => String, { nullable: true, description: 'Why it was paused, cancelled or failed' })
  statusReason!: string | null;
  @Field(() => WaveConfig) config!: WaveConfig;
  @Field(() => WaveCounts) counts!: WaveCounts;
  @Field(() => Float, { description: 'Share of the recipients done with, 0..1' }) progress!: number;
  @Field(() => Int, { description: 'Segments of all its texts: what its rate is counted in' }) totalSegments!: number;
  @Field(() => Int, { description: 'Seconds the send takes at its rate, quiet hours aside' })
  expectedDurationSeconds!: number;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When the send should end (quiet hours included once sending)',
  })
  expectedFinishAt!: Date | null;
  @Field(() => Int, { description: 'Rows refused at upload (rejects lists them, by line)' }) rejectCount!: number;
  @Field({ description: 'Its offer codes are generated and registered (waves with generateOfferCode)' })
  codesGenerated!: boolean;
  @Field({ description: "Its rows' codes went through the code-assignment pipeline (done when it started)" })
  codesAssigned!: boolean;
  @Field(() => ID, { nullable: true, description: 'The wave prep it was made from' }) prepId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The job that starts it at notifyDate' }) scheduledJobId!:
    string | null;
  @Field({ description: 'The API key (id) that uploaded it' }) createdBy!: string;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
  @Field(() => DateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) finishedAt!: Date | null;
  /** The rows refused at upload (the first 1,000), paged by the rejects field. */
  storedRejects!: WaveRejectDoc[];

  static fromDocument(doc: WaveDoc): Wave {
    return Object.assign(new Wave(), {
      id: doc._id,
      name: doc.name,
      status: doc.status as WaveStatus,
      statusReason: doc.statusReason,
      config: WaveConfig.fromDocument(doc.config),
      counts: WaveCounts.fromDocument(doc.counts),
      progress: waveProgress(doc),
      totalSegments: doc.totalSegments,
      expectedDurationSeconds: expectedDurationSeconds(doc.totalSegments, doc.config.segmentsPerSecond),
      expectedFinishAt: doc.expectedFinishAt,
      rejectCount: doc.rejectCount,
      codesGenerated: doc.codesGenerated,
      codesAssigned: doc.codesAssigned,
      prepId: doc.prepId,
      scheduledJobId: doc.scheduledJobId,
      createdBy: doc.createdBy,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      startedAt: doc.startedAt,
      finishedAt: doc.finishedAt,
      storedRejects: doc.rejects,
    });
  }
}

@ObjectType()
export class WaveConnection extends Connection(Wave, 'Wave') {}

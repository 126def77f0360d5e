import { JSONResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { JobRecord } from '../../jobs/jobType';
import { Connection } from '../connection';

export enum JobStatusValue {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(JobStatusValue, { name: 'JobStatus', description: 'Where a job stands' });

export enum JobTriggerValue {
  MANUAL = 'MANUAL',
  SCHEDULE = 'SCHEDULE',
  EVENT = 'EVENT',
}
registerEnumType(JobTriggerValue, { name: 'JobTrigger', description: 'What created a job' });

@ObjectType({ description: 'How far a running job got' })
export class JobProgress {
  @Field(() => Float, { description: '0..1' })
  fraction!: number;

  @Field(() => String, { nullable: true })
  message?: string;
}

@ObjectType({ description: 'Why a job (or its last attempt) failed; the cause stays in the logs' })
export class JobError {
  @Field()
  message!: string;

  @Field({ description: 'JOB_FAILED, JOB_TIMEOUT, JOB_ATTEMPTS_EXHAUSTED, BAD_USER_INPUT, or a job-specific code' })
  code!: string;
}

@ObjectType({ description: 'Background work: a scheduled, requested or event-driven run of a job type' })
export class Job {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The job type, e.g. tracking-sync' })
  type!: string;

  @Field(() => JSONResolver)
  params!: unknown;

  @Field(() => JobStatusValue)
  status!: JobStatusValue;

  @Field(() => JobProgress)
  progress!: JobProgress;

  @Field(() => JSONResolver, { description: 'Counters of the job type, e.g. {"upserted": 120}' })
  stats!: Record<string, number>;

  @Field(() => JSONResolver, { nullable: true })
  result?: unknown;

  @Field(() => JobError, {
    nullable: true,
    description: 'Final error of a FAILED job, or the last failed attempt of a retrying one',
  })
  error?: JobError;

  @Field(() => Int, { description: 'Runs started so far' })
  attempts!: number;

  @Field(() => Int)
  maxAttempts!: number;

  @Field(() => JobTriggerValue)
  trigger!: JobTriggerValue;

  @Field(() => String, { nullable: true, description: 'API key id, schedule:<NAME>, or the event that created it' })
  requestedBy?: string;

  @Field(() => String, { nullable: true, description: 'The schedule whose tick created it' })
  schedule?: string;

  @Field(() => Boolean, { description: 'A cancel was asked for; a running job stops at its next progress report' })
  cancelRequested!: boolean;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'Not run before this time' })
  runAt?: Date;

  @Field(() => DateTime, { nullable: true, description: 'Start of the latest attempt' })
  startedAt?: Date;

  @Field(() => DateTime, { nullable: true })
  finishedAt?: Date;

  /** What leaves the server of a stored job (never its run bookkeeping). */
  static fromRecord(record: JobRecord): Job {
    return Object.assign(new Job(), {
      id: record._id,
      type: record.type,
      params: record.params ?? null,
      status: record.status as JobStatusValue,
      progress: record.progress ?? { fraction: 0 },
      stats: record.stats ?? {},
      result: record.result,
      error: record.error,
      attempts: record.attempts,
      maxAttempts: record.maxAttempts,
      trigger: record.trigger as JobTriggerValue,
      requestedBy: record.requestedBy,
      schedule: record.schedule,
      cancelRequested: record.cancelRequested ?? false,
      createdAt: record.createdAt,
      runAt: record.runAt,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
    });
  }
}

/** For resolvers of other domains whose mutations return the Job they enqueued. */
export const toJob = Job.fromRecord;

@ObjectType()
export class JobConnection extends Connection(Job, 'Job') {}

import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { DeadLetter as DeadLetterMessage, QueueStats as QueueStatsRecord } from '../../datasources/queue';
import { decodeJobMessage } from '../../jobs/jobMessage';

@ObjectType({ description: 'Message counts of a queue (approximate on SQS)' })
export class QueueStats {
  @Field(() => Int)
  visible!: number;

  @Field(() => Int)
  inFlight!: number;

  @Field(() => Int)
  delayed!: number;

  @Field(() => Int)
  deadLettered!: number;

  static from(stats: QueueStatsRecord): QueueStats {
    return Object.assign(new QueueStats(), stats);
  }
}

@ObjectType({ description: 'A message in a dead-letter queue' })
export class DeadLetter {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The message body as sent' })
  body!: string;

  @Field(() => ID, { nullable: true, description: 'The job it runs, for messages of job queues' })
  jobId?: string;

  @Field(() => String, { nullable: true })
  groupId?: string;

  @Field(() => DateTime)
  sentAt!: Date;

  static from(message: DeadLetterMessage): DeadLetter {
    return Object.assign(new DeadLetter(), {
      id: message.id,
      body: message.body,
      jobId: decodeJobMessage(message.body) ?? undefined,
      groupId: message.groupId,
      sentAt: message.sentAt,
    });
  }
}

@ObjectType({ description: 'The dead-letter queue of a queue: oldest messages first' })
export class DeadLetters {
  @Field()
  queue!: string;

  @Field(() => QueueStats)
  stats!: QueueStats;

  @Field(() => [DeadLetter])
  messages!: DeadLetter[];
}

import { JSONObjectResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { Field, ID, ObjectType } from 'type-graphql';
import type { OutboxDocument } from '../../datasources/messaging/port';
import { Connection } from '../connection';
import { MessageChannel, OutboxStatus } from './enums';

@ObjectType({
  description: 'A message handed to the messaging port (the delivery itself with MESSAGING_BACKEND=outbox)',
})
export class OutboxMessage {
  @Field(() => ID, { description: 'The idempotency key of the send' }) id!: string;
  @Field(() => MessageChannel) channel!: MessageChannel;
  @Field() to!: string;
  @Field(() => String, { nullable: true }) from?: string | null;
  @Field(() => String, { nullable: true }) subject?: string | null;
  @Field(() => String, { nullable: true }) html?: string | null;
  @Field(() => String, { nullable: true }) text?: string | null;
  @Field(() => JSONObjectResolver) metadata!: Record<string, string>;
  @Field() engine!: string;
  @Field(() => OutboxStatus) status!: OutboxStatus;
  @Field(() => String, { nullable: true }) providerMessageId?: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { nullable: true }) sentAt?: Date | null;

  static fromDocument(doc: OutboxDocument): OutboxMessage {
    const { _id, ...rest } = doc;
    return Object.assign(new OutboxMessage(), { id: _id, ...rest, metadata: rest.metadata ?? {} });
  }
}

@ObjectType()
export class OutboxMessageConnection extends Connection(OutboxMessage, 'OutboxMessage') {}

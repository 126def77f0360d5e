import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AgentDoc } from '../../services/leads/model';
import { AgentPresence } from './enums';

@ObjectType({ description: 'An API key of role AGENT that works leads' })
export class Agent {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => AgentPresence)
  presence!: AgentPresence;

  @Field(() => Int, { description: 'Leads worked at once (default 1)' })
  capacity!: number;

  @Field(() => Int, { description: 'Leads assigned and not yet answered' })
  openLeads!: number;

  @Field(() => Int, { description: 'Leads answered since midnight UTC' })
  answeredToday!: number;

  @Field(() => DateTime, { nullable: true })
  lastAssignedAt!: Date | null;

  @Field(() => DateTime, {
    description: 'Since when the agent has had a slot free (LEAST_ACTIVE prefers the longest idle)',
  })
  idleSince!: Date;

  @Field(() => DateTime)
  presenceChangedAt!: Date;

  static fromDocument(doc: AgentDoc): Agent {
    return Object.assign(new Agent(), {
      id: doc._id,
      name: doc.name,
      presence: doc.presence as AgentPresence,
      capacity: doc.capacity,
      openLeads: doc.openLeads,
      answeredToday: doc.answeredToday,
      lastAssignedAt: doc.lastAssignedAt,
      idleSince: doc.idleSince,
      presenceChangedAt: doc.presenceChangedAt,
    });
  }
}

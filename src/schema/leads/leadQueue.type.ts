import { DateTime } from '../dateTime';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { LeadQueueSnapshot } from '../../services/leads/leadQueue';
import { Agent } from './agent.type';

@ObjectType({ description: 'The supervisor view of lead routing' })
export class LeadQueue {
  @Field(() => DateTime)
  at!: Date;

  @Field(() => Int, { description: 'Leads waiting for an agent' })
  backlog!: number;

  @Field(() => DateTime, { nullable: true, description: 'queuedAt of the lead served next' })
  oldestQueuedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Age in seconds of the lead served next' })
  oldestAgeSeconds!: number | null;

  @Field(() => Int, { description: 'Leads with an agent right now' })
  assigned!: number;

  @Field(() => [Agent])
  agents!: Agent[];

  static fromSnapshot(snapshot: LeadQueueSnapshot): LeadQueue {
    return Object.assign(new LeadQueue(), {
      at: snapshot.at,
      backlog: snapshot.backlog,
      oldestQueuedAt: snapshot.oldestQueuedAt,
      oldestAgeSeconds: snapshot.oldestQueuedAt
        ? Math.max(0, (snapshot.at.getTime() - snapshot.oldestQueuedAt.getTime()) / 1000)
        : null,
      assigned: snapshot.assigned,
      agents: snapshot.agents.map(Agent.fromDocument),
    });
  }
}

import { DateTime } from '../dateTime';
import { Field, ObjectType } from 'type-graphql';
import type { LeadEventDoc } from '../../services/leads/model';
import { AgentPresence, LeadAssignmentEventKind } from './enums';
import { Lead } from './lead.type';

@ObjectType({ description: 'Something an agent must know: a lead pushed to it, taken back, or its presence changed' })
export class LeadAssignmentEvent {
  @Field(() => LeadAssignmentEventKind)
  kind!: LeadAssignmentEventKind;

  @Field(() => DateTime)
  at!: Date;

  @Field(() => Lead, { nullable: true, description: 'The lead, for ASSIGNED, TIMED_OUT and RELEASED' })
  lead!: Lead | null;

  @Field(() => AgentPresence, { nullable: true, description: 'The new presence, for PRESENCE_CHANGED' })
  presence!: AgentPresence | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  static fromEvent(event: LeadEventDoc): LeadAssignmentEvent {
    return Object.assign(new LeadAssignmentEvent(), {
      kind: event.kind as LeadAssignmentEventKind,
      at: event.at,
      lead: event.lead ? Lead.fromDocument(event.lead) : null,
      presence: event.presence as AgentPresence | null,
      reason: event.reason,
    });
  }
}

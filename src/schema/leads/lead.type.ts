import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { LeadDoc, LeadHistoryEntry as StoredHistoryEntry } from '../../services/leads/model';
import { Connection } from '../connection';
import { LeadChange, LeadOutcome, LeadStatus } from './enums';

@ObjectType({ description: 'A column of the uploaded row that the lead model has no field for' })
export class LeadAttribute {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType({ description: 'One state change of a lead: when, what, and who caused it' })
export class LeadHistoryEntry {
  @Field(() => DateTime)
  at!: Date;

  @Field(() => LeadChange)
  change!: LeadChange;

  @Field({ description: 'An agent id, an API key name, or router / timer / disconnect' })
  actor!: string;

  @Field(() => ID, { nullable: true })
  agentId!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => LeadOutcome, { nullable: true })
  outcome!: LeadOutcome | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  static fromEntry(entry: StoredHistoryEntry): LeadHistoryEntry {
    return Object.assign(new LeadHistoryEntry(), {
      at: entry.at,
      change: entry.change as LeadChange,
      actor: entry.actor,
      agentId: entry.agentId ?? null,
      reason: entry.reason ?? null,
      outcome: (entry.outcome as LeadOutcome | undefined) ?? null,
      note: entry.note ?? null,
    });
  }
}

@ObjectType({ description: 'A person to contact, from an uploaded list, routed to one agent at a time' })
export class Lead {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Lower-case; one open lead per email' })
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  company!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => [LeadAttribute])
  attributes!: LeadAttribute[];

  @Field(() => LeadStatus)
  status!: LeadStatus;

  @Field(() => DateTime, {
    description: "The lead's timestamp (or upload time): the queue serves the oldest first",
  })
  queuedAt!: Date;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => ID)
  importId!: string;

  @Field(() => Int, { description: 'Row of the uploaded file it came from' })
  rowNumber!: number;

  @Field(() => ID, { nullable: true, description: 'The agent working it now' })
  assignedTo!: string | null;

  @Field(() => DateTime, { nullable: true })
  assignedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it goes back to the queue if not answered' })
  expiresAt!: Date | null;

  @Field(() => DateTime, { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => LeadOutcome, { nullable: true })
  outcome!: LeadOutcome | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => [LeadHistoryEntry], { description: 'Every state change, oldest first' })
  history!: LeadHistoryEntry[];

  static fromDocument(doc: LeadDoc): Lead {
    return Object.assign(new Lead(), {
      id: doc._id,
      email: doc.email,
      name: doc.name,
      company: doc.company,
      phone: doc.phone,
      attributes: doc.attributes.map((attribute) => Object.assign(new LeadAttribute(), attribute)),
      status: doc.status as LeadStatus,
      queuedAt: doc.queuedAt,
      createdAt: doc.createdAt,
      importId: doc.importId,
      rowNumber: doc.rowNumber,
      assignedTo: doc.assignedTo,
      assignedAt: doc.assignedAt,
      expiresAt: doc.expiresAt,
      resolvedAt: doc.resolvedAt,
      outcome: doc.outcome as LeadOutcome | null,
      note: doc.note,
      history: doc.history.map(LeadHistoryEntry.fromEntry),
    });
  }
}

@ObjectType()
export class LeadConnection extends Connection(Lead, 'Lead') {}

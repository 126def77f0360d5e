import type { Db } from '../../datasources/store';
import { newId } from './ids';
import { LEAD_EVENTS, type LeadDoc, type LeadEventDoc, type LeadEventKind, type Presence } from './model';

export interface LeadEventInput {
  kind: LeadEventKind;
  at: Date;
  agentId?: string | null;
  lead?: LeadDoc | null;
  presence?: Presence | null;
  reason?: string | null;
}

/** A routing event document with a fresh id. */
export function leadEvent(input: LeadEventInput): LeadEventDoc {
  return {
    _id: newId(),
    at: input.at,
    kind: input.kind,
    agentId: input.agentId ?? null,
    leadId: input.lead?._id ?? null,
    lead: input.lead ?? null,
    presence: input.presence ?? null,
    reason: input.reason ?? null,
  };
}

/**
 * Appends a routing event. Every instance tails this collection's change stream: that is how an
 * agent connected to one instance hears of a claim made by another, and how routers wake up.
 */
export async function recordLeadEvent(db: Db, input: LeadEventInput | LeadEventDoc): Promise<LeadEventDoc> {
  const event = '_id' in input ? input : leadEvent(input);
  await db.collection<LeadEventDoc>(LEAD_EVENTS).insertOne(event);
  return event;
}

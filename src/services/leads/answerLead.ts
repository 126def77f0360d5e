import type { Db } from '../../datasources/store';
import { conflict, forbidden, notFound } from '../../errors';
import { claimLeadFor, type AssignOptions, type Assignment } from './assignLead';
import { AGENTS, LEADS, dayOf, type AgentDoc, type LeadDoc, type LeadOutcome } from './model';
import { releaseLead } from './releaseLead';

export interface ResolveInput {
  leadId: string;
  agentId: string;
  outcome: LeadOutcome;
  note: string | null;
  now?: Date;
}

/** A lead handed back or answered, and its agent after the answer (null if deleted). */
export interface Answer {
  lead: LeadDoc;
  agent: AgentDoc | null;
  /** The agent's next lead, claimed with the slot the answer freed (resolve only). */
  next: Assignment | null;
}

/**
 * The assigned agent answers its lead. Only the agent the lead is assigned to right now can:
 * another agent gets FORBIDDEN, a lead that timed out or was already answered CONFLICT.
 *
 * When leads are waiting, the slot goes straight to the agent's next lead: the agent keeps it
 * (still ONLINE and within capacity) and claims the oldest lead it may take, so it is never
 * counted free while busy. Keeping a slot changes no counter that guards capacity, so it needs
 * a read, not a conditional write: the answer's count and the next claim are then issued
 * together and the store commits them as one, two commits from answer to next push instead of
 * three. Otherwise the slot is freed.
 */
export async function resolveLead(db: Db, input: ResolveInput, options: AssignOptions): Promise<Answer> {
  const now = input.now ?? new Date();
  // read while the answer commits: the agent's state does not depend on it
  const [lead, agentNow] = await Promise.all([
    answer(db, input, now),
    db.collection<AgentDoc>(AGENTS).findOne({ _id: input.agentId }),
  ]);
  if (!lead) throw await whyNotAnswerable(db, input.leadId, input.agentId);
  if (!mayKeepSlot(agentNow)) return { lead, agent: await countAnswer(db, input.agentId, now, true), next: null };
  const [kept, next] = await Promise.all([
    countAnswer(db, input.agentId, now, false),
    claimLeadFor(db, input.agentId, options),
  ]);
  const agent = kept ?? agentNow;
  if (next) return { lead, agent, next: { lead: next, agent } };
  const freed = await db
    .collection<AgentDoc>(AGENTS)
    .findOneAndUpdate(
      { _id: input.agentId },
      { $inc: { openLeads: -1 }, $set: { idleSince: now } },
      { returnDocument: 'after' },
    );
  return { lead, agent: freed, next: null };
}

/** The lead half of an answer: ASSIGNED to this agent -> RESOLVED, or null if it is not. */
function answer(db: Db, input: ResolveInput, now: Date): Promise<LeadDoc | null> {
  return db.collection<LeadDoc>(LEADS).findOneAndUpdate(
    { _id: input.leadId, status: 'ASSIGNED', assignedTo: input.agentId },
    {
      $set: {
        status: 'RESOLVED',
        open: false,
        outcome: input.outcome,
        note: input.note,
        resolvedAt: now,
        expiresAt: null,
      },
      $push: {
        history: {
          at: now,
          change: 'RESOLVED',
          actor: input.agentId,
          agentId: input.agentId,
          outcome: input.outcome,
          ...(input.note ? { note: input.note } : {}),
        },
      },
    },
    { returnDocument: 'after' },
  );
}

/** An agent that is ONLINE and not above a capacity lowered meanwhile may work another lead. */
function mayKeepSlot(agent: AgentDoc | null): agent is AgentDoc {
  return agent !== null && agent.presence === 'ONLINE' && agent.openLeads <= agent.capacity;
}

export interface DeclineInput {
  leadId: string;
  agentId: string;
  reason: string;
  now?: Date;
}

/** The assigned agent hands the lead back; it goes to the head of the queue for someone else. */
export async function declineLead(db: Db, input: DeclineInput): Promise<Answer> {
  const released = await releaseLead(db, {
    filter: { _id: input.leadId },
    agentId: input.agentId,
    change: 'DECLINED',
    actor: input.agentId,
    reason: input.reason,
    now: input.now ?? new Date(),
    excludeAgent: true,
  });
  if (!released) throw await whyNotAnswerable(db, input.leadId, input.agentId);
  const before = released.agentBefore;
  return { lead: released.lead, agent: before ? { ...before, openLeads: before.openLeads - 1 } : null, next: null };
}

/**
 * Counts the answer in today's figure and, with `freeSlot`, frees the agent's slot. The first
 * answer of a day starts the count again; both paths are conditional on the stored day, so two
 * answers racing over the start of a day cannot overwrite each other's count.
 */
async function countAnswer(db: Db, agentId: string, now: Date, freeSlot: boolean): Promise<AgentDoc | null> {
  const agents = db.collection<AgentDoc>(AGENTS);
  const today = dayOf(now);
  // a kept slot marks the router's next claim, a freed one the start of idleness
  const stamp = freeSlot ? { idleSince: now } : { lastAssignedAt: now };
  const slot = freeSlot ? { openLeads: -1 } : {};
  for (;;) {
    const sameDay = await agents.findOneAndUpdate(
      { _id: agentId, answeredDay: today },
      { $inc: { ...slot, answeredToday: 1 }, $set: stamp },
      { returnDocument: 'after' },
    );
    if (sameDay) return sameDay;
    const newDay = await agents.findOneAndUpdate(
      { _id: agentId, answeredDay: { $ne: today } },
      { ...(freeSlot ? { $inc: slot } : {}), $set: { ...stamp, answeredToday: 1, answeredDay: today } },
      { returnDocument: 'after' },
    );
    // neither matched only when the agent no longer exists: nothing left to count
    if (newDay || !(await agents.findOne({ _id: agentId }, { projection: { _id: 1 } }))) return newDay;
  }
}

async function whyNotAnswerable(db: Db, leadId: string, agentId: string): Promise<Error> {
  const lead = await db
    .collection<LeadDoc>(LEADS)
    .findOne({ _id: leadId }, { projection: { status: 1, assignedTo: 1, history: 1 } });
  if (!lead) return notFound('Lead', leadId);
  const heldBefore = lead.history.some((entry) => entry.change === 'ASSIGNED' && entry.agentId === agentId);
  // an agent acting on a lead it held once is late, not trespassing: CONFLICT says "refresh"
  if (!heldBefore) return forbidden('This lead is not assigned to you');
  if (lead.status === 'RESOLVED') return conflict('This lead has already been answered');
  return conflict(
    'This lead is no longer assigned to you: it timed out or was released, and may be with another agent now',
  );
}

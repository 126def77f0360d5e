import type { Db } from '../../datasources/store';
import type { Principal } from '../../auth/roles';
import { badInput } from '../../errors';
import { recordLeadEvent } from './events';
import { AGENTS, type AgentDoc, type Presence } from './model';

export const DEFAULT_CAPACITY = 1;
export const MAX_CAPACITY = 50;

/** The agent an API key acts as: its agentId, or the key itself for an agent key without one. */
export function agentIdOf(principal: Principal): string {
  return principal.agentId ?? principal.keyId;
}

/** Creates the agent on first contact (OFFLINE, capacity 1) and returns it. */
export async function ensureAgent(db: Db, principal: Principal, now = new Date()): Promise<AgentDoc> {
  const agentId = agentIdOf(principal);
  const agent = await db.collection<AgentDoc>(AGENTS).findOneAndUpdate(
    { _id: agentId },
    {
      $setOnInsert: {
        name: principal.name,
        presence: 'OFFLINE',
        capacity: DEFAULT_CAPACITY,
        openLeads: 0,
        lastAssignedAt: null,
        idleSince: now,
        answeredToday: 0,
        answeredDay: null,
        presenceChangedAt: now,
        createdAt: now,
      },
    },
    { upsert: true, returnDocument: 'after' },
  );
  if (!agent) throw new Error(`agent ${agentId} could not be created`);
  return agent;
}

export interface PresenceChange {
  agent: AgentDoc;
  changed: boolean;
}

/**
 * Sets an agent's presence and, when it changed, records a PRESENCE_CHANGED event (the agent is
 * told; routers wake when it became ONLINE).
 */
export async function setAgentPresence(
  db: Db,
  agentId: string,
  presence: Presence,
  reason: string,
  now = new Date(),
): Promise<PresenceChange | null> {
  const agents = db.collection<AgentDoc>(AGENTS);
  const before = await agents.findOneAndUpdate(
    { _id: agentId, presence: { $ne: presence } },
    // coming online counts as the start of idleness for LEAST_ACTIVE's tie-break
    { $set: { presence, presenceChangedAt: now, ...(presence === 'ONLINE' ? { idleSince: now } : {}) } },
    { returnDocument: 'before' },
  );
  if (!before) {
    const unchanged = await agents.findOne({ _id: agentId });
    return unchanged ? { agent: unchanged, changed: false } : null;
  }
  await recordLeadEvent(db, { kind: 'PRESENCE_CHANGED', at: now, agentId, presence, reason });
  return { agent: { ...before, presence, presenceChangedAt: now }, changed: true };
}

/** Sets how many leads an agent works at once; a lower value takes effect as leads finish. */
export async function setAgentCapacity(db: Db, agentId: string, capacity: number): Promise<AgentDoc | null> {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
    throw badInput(`capacity: a whole number from 1 to ${MAX_CAPACITY}`, 'capacity');
  }
  return db
    .collection<AgentDoc>(AGENTS)
    .findOneAndUpdate({ _id: agentId }, { $set: { capacity } }, { returnDocument: 'after' });
}

/** The agents as the API reaches them: created on first contact, their capacity set by operators. */
export class LeadAgents {
  constructor(private readonly db: Db) {}

  ensure(principal: Principal): Promise<AgentDoc> {
    return ensureAgent(this.db, principal);
  }

  setCapacity(agentId: string, capacity: number): Promise<AgentDoc | null> {
    return setAgentCapacity(this.db, agentId, capacity);
  }
}

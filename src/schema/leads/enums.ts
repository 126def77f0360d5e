import { registerEnumType } from 'type-graphql';

export enum LeadStatus {
  QUEUED = 'QUEUED',
  ASSIGNED = 'ASSIGNED',
  RESOLVED = 'RESOLVED',
}

export enum LeadOutcome {
  POSITIVE_REPLY = 'POSITIVE_REPLY',
  NEUTRAL_REPLY = 'NEUTRAL_REPLY',
  NOT_A_LEAD = 'NOT_A_LEAD',
}

export enum AgentPresence {
  ONLINE = 'ONLINE',
  AWAY = 'AWAY',
  BUSY = 'BUSY',
  OFFLINE = 'OFFLINE',
}

export enum LeadChange {
  QUEUED = 'QUEUED',
  ASSIGNED = 'ASSIGNED',
  DECLINED = 'DECLINED',
  TIMED_OUT = 'TIMED_OUT',
  RELEASED = 'RELEASED',
  RESOLVED = 'RESOLVED',
}

export enum LeadRejectionReason {
  INVALID_EMAIL = 'INVALID_EMAIL',
  INVALID_TIMESTAMP = 'INVALID_TIMESTAMP',
  DUPLICATE_IN_FILE = 'DUPLICATE_IN_FILE',
  DUPLICATE_OF_EXISTING = 'DUPLICATE_OF_EXISTING',
}

export enum LeadAssignmentEventKind {
  ASSIGNED = 'ASSIGNED',
  TIMED_OUT = 'TIMED_OUT',
  RELEASED = 'RELEASED',
  PRESENCE_CHANGED = 'PRESENCE_CHANGED',
}

registerEnumType(LeadStatus, {
  name: 'LeadStatus',
  description: 'Where a lead is: waiting, with an agent, or answered',
});
registerEnumType(LeadOutcome, { name: 'LeadOutcome', description: "The agent's answer to a lead" });
registerEnumType(AgentPresence, {
  name: 'AgentPresence',
  description: 'Only ONLINE agents with a free slot receive leads',
});
registerEnumType(LeadChange, { name: 'LeadChange', description: 'A state change in a lead history' });
registerEnumType(LeadRejectionReason, {
  name: 'LeadRejectionReason',
  description: 'Why an uploaded row was not queued',
});
registerEnumType(LeadAssignmentEventKind, {
  name: 'LeadAssignmentEventKind',
  description: 'What an agent is told on myLeadAssignments',
});

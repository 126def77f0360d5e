import type { IndexDeclaration, RetiredIndex } from '../../datasources/store/indexes';

/** Lead routing's indexes: leads, imports, agents, sessions and routing events. */
export const leadIndexes: IndexDeclaration[] = [
  // One open lead per email: the import's duplicate check and its
  // race with a concurrent upload.
  {
    collection: 'leads',
    key: { email: 1 },
    options: { unique: true, partialFilterExpression: { open: true }, name: 'open_email_unique' },
  },
  // The router's claim: the oldest QUEUED lead (queuedAt, then upload order). Also serves the
  // time-out sweep (status ASSIGNED: at most the agents' total capacity, sorted in memory), so
  // no expiresAt index has to be maintained on every claim and answer.
  { collection: 'leads', key: { status: 1, queuedAt: 1, _id: 1 } },
  // An agent's open leads (feed replay, disconnect release) and leads(filter: {assignedTo}).
  { collection: 'leads', key: { assignedTo: 1, status: 1 } },
  // leads(filter: {importId}) and the leads list, newest upload first.
  { collection: 'leads', key: { importId: 1, createdAt: -1 } },
  { collection: 'leads', key: { createdAt: -1, _id: -1 } },
  // leads(filter: {status}) newest upload first (the supervisor's queue): a page reads its rows only.
  { collection: 'leads', key: { status: 1, createdAt: -1, _id: -1 } },
  { collection: 'lead_imports', key: { createdAt: -1, _id: -1 } },
  // The router's candidates: ONLINE agents.
  { collection: 'agents', key: { presence: 1 } },
  // Routing events are a notification feed, not the record (lead history is): kept a week.
  { collection: 'lead_events', key: { at: 1 }, options: { expireAfterSeconds: 7 * 86_400 } },
  // Is the agent still connected anywhere? (disconnect grace); an instance's sessions at stop.
  { collection: 'agent_sessions', key: { agentId: 1 } },
  { collection: 'agent_sessions', key: { instanceId: 1 } },
];

/** The time-out sweep's former index (the claim index serves it now). */
export const retiredLeadIndexes: RetiredIndex[] = [{ collection: 'leads', key: { status: 1, expiresAt: 1 } }];

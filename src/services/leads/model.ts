/**
 * The stored shapes of lead routing. Resolvers map them to GraphQL types; nothing here leaves the
 * server raw.
 */

export const LEADS = 'leads';
export const LEAD_IMPORTS = 'lead_imports';
export const AGENTS = 'agents';
/** Insert-only log of routing events: what agents are told and what wakes other instances. */
export const LEAD_EVENTS = 'lead_events';
/** One document per open agent WebSocket subscription, across every instance. */
export const AGENT_SESSIONS = 'agent_sessions';

export type LeadStatus = 'QUEUED' | 'ASSIGNED' | 'RESOLVED';
export type LeadOutcome = 'POSITIVE_REPLY' | 'NEUTRAL_REPLY' | 'NOT_A_LEAD';
export type Presence = 'ONLINE' | 'AWAY' | 'BUSY' | 'OFFLINE';
export type RoutingModel = 'LEAST_ACTIVE' | 'MOST_AVAILABLE';

/** Every kind of state change a lead goes through; each one is a history entry. */
export type LeadChange = 'QUEUED' | 'ASSIGNED' | 'DECLINED' | 'TIMED_OUT' | 'RELEASED' | 'RESOLVED';

export interface LeadHistoryEntry {
  at: Date;
  change: LeadChange;
  /** Who caused it: an agent id, an API key name, or "router"/"timer"/"disconnect". */
  actor: string;
  agentId?: string;
  reason?: string;
  outcome?: LeadOutcome;
  note?: string;
}

export interface LeadAttribute {
  name: string;
  value: string;
}

export interface LeadDoc {
  _id: string;
  /** Lower-case and trimmed; one open lead per email (unique partial index on open leads). */
  email: string;
  name: string | null;
  company: string | null;
  phone: string | null;
  attributes: LeadAttribute[];
  status: LeadStatus;
  /** True while QUEUED or ASSIGNED: the partial filter of the unique email index. */
  open: boolean;
  /** The lead's own timestamp, or its upload time: the queue is served oldest first by it. */
  queuedAt: Date;
  createdAt: Date;
  importId: string;
  rowNumber: number;
  assignedTo: string | null;
  assignedAt: Date | null;
  expiresAt: Date | null;
  resolvedAt: Date | null;
  outcome: LeadOutcome | null;
  note: string | null;
  /** Agents who declined it; the router offers it to someone else. */
  declinedBy: string[];
  history: LeadHistoryEntry[];
}

export type LeadRejectionReason = 'INVALID_EMAIL' | 'INVALID_TIMESTAMP' | 'DUPLICATE_IN_FILE' | 'DUPLICATE_OF_EXISTING';

export interface RejectedLeadRow {
  rowNumber: number;
  email: string | null;
  reason: LeadRejectionReason;
  message: string;
}

export interface LeadImportDoc {
  _id: string;
  listName: string | null;
  filename: string;
  uploadedBy: string;
  createdAt: Date;
  /** Data rows read (blank rows not counted) = accepted + rejected + duplicatesOfExisting. */
  total: number;
  accepted: number;
  /** Rows refused as invalid or repeated within the file. */
  rejected: number;
  /** Valid rows skipped because the same email is already open. */
  duplicatesOfExisting: number;
  /** The skipped rows with their reasons (the first MAX_LISTED_REJECTIONS of them). */
  rejectedRows: RejectedLeadRow[];
  /**
   * RUNNING from the first byte read until its leads are queued; FAILED (with `error`) only
   * when its process died. Lists stored before imports had a status have none.
   */
  status?: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  error?: string | null;
  finishedAt?: Date | null;
  /** Its lease while RUNNING (src/services/uploads/importLease.ts). */
  runId?: string | null;
  heartbeatAt?: Date | null;
}

export const MAX_LISTED_REJECTIONS = 1000;

export interface AgentDoc {
  /** Principal.agentId, or the API key id for an agent key without one. */
  _id: string;
  name: string;
  presence: Presence;
  capacity: number;
  openLeads: number;
  /** When the router last took one of its slots (the claim just before a lead is assigned). */
  lastAssignedAt: Date | null;
  /** When the agent last had a slot freed or came online: LEAST_ACTIVE prefers the longest idle. */
  idleSince: Date;
  answeredToday: number;
  /** The UTC day answeredToday counts (YYYY-MM-DD); a new day starts it again. */
  answeredDay: string | null;
  presenceChangedAt: Date;
  createdAt: Date;
}

export type LeadEventKind = 'QUEUED' | 'ASSIGNED' | 'TIMED_OUT' | 'RELEASED' | 'PRESENCE_CHANGED';

export interface LeadEventDoc {
  _id: string;
  at: Date;
  kind: LeadEventKind;
  /** The agent the event is about (absent for QUEUED). */
  agentId: string | null;
  leadId: string | null;
  /** The lead as it was right after the change, so subscribers need no second read. */
  lead: LeadDoc | null;
  presence: Presence | null;
  reason: string | null;
}

export interface AgentSessionDoc {
  _id: string;
  agentId: string;
  instanceId: string;
  openedAt: Date;
}

/** The UTC calendar day of `at`, as stored in AgentDoc.answeredDay. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

import { randomUUID } from 'node:crypto';
import type { ChangeStream, ChangeStreamDocument, Db } from 'mongodb';
import type { App } from '../../app';
import type { Logger } from '../../logger';
import { AgentSessions } from './agentSessions';
import { setAgentPresence } from './agents';
import { declineLead, resolveLead, type DeclineInput, type ResolveInput } from './answerLead';
import { assignRound, type Assignment } from './assignLead';
import { recordLeadEvent } from './events';
import { ExpiryTimer } from './expiryTimer';
import { leadMetrics, secondsInQueue, type LeadMetrics } from './metrics';
import { LEAD_EVENTS, LEADS, type AgentDoc, type LeadDoc, type LeadEventDoc, type LeadImportDoc, type Presence } from './model';
import { releaseLead, type Release } from './releaseLead';
import { LeadRouter } from './router';
import { nextExpiry, timeOutExpiredLeads } from './timeOutLeads';

/** Wait before reopening a failed change stream (e.g. a MongoDB primary election). */
const STREAM_RETRY_MS = 1000;

type Listener = (event: LeadEventDoc) => void;

/**
 * Lead routing on one service instance: the router, the push time-out timer, agent sessions and
 * the feed of routing events. Every state change is written to the store first and announced as
 * a lead_events document; all instances (this one included) learn of it from that collection's
 * change stream, so subscribers and routers behave the same whichever instance made the change.
 */
export class LeadRouting {
  readonly metrics: LeadMetrics;
  readonly sessions: AgentSessions;
  private readonly router: LeadRouter;
  private readonly expiry: ExpiryTimer;
  private readonly listeners = new Set<Listener>();
  private readonly logger: Logger;
  private stream: ChangeStream<LeadEventDoc> | null = null;
  private streamRetry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly app: App) {
    this.logger = app.logger.child({ feature: 'leads' });
    this.metrics = leadMetrics(app.metrics);
    const config = app.config;
    this.router = new LeadRouter({
      assignRound: () => assignRound(this.db, { model: config.LEAD_ROUTING_MODEL, pushTimeoutMs: config.LEAD_PUSH_TIMEOUT_SECONDS * 1000 }),
      onAssigned: (assignment) => this.announceAssignment(assignment),
      logger: this.logger,
    });
    this.expiry = new ExpiryTimer({ sweep: () => this.sweepTimeouts(), next: () => nextExpiry(this.db), logger: this.logger });
    this.sessions = new AgentSessions({
      db: app.db,
      instanceId: randomUUID(),
      graceMs: config.AGENT_DISCONNECT_GRACE_SECONDS * 1000,
      onGraceExpired: (agentId) => this.agentGone(agentId),
      logger: this.logger,
    });
  }

  private get db(): Db {
    return this.app.db;
  }

  /** Tails the event feed, re-arms time-outs stored before a restart and routes what waits. */
  async start(): Promise<void> {
    this.openStream();
    await this.expiry.rearm();
    this.router.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.streamRetry) clearTimeout(this.streamRetry);
    await Promise.all([this.router.stop(), this.expiry.stop(), this.sessions.stop()]);
    await this.stream?.close().catch(() => undefined);
    this.stream = null;
  }

  /** Every routing event of every instance, as it arrives; returns the unsubscribe function. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the router has nothing in hand (tests). */
  idle(): Promise<void> {
    return this.router.idle();
  }

  async leadsQueued(leadImport: LeadImportDoc): Promise<void> {
    if (leadImport.accepted === 0) return;
    this.router.kick();
    await recordLeadEvent(this.db, { kind: 'QUEUED', at: leadImport.createdAt, reason: `import ${leadImport._id}` });
  }

  async setPresence(agentId: string, presence: Presence, reason: string): Promise<AgentDoc | null> {
    const change = await setAgentPresence(this.db, agentId, presence, reason);
    if (change?.changed && presence === 'ONLINE') this.router.kick();
    return change?.agent ?? null;
  }

  /**
   * Answers a lead. Its routing effect (a free slot) is this instance's to act on, so it kicks the
   * local router and announces nothing: the agent document's change reaches supervisors.
   */
  async resolve(input: ResolveInput): Promise<LeadDoc> {
    const lead = await resolveLead(this.db, input);
    this.router.kick();
    if (lead.assignedAt && lead.resolvedAt) {
      const seconds = (lead.resolvedAt.getTime() - lead.assignedAt.getTime()) / 1000;
      this.metrics.timeToAnswer.observe({ agent: input.agentId, outcome: input.outcome }, seconds);
    }
    return lead;
  }

  async decline(input: DeclineInput): Promise<LeadDoc> {
    const lead = await declineLead(this.db, input);
    this.router.kick();
    this.metrics.declines.inc({ agent: input.agentId });
    await recordLeadEvent(this.db, { kind: 'RELEASED', at: new Date(), agentId: input.agentId, lead, reason: `declined: ${input.reason}` });
    return lead;
  }

  private async announceAssignment({ lead, agent }: Assignment): Promise<void> {
    this.metrics.assignments.inc({ agent: agent._id });
    const waited = secondsInQueue(lead);
    if (waited !== null) this.metrics.timeInQueue.observe({ agent: agent._id }, waited);
    if (lead.expiresAt) this.expiry.arm(lead.expiresAt);
    await recordLeadEvent(this.db, { kind: 'ASSIGNED', at: lead.assignedAt ?? new Date(), agentId: agent._id, lead });
  }

  private async sweepTimeouts(): Promise<void> {
    const presence = this.app.config.LEAD_TIMEOUT_PRESENCE;
    const releases = await timeOutExpiredLeads(this.db, { presence });
    if (releases.length > 0) this.router.kick();
    for (const release of releases) {
      const agentId = release.lead.history.at(-1)?.agentId ?? '';
      this.metrics.timeouts.inc({ agent: agentId });
      await this.announceRelease(release, agentId, 'TIMED_OUT', 'push time-out', presence);
    }
  }

  /** The agent's last socket closed and the grace period passed: offline, its leads requeued. */
  private async agentGone(agentId: string): Promise<void> {
    const now = new Date();
    await setAgentPresence(this.db, agentId, 'OFFLINE', 'disconnected', now);
    const assigned = await this.db.collection<LeadDoc>(LEADS).find({ status: 'ASSIGNED', assignedTo: agentId }, { projection: { _id: 1 } }).toArray();
    for (const { _id } of assigned) {
      const release = await releaseLead(this.db, { filter: { _id }, agentId, change: 'RELEASED', actor: 'disconnect', reason: 'agent disconnected', now });
      if (release) await this.announceRelease(release, agentId, 'RELEASED', 'agent disconnected', null);
    }
    if (assigned.length > 0) this.router.kick();
  }

  private async announceRelease(release: Release, agentId: string, kind: 'TIMED_OUT' | 'RELEASED', reason: string, presence: Presence | null) {
    const at = release.lead.history.at(-1)?.at ?? new Date();
    await recordLeadEvent(this.db, { kind, at, agentId, lead: release.lead, reason });
    if (presence && release.agentBefore && release.agentBefore.presence !== presence) {
      await recordLeadEvent(this.db, { kind: 'PRESENCE_CHANGED', at, agentId, presence, reason });
    }
  }

  private openStream(): void {
    if (this.stopped) return;
    const stream = this.db.collection<LeadEventDoc>(LEAD_EVENTS).watch<LeadEventDoc, ChangeStreamDocument<LeadEventDoc>>([{ $match: { operationType: 'insert' } }]);
    stream.on('change', (change) => {
      if (change.operationType === 'insert') this.onEvent(change.fullDocument);
    });
    stream.on('error', (error) => {
      this.logger.error({ err: error }, 'lead event stream failed; reopening');
      void stream.close().catch(() => undefined);
      this.streamRetry = setTimeout(() => this.openStream(), STREAM_RETRY_MS);
      this.streamRetry.unref();
    });
    this.stream = stream;
  }

  private onEvent(event: LeadEventDoc): void {
    if (event.kind === 'ASSIGNED' && event.lead?.expiresAt) this.expiry.arm(event.lead.expiresAt);
    else if (event.kind !== 'PRESENCE_CHANGED' || event.presence === 'ONLINE') this.router.kick();
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error }, 'lead event listener failed');
      }
    }
  }
}

const instances = new WeakMap<App, LeadRouting>();

/** The lead routing of a service instance (one per App, so two instances in a test stay apart). */
export function leadRouting(app: App): LeadRouting {
  let routing = instances.get(app);
  if (!routing) {
    routing = new LeadRouting(app);
    instances.set(app, routing);
  }
  return routing;
}

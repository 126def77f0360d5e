import { randomUUID } from 'node:crypto';
import type { ChangeStream, ChangeStreamDocument, Db } from '../../datasources/store';
import type { Logger } from '../../logger';
import { AgentSessions } from './agentSessions';
import { setAgentPresence } from './agents';
import { declineLead, resolveLead, type DeclineInput, type ResolveInput } from './answerLead';
import { assignFreedAgent, assignRound, type Assignment, type AssignOptions } from './assignLead';
import { leadEvent, recordLeadEvent, type LeadEventInput } from './events';
import { ExpiryTimer } from './expiryTimer';
import { secondsInQueue, type LeadMetrics } from './metrics';
import {
  LEAD_EVENTS,
  LEADS,
  type AgentDoc,
  type LeadDoc,
  type LeadEventDoc,
  type LeadImportDoc,
  type Presence,
  type RoutingModel,
} from './model';
import { releaseLead, type Release } from './releaseLead';
import { LeadRouter } from './router';
import { nextExpiry, timeOutExpiredLeads } from './timeOutLeads';

/** Wait before reopening a failed change stream (e.g. a MongoDB primary election). */
const STREAM_RETRY_MS = 1000;

type Listener = (event: LeadEventDoc) => void;

export interface LeadRoutingOptions {
  db: Db;
  logger: Logger;
  metrics: LeadMetrics;
  /** LEAD_ROUTING_MODEL. */
  model: RoutingModel;
  /** LEAD_PUSH_TIMEOUT_SECONDS in ms. */
  pushTimeoutMs: number;
  /** AGENT_DISCONNECT_GRACE_SECONDS in ms. */
  graceMs: number;
  /** LEAD_TIMEOUT_PRESENCE: what an agent becomes when it lets a lead time out. */
  timeoutPresence: Presence;
}

/**
 * Lead routing on one service instance: the router, the push time-out timer, agent sessions and
 * the feed of routing events. Every state change is written to the store first and announced as
 * a lead_events document; all instances (this one included) learn of it from that collection's
 * change stream, so subscribers and routers behave the same whichever instance made the change.
 */
export class LeadRouting {
  readonly sessions: AgentSessions;
  private readonly router: LeadRouter;
  private readonly expiry: ExpiryTimer;
  private readonly listeners = new Set<Listener>();
  /** Events this instance announced itself, not to be dispatched again when the stream echoes them. */
  private readonly announced = new Set<string>();
  /** Event inserts still in flight; stop() waits for them. */
  private readonly writes = new Set<Promise<unknown>>();
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly metrics: LeadMetrics;
  private readonly timeoutPresence: Presence;
  private readonly assignOptions: AssignOptions;
  private stream: ChangeStream<LeadEventDoc> | null = null;
  private streamRetry: NodeJS.Timeout | null = null;
  /** Routers and timers run only in a started instance (the CLI's demo only records events). */
  private started = false;
  private stopped = false;

  constructor(options: LeadRoutingOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.timeoutPresence = options.timeoutPresence;
    const assignOptions: AssignOptions = { model: options.model, pushTimeoutMs: options.pushTimeoutMs };
    this.assignOptions = assignOptions;
    this.router = new LeadRouter({
      assignRound: () => assignRound(this.db, assignOptions),
      assignAgent: (agent) => assignFreedAgent(this.db, agent, assignOptions),
      onAssigned: (assignment) => this.announceAssignment(assignment),
      logger: this.logger,
    });
    this.expiry = new ExpiryTimer({
      sweep: () => this.sweepTimeouts(),
      next: () => nextExpiry(this.db),
      logger: this.logger,
    });
    this.sessions = new AgentSessions({
      db: options.db,
      instanceId: randomUUID(),
      graceMs: options.graceMs,
      onGraceExpired: (agentId) => this.agentGone(agentId),
      logger: this.logger,
    });
  }

  /** Tails the event feed, re-arms time-outs stored before a restart and routes what waits. */
  async start(): Promise<void> {
    this.started = true;
    this.openStream();
    await this.expiry.rearm();
    this.router.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.streamRetry) clearTimeout(this.streamRetry);
    await Promise.all([this.router.stop(), this.expiry.stop(), this.sessions.stop()]);
    await Promise.allSettled([...this.writes]);
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

  /** Wakes every instance's router; awaited, so an upload made from the CLI reaches a server. */
  async leadsQueued(leadImport: LeadImportDoc): Promise<void> {
    if (leadImport.accepted === 0) return;
    await this.announce({ kind: 'QUEUED', at: leadImport.createdAt, reason: `import ${leadImport._id}` });
  }

  async setPresence(agentId: string, presence: Presence, reason: string): Promise<AgentDoc | null> {
    const change = await setAgentPresence(this.db, agentId, presence, reason);
    if (change?.changed && presence === 'ONLINE') this.router.kick();
    return change?.agent ?? null;
  }

  /**
   * Answers a lead; the agent's next lead, if one waits, comes with the answer (the agent is
   * told at once). A freed slot is offered again: a lead queued while it was being freed would
   * otherwise wait for the next event.
   */
  async resolve(input: ResolveInput): Promise<LeadDoc> {
    const { lead, agent, next } = await resolveLead(this.db, input, this.assignOptions);
    if (next) this.announceAssignment(next);
    else if (agent) this.router.offer(agent);
    if (lead.assignedAt && lead.resolvedAt) {
      const seconds = (lead.resolvedAt.getTime() - lead.assignedAt.getTime()) / 1000;
      this.metrics.timeToAnswer.observe({ agent: input.agentId, outcome: input.outcome }, seconds);
    }
    return lead;
  }

  async decline(input: DeclineInput): Promise<LeadDoc> {
    const { lead, agent } = await declineLead(this.db, input);
    // the declined lead is queued again: a round finds it another agent; the decliner is free
    this.router.kick();
    if (agent) this.router.offer(agent);
    this.metrics.declines.inc({ agent: input.agentId });
    void this.announce({
      kind: 'RELEASED',
      at: new Date(),
      agentId: input.agentId,
      lead,
      reason: `declined: ${input.reason}`,
    });
    return lead;
  }

  private announceAssignment({ lead, agent }: Assignment): void {
    this.metrics.assignments.inc({ agent: agent._id });
    const waited = secondsInQueue(lead);
    if (waited !== null) this.metrics.timeInQueue.observe({ agent: agent._id }, waited);
    if (lead.expiresAt) this.expiry.arm(lead.expiresAt);
    void this.announce({ kind: 'ASSIGNED', at: lead.assignedAt ?? new Date(), agentId: agent._id, lead });
  }

  private async sweepTimeouts(): Promise<void> {
    const presence = this.timeoutPresence;
    const releases = await timeOutExpiredLeads(this.db, { presence });
    if (releases.length > 0) this.router.kick();
    for (const release of releases) {
      const agentId = release.lead.history.at(-1)?.agentId ?? '';
      this.metrics.timeouts.inc({ agent: agentId });
      this.announceRelease(release, agentId, 'TIMED_OUT', 'push time-out', presence);
    }
  }

  /** The agent's last socket closed and the grace period passed: offline, its leads requeued. */
  private async agentGone(agentId: string): Promise<void> {
    const now = new Date();
    await setAgentPresence(this.db, agentId, 'OFFLINE', 'disconnected', now);
    const assigned = await this.db
      .collection<LeadDoc>(LEADS)
      .find({ status: 'ASSIGNED', assignedTo: agentId }, { projection: { _id: 1 } })
      .toArray();
    for (const { _id } of assigned) {
      const release = await releaseLead(this.db, {
        filter: { _id },
        agentId,
        change: 'RELEASED',
        actor: 'disconnect',
        reason: 'agent disconnected',
        now,
      });
      if (release) this.announceRelease(release, agentId, 'RELEASED', 'agent disconnected', null);
    }
    if (assigned.length > 0) this.router.kick();
  }

  private announceRelease(
    release: Release,
    agentId: string,
    kind: 'TIMED_OUT' | 'RELEASED',
    reason: string,
    presence: Presence | null,
  ): void {
    const at = release.lead.history.at(-1)?.at ?? new Date();
    void this.announce({ kind, at, agentId, lead: release.lead, reason });
    if (presence && release.agentBefore && release.agentBefore.presence !== presence) {
      void this.announce({ kind: 'PRESENCE_CHANGED', at, agentId, presence, reason });
    }
  }

  private openStream(): void {
    if (this.stopped) return;
    // a new stream does not echo what the old one missed: forget what was waiting for an echo
    this.announced.clear();
    const stream = this.db
      .collection<LeadEventDoc>(LEAD_EVENTS)
      .watch<LeadEventDoc, ChangeStreamDocument<LeadEventDoc>>([{ $match: { operationType: 'insert' } }]);
    stream.on('change', (change) => {
      if (change.operationType !== 'insert' || this.announced.delete(change.fullDocument._id)) return;
      this.onEvent(change.fullDocument);
    });
    stream.on('error', (error) => {
      this.logger.error({ err: error }, 'lead event stream failed; reopening');
      void stream.close().catch(() => undefined);
      this.streamRetry = setTimeout(() => this.openStream(), STREAM_RETRY_MS);
      this.streamRetry.unref();
    });
    this.stream = stream;
  }

  /**
   * Tells this instance's listeners at once and records the event for the others. Local agents
   * do not wait for the insert's commit and its trip through the change stream: that is most of
   * the latency between a claim and the push. The returned write never rejects (a failure is
   * logged) and stop() waits for it, so callers may leave it unawaited.
   */
  private announce(input: LeadEventInput): Promise<unknown> {
    const event = leadEvent(input);
    this.announced.add(event._id);
    this.onEvent(event);
    const write = recordLeadEvent(this.db, event).catch((error) => {
      this.announced.delete(event._id);
      this.logger.error({ err: error, kind: event.kind, leadId: event.leadId }, 'lead event could not be recorded');
    });
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
    return write;
  }

  private onEvent(event: LeadEventDoc): void {
    if (this.started) this.react(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error }, 'lead event listener failed');
      }
    }
  }

  /** What an event means for this instance's router and time-out timer. */
  private react(event: LeadEventDoc): void {
    if (event.kind === 'ASSIGNED') {
      if (event.lead?.expiresAt) this.expiry.arm(event.lead.expiresAt);
    } else if (event.kind !== 'PRESENCE_CHANGED' || event.presence === 'ONLINE') {
      this.router.kick();
    }
  }
}

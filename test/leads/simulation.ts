import type { Db } from '../../src/datasources/store';
import type { LeadRouting } from '../../src/services/leads/leadRouting';
import {
  AGENTS,
  LEADS,
  type AgentDoc,
  type LeadChange,
  type LeadDoc,
  type LeadEventDoc,
} from '../../src/services/leads/model';
import { seededRandom } from '../../src/services/seededRandom';

/** What a simulated agent does with a lead pushed to it. */
type Behaviour = 'answer' | 'decline' | 'ignore' | 'disconnect';

export interface SimulatedInstance {
  routing: LeadRouting;
  db: Db;
}

export interface SimulationOptions {
  instances: SimulatedInstance[];
  agentIds: string[];
  /** Deterministic pseudo-random sequence. */
  seed: number;
  /** AGENT_DISCONNECT_GRACE_SECONDS of the instances, in ms. */
  graceMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Agents that answer (most leads), decline, ignore (push time-out) or drop their connection
 * (coming back within or after the grace period), each listening on one of the instances and
 * acting through it. Counts every ASSIGNED delivery per agent for the invariant checks.
 */
export class Simulation {
  readonly delivered = new Map<string, number>();
  readonly failures: string[] = [];
  private readonly random: () => number;
  private readonly sessions = new Map<string, string>();
  private readonly stops: (() => void)[] = [];
  private stopped = false;
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly options: SimulationOptions) {
    this.random = seededRandom(options.seed);
  }

  async start(): Promise<void> {
    for (const [index, agentId] of this.options.agentIds.entries()) {
      const instance = this.options.instances[index % this.options.instances.length]!;
      this.delivered.set(agentId, 0);
      this.sessions.set(agentId, await instance.routing.sessions.open(agentId));
      this.stops.push(instance.routing.listen((event) => this.onEvent(instance, agentId, event)));
      await instance.routing.setPresence(agentId, 'ONLINE', 'simulation');
    }
  }

  /** Agents stop acting and go OFFLINE; what they hold is left to time out. Deliveries still count. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.pending]);
    for (const [index, agentId] of this.options.agentIds.entries()) {
      const instance = this.options.instances[index % this.options.instances.length]!;
      await instance.routing.setPresence(agentId, 'OFFLINE', 'simulation over');
    }
  }

  detach(): void {
    for (const stop of this.stops) stop();
  }

  private onEvent(instance: SimulatedInstance, agentId: string, event: LeadEventDoc): void {
    if (event.agentId !== agentId) return;
    if (event.kind === 'ASSIGNED' && event.lead) {
      this.delivered.set(agentId, this.delivered.get(agentId)! + 1);
      if (!this.stopped) this.track(this.work(instance, agentId, event.lead));
    } else if (event.kind === 'PRESENCE_CHANGED' && event.presence === 'OFFLINE') {
      // after a time-out or a lost connection the agent comes back a little later
      this.track(this.comeBack(instance, agentId));
    }
  }

  private async comeBack(instance: SimulatedInstance, agentId: string): Promise<void> {
    await sleep(50);
    if (!this.stopped) await instance.routing.setPresence(agentId, 'ONLINE', 'back');
  }

  private behaviour(): Behaviour {
    const roll = this.random();
    if (roll < 0.8) return 'answer';
    if (roll < 0.9) return 'decline';
    if (roll < 0.95) return 'ignore';
    return 'disconnect';
  }

  private async work(instance: SimulatedInstance, agentId: string, lead: LeadDoc): Promise<void> {
    const behaviour = this.behaviour();
    await sleep(Math.floor(this.random() * 10));
    if (this.stopped) return;
    if (behaviour === 'answer') {
      const outcome = (['POSITIVE_REPLY', 'NEUTRAL_REPLY', 'NOT_A_LEAD'] as const)[Math.floor(this.random() * 3)]!;
      await this.tolerate(instance.routing.resolve({ leadId: lead._id, agentId, outcome, note: null }));
    } else if (behaviour === 'decline') {
      await this.tolerate(instance.routing.decline({ leadId: lead._id, agentId, reason: 'simulated decline' }));
    } else if (behaviour === 'disconnect') {
      const session = this.sessions.get(agentId)!;
      await instance.routing.sessions.close(session, agentId);
      // half come back within the grace period and keep the lead, half after it and lose it
      const away = this.random() < 0.5 ? this.options.graceMs / 3 : this.options.graceMs * 2;
      await sleep(away);
      this.sessions.set(agentId, await instance.routing.sessions.open(agentId));
    }
  }

  /** A lead that timed out or was released meanwhile answers CONFLICT: expected under load. */
  private async tolerate(action: Promise<unknown>): Promise<void> {
    try {
      await action;
    } catch (error) {
      const code = (error as { extensions?: { code?: string } }).extensions?.code;
      if (code !== 'CONFLICT') this.failures.push(`${code ?? 'ERROR'}: ${(error as Error).message}`);
    }
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
  }
}

const CLOCK_TOLERANCE_MS = 250;

const NEXT: Record<LeadChange, LeadChange[]> = {
  QUEUED: ['ASSIGNED'],
  ASSIGNED: ['RESOLVED', 'DECLINED', 'TIMED_OUT', 'RELEASED'],
  DECLINED: ['ASSIGNED'],
  TIMED_OUT: ['ASSIGNED'],
  RELEASED: ['ASSIGNED'],
  RESOLVED: [],
};

/**
 * Checks the end state against the routing invariants and returns every violation found:
 * each history is a valid sequence in time order with one agent per assignment (so no lead was
 * ever held by two agents), every lead is RESOLVED or QUEUED, agents' counters match the
 * histories, and every assignment reached its agent exactly once.
 */
export async function invariantViolations(db: Db, delivered: Map<string, number>): Promise<string[]> {
  const problems: string[] = [];
  const leads = await db.collection<LeadDoc>(LEADS).find({}).toArray();
  const assignments = new Map<string, number>();
  const answers = new Map<string, number>();
  for (const lead of leads) {
    if (lead.status !== 'RESOLVED' && lead.status !== 'QUEUED') problems.push(`${lead.email} ended ${lead.status}`);
    const history = lead.history;
    if (history[0]?.change !== 'QUEUED') problems.push(`${lead.email}: history does not start with QUEUED`);
    for (let i = 1; i < history.length; i += 1) {
      const [before, entry] = [history[i - 1]!, history[i]!];
      if (!NEXT[before.change].includes(entry.change))
        problems.push(`${lead.email}: ${before.change} -> ${entry.change}`);
      // entries are ordered by position (each is pushed in the same atomic update as its change);
      // their times come from the clock of the writer, so a release and a racing claim may
      // differ by the few milliseconds between reading the clock and writing
      if (entry.at.getTime() < before.at.getTime() - CLOCK_TOLERANCE_MS)
        problems.push(`${lead.email}: history goes back in time at ${i}`);
      if (before.change === 'ASSIGNED' && entry.agentId !== before.agentId)
        problems.push(`${lead.email}: assigned to ${before.agentId}, ${entry.change} by ${entry.agentId}`);
      if (entry.change === 'ASSIGNED') assignments.set(entry.agentId!, (assignments.get(entry.agentId!) ?? 0) + 1);
      if (entry.change === 'RESOLVED') answers.set(entry.agentId!, (answers.get(entry.agentId!) ?? 0) + 1);
    }
    const last = history.at(-1)!.change;
    const expected = lead.status === 'RESOLVED' ? last === 'RESOLVED' : last !== 'RESOLVED' && last !== 'ASSIGNED';
    if (!expected) problems.push(`${lead.email}: status ${lead.status} but last change ${last}`);
  }
  for (const agent of await db.collection<AgentDoc>(AGENTS).find({}).toArray()) {
    if (agent.openLeads !== 0) problems.push(`${agent._id}: openLeads ${agent.openLeads} at the end`);
    if (agent.answeredToday !== (answers.get(agent._id) ?? 0))
      problems.push(`${agent._id}: answeredToday ${agent.answeredToday}, histories say ${answers.get(agent._id) ?? 0}`);
    if (delivered.has(agent._id) && delivered.get(agent._id) !== (assignments.get(agent._id) ?? 0)) {
      problems.push(
        `${agent._id}: ${delivered.get(agent._id)} assignments delivered, ${assignments.get(agent._id) ?? 0} made`,
      );
    }
  }
  return problems;
}

/** Watches agents and records any moment an agent held more leads than its capacity (or < 0). */
export function watchCapacity(db: Db): { violations: string[]; close: () => Promise<void> } {
  const violations: string[] = [];
  const stream = db.collection<AgentDoc>(AGENTS).watch([], { fullDocument: 'updateLookup' });
  stream.on('change', (change) => {
    const agent = 'fullDocument' in change ? change.fullDocument : undefined;
    if (agent && (agent.openLeads > agent.capacity || agent.openLeads < 0))
      violations.push(`${agent._id}: ${agent.openLeads}/${agent.capacity}`);
  });
  stream.on('error', (error) => violations.push(`watch failed: ${(error as Error).message}`));
  return { violations, close: () => stream.close() };
}

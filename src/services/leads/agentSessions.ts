import type { Db } from '../../datasources/store';
import type { Logger } from '../../logger';
import { newId } from './ids';
import { AGENT_SESSIONS, type AgentSessionDoc } from './model';

export interface AgentSessionsOptions {
  db: Db;
  /** Names this process's sessions in the store. */
  instanceId: string;
  /** AGENT_DISCONNECT_GRACE_SECONDS in ms. */
  graceMs: number;
  /** Called once the agent has had no session anywhere for the whole grace period. */
  onGraceExpired: (agentId: string) => Promise<void>;
  logger: Logger;
}

/**
 * Tracks each agent's open subscriptions (one per WebSocket) in the store, so every instance
 * knows whether an agent is still connected somewhere. When the last one closes, a grace timer
 * starts; it only acts if, when it fires, no session exists on any instance: an agent that
 * reconnects within the grace period, here or elsewhere, keeps its presence and its leads.
 */
export class AgentSessions {
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: AgentSessionsOptions) {}

  async open(agentId: string): Promise<string> {
    this.cancelGrace(agentId);
    const session: AgentSessionDoc = {
      _id: newId(),
      agentId,
      instanceId: this.options.instanceId,
      openedAt: new Date(),
    };
    await this.sessions().insertOne(session);
    return session._id;
  }

  async close(sessionId: string, agentId: string): Promise<void> {
    if (this.stopped) return;
    await this.sessions().deleteOne({ _id: sessionId });
    if (await this.connected(agentId)) return;
    this.cancelGrace(agentId);
    const timer = setTimeout(() => void this.graceOver(agentId), this.options.graceMs);
    timer.unref();
    this.graceTimers.set(agentId, timer);
  }

  /**
   * Stops the grace timers and removes this instance's sessions while the store is still open:
   * its sockets are about to close, and their agents may reconnect to another instance.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
    await this.sessions().deleteMany({ instanceId: this.options.instanceId });
  }

  private async graceOver(agentId: string): Promise<void> {
    this.graceTimers.delete(agentId);
    try {
      if (this.stopped || (await this.connected(agentId))) return;
      await this.options.onGraceExpired(agentId);
    } catch (error) {
      this.options.logger.error({ err: error, agentId }, 'agent disconnect handling failed');
    }
  }

  private async connected(agentId: string): Promise<boolean> {
    return (await this.sessions().countDocuments({ agentId }, { limit: 1 })) > 0;
  }

  private cancelGrace(agentId: string): void {
    const timer = this.graceTimers.get(agentId);
    if (timer) clearTimeout(timer);
    this.graceTimers.delete(agentId);
  }

  private sessions() {
    return this.options.db.collection<AgentSessionDoc>(AGENT_SESSIONS);
  }
}

import type { Logger } from '../../logger';
import type { AgentDoc } from './model';
import type { Assignment } from './assignLead';

/** After a failed round (store unreachable) the router tries again this much later. */
const RETRY_MS = 1000;

export interface LeadRouterOptions {
  /** One round of atomic assignments; empty when nothing can be assigned now. */
  assignRound: () => Promise<Assignment[]>;
  /** The fast path for one agent whose slot was just freed. */
  assignAgent: (agent: AgentDoc) => Promise<Assignment | null>;
  /** Tells the agent and arms the time-out. */
  onAssigned: (assignment: Assignment) => void;
  logger: Logger;
}

/**
 * Event-driven routing. kick() is called whenever something could make an assignment possible
 * (a lead queued or released, an agent online or freed, on this instance or another); it drains
 * every possible assignment and then sleeps until the next kick. Kicks during a drain coalesce
 * into one more pass, so there is never more than one pass running and never a polling loop:
 * with nobody online a queued lead costs nothing until an agent arrives.
 */
export class LeadRouter {
  private active: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly offers = new Set<Promise<void>>();

  constructor(private readonly options: LeadRouterOptions) {}

  kick(): void {
    if (this.stopped) return;
    if (this.active) {
      this.again = true;
      return;
    }
    this.active = this.drain().finally(() => {
      this.active = null;
      if (this.again) this.kick();
    });
  }

  /**
   * An agent's slot was just freed here: it claims a waiting lead at once, without waiting for
   * a round in progress (which is what keeps the time from answer to next lead short).
   */
  offer(agent: AgentDoc): void {
    if (this.stopped) return;
    const offer = this.options
      .assignAgent(agent)
      .then((assignment) => {
        if (assignment) this.options.onAssigned(assignment);
      })
      .catch((error) => {
        this.options.logger.error({ err: error, agentId: agent._id }, 'direct assignment failed; routing a round');
        this.kick();
      });
    this.offers.add(offer);
    void offer.finally(() => this.offers.delete(offer));
  }

  /** Resolves when no pass or offer is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.active || this.offers.size > 0) await Promise.all([this.active, ...this.offers]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.idle();
  }

  private async drain(): Promise<void> {
    this.again = false;
    try {
      for (;;) {
        if (this.stopped) return;
        const assignments = await this.options.assignRound();
        if (assignments.length === 0) return;
        for (const assignment of assignments) this.options.onAssigned(assignment);
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'lead routing pass failed; retrying');
      this.retryLater();
    }
  }

  private retryLater(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, RETRY_MS);
    this.retryTimer.unref();
  }
}

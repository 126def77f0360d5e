import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { holdsRole, Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { forbidden, notFound, unauthenticated } from '../../errors';
import { Agent } from '../../schema/leads/agent.type';
import { AgentPresence } from '../../schema/leads/enums';
import { LeadAssignmentEvent } from '../../schema/leads/leadAssignmentEvent.type';
import { LeadQueue } from '../../schema/leads/leadQueue.type';
import { agentIdOf, ensureAgent, setAgentCapacity } from '../../services/leads/agents';
import { agentFeed, queueFeed } from '../../services/leads/feeds';
import { leadQueueSnapshot, type LeadQueueSnapshot } from '../../services/leads/leadQueue';
import { leadRouting } from '../../services/leads/leadRouting';
import type { LeadEventDoc } from '../../services/leads/model';

/** Subscriptions check the caller when they start; @Authorized would only run per event. */
function requireRole({ principal }: GraphQLContext, role: Role) {
  if (!principal) throw unauthenticated();
  if (!holdsRole(principal.role, role)) throw forbidden(`This subscription needs the ${role} role`);
  return principal;
}

@Resolver(() => Agent)
export class AgentResolver {
  @Authorized(Role.AGENT)
  @Query(() => Agent, { description: 'The agent the API key in use acts as' })
  async myAgent(@Ctx() { app, principal }: GraphQLContext): Promise<Agent> {
    return Agent.fromDocument(await ensureAgent(app.db, principal!));
  }

  @Authorized(Role.AGENT)
  @Mutation(() => Agent, { description: 'Sets your presence; only ONLINE agents receive leads. Connecting a WebSocket does not.' })
  async setPresence(@Arg('status', () => AgentPresence) status: AgentPresence, @Ctx() { app, principal }: GraphQLContext): Promise<Agent> {
    await ensureAgent(app.db, principal!);
    const agent = await leadRouting(app).setPresence(agentIdOf(principal!), status, `set by ${principal!.name}`);
    if (!agent) throw notFound('Agent', agentIdOf(principal!));
    return Agent.fromDocument(agent);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Agent, { description: 'Sets how many leads an agent works at once (1 to 50)' })
  async setAgentCapacity(
    @Arg('agentId', () => ID) agentId: string,
    @Arg('capacity', () => Int) capacity: number,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Agent> {
    const agent = await setAgentCapacity(app.db, agentId, capacity);
    if (!agent) throw notFound('Agent', agentId);
    return Agent.fromDocument(agent);
  }

  @Authorized(Role.VIEWER)
  @Query(() => LeadQueue, { description: 'Backlog, oldest waiting lead, assignments and every agent' })
  async leadQueue(@Ctx() { app }: GraphQLContext): Promise<LeadQueue> {
    return LeadQueue.fromSnapshot(await leadQueueSnapshot(app.db));
  }

  @Subscription(() => LeadAssignmentEvent, {
    description: 'Leads pushed to you (ASSIGNED, also those still open when you subscribe), leads taken back (TIMED_OUT, RELEASED) and presence changes',
    subscribe: async ({ context }) => {
      const ctx = context as GraphQLContext;
      const principal = requireRole(ctx, Role.AGENT);
      await ensureAgent(ctx.app.db, principal);
      return agentFeed(leadRouting(ctx.app), ctx.app.db, agentIdOf(principal));
    },
  })
  myLeadAssignments(@Root() event: LeadEventDoc): LeadAssignmentEvent {
    return LeadAssignmentEvent.fromEvent(event);
  }

  @Subscription(() => LeadQueue, {
    description: 'The supervisor view, now and after every change (at most four times a second)',
    subscribe: ({ context }) => {
      const ctx = context as GraphQLContext;
      requireRole(ctx, Role.VIEWER);
      return queueFeed(leadRouting(ctx.app), ctx.app.db);
    },
  })
  leadQueueUpdated(@Root() snapshot: LeadQueueSnapshot): LeadQueue {
    return LeadQueue.fromSnapshot(snapshot);
  }
}

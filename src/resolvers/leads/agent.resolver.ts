import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { holdsRole, Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { forbidden, notFound, unauthenticated } from '../../errors';
import { Agent } from '../../schema/leads/agent.type';
import { AgentPresence } from '../../schema/leads/enums';
import { LeadAssignmentEvent } from '../../schema/leads/leadAssignmentEvent.type';
import { LeadQueue } from '../../schema/leads/leadQueue.type';
import { agentIdOf } from '../../services/leads/agents';
import type { LeadQueueSnapshot } from '../../services/leads/leadQueue';
import type { LeadServices } from '../../services/leads/leadServices';
import type { LeadEventDoc } from '../../services/leads/model';

/** Subscriptions check the caller when they start; @Authorized would only run per event. */
function requireRole({ principal }: GraphQLContext, role: Role) {
  if (!principal) throw unauthenticated();
  if (!holdsRole(principal.role, role)) throw forbidden(`This subscription needs the ${role} role`);
  return principal;
}

/** The services of the app a subscription runs in (subscribe functions get no resolver). */
function servicesOf(context: unknown): LeadServices {
  return ((context as GraphQLContext).resolvers.get(AgentResolver) as AgentResolver).services;
}

@Resolver(() => Agent)
export class AgentResolver {
  constructor(readonly services: LeadServices) {}

  @Authorized(Role.AGENT)
  @Query(() => Agent, { description: 'The agent the API key in use acts as' })
  async myAgent(@Ctx() { principal }: GraphQLContext): Promise<Agent> {
    return Agent.fromDocument(await this.services.agents.ensure(principal!));
  }

  @Authorized(Role.AGENT)
  @Mutation(() => Agent, {
    description: 'Sets your presence; only ONLINE agents receive leads. Connecting a WebSocket does not.',
  })
  async setPresence(
    @Arg('status', () => AgentPresence) status: AgentPresence,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Agent> {
    await this.services.agents.ensure(principal!);
    const agentId = agentIdOf(principal!);
    const agent = await this.services.routing.setPresence(agentId, status, `set by ${principal!.name}`);
    if (!agent) throw notFound('Agent', agentId);
    return Agent.fromDocument(agent);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Agent, { description: 'Sets how many leads an agent works at once (1 to 50)' })
  async setAgentCapacity(
    @Arg('agentId', () => ID) agentId: string,
    @Arg('capacity', () => Int) capacity: number,
  ): Promise<Agent> {
    const agent = await this.services.agents.setCapacity(agentId, capacity);
    if (!agent) throw notFound('Agent', agentId);
    return Agent.fromDocument(agent);
  }

  @Authorized(Role.VIEWER)
  @Query(() => LeadQueue, { description: 'Backlog, oldest waiting lead, assignments and every agent' })
  async leadQueue(): Promise<LeadQueue> {
    return LeadQueue.fromSnapshot(await this.services.queries.queue());
  }

  @Subscription(() => LeadAssignmentEvent, {
    description:
      'Leads pushed to you (ASSIGNED, also those still open when you subscribe), ' +
      'leads taken back (TIMED_OUT, RELEASED) and presence changes',
    subscribe: async ({ context }) => {
      const principal = requireRole(context as GraphQLContext, Role.AGENT);
      const { agents, feeds } = servicesOf(context);
      await agents.ensure(principal);
      return feeds.agent(agentIdOf(principal));
    },
  })
  myLeadAssignments(@Root() event: LeadEventDoc): LeadAssignmentEvent {
    return LeadAssignmentEvent.fromEvent(event);
  }

  @Subscription(() => LeadQueue, {
    description: 'The supervisor view, now and after every change (at most four times a second)',
    subscribe: ({ context }) => {
      requireRole(context as GraphQLContext, Role.VIEWER);
      return servicesOf(context).feeds.queue();
    },
  })
  leadQueueUpdated(@Root() snapshot: LeadQueueSnapshot): LeadQueue {
    return LeadQueue.fromSnapshot(snapshot);
  }
}

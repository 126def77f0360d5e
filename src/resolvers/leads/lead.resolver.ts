import type { Filter } from 'mongodb';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { Agent } from '../../schema/leads/agent.type';
import { LeadOutcome } from '../../schema/leads/enums';
import { LeadFilter } from '../../schema/leads/lead.input';
import { Lead, LeadConnection } from '../../schema/leads/lead.type';
import { LeadImport } from '../../schema/leads/leadImport.type';
import { agentIdOf } from '../../services/leads/agents';
import { leadRouting } from '../../services/leads/leadRouting';
import { AGENTS, LEAD_IMPORTS, LEADS, type AgentDoc, type LeadDoc, type LeadImportDoc } from '../../services/leads/model';
import { connectionComplexity } from '../../schema/complexity';
import { paginate } from '../../services/pagination';

const MAX_NOTE = 2000;
const MAX_REASON = 500;

@ArgsType()
class LeadsArgs {
  @Field(() => LeadFilter, { nullable: true })
  filter?: LeadFilter;

  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

function leadsFilter(filter: LeadFilter | undefined): Filter<LeadDoc> {
  const query: Filter<LeadDoc> = {};
  if (!filter) return query;
  if (filter.status) query.status = filter.status;
  if (filter.assignedTo) query.assignedTo = filter.assignedTo;
  if (filter.importId) query.importId = filter.importId;
  if (filter.createdFrom || filter.createdTo) {
    query.createdAt = { ...(filter.createdFrom ? { $gte: filter.createdFrom } : {}), ...(filter.createdTo ? { $lt: filter.createdTo } : {}) };
  }
  return query;
}

function checkedText(value: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const text = value?.trim() ?? '';
  if (required && !text) throw badInput(`${field}: required`, field);
  if (text.length > max) throw badInput(`${field}: at most ${max} characters`, field);
  return text || null;
}

@Resolver(() => Lead)
export class LeadResolver {
  @Authorized(Role.VIEWER)
  @Query(() => LeadConnection, { description: 'Leads, newest upload first', complexity: connectionComplexity })
  leads(@Args() { filter, first, after }: LeadsArgs, @Ctx() { app }: GraphQLContext): Promise<LeadConnection> {
    return paginate(app.db.collection<LeadDoc>(LEADS), leadsFilter(filter), { first, after }, {
      sortField: 'createdAt',
      direction: -1,
      toNode: Lead.fromDocument,
    });
  }

  @Authorized(Role.VIEWER)
  @Query(() => Lead, { description: 'One lead with its full history' })
  async lead(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<Lead> {
    const doc = await loaders.byId<LeadDoc>(LEADS).load(id);
    if (!doc) throw notFound('Lead', id);
    return Lead.fromDocument(doc);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => Lead, { description: 'Answers a lead assigned to you; another agent gets FORBIDDEN' })
  async resolveLead(
    @Arg('id', () => ID) id: string,
    @Arg('outcome', () => LeadOutcome) outcome: LeadOutcome,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() { app, principal }: GraphQLContext,
  ): Promise<Lead> {
    const checkedNote = checkedText(note, 'note', MAX_NOTE, false);
    const lead = await leadRouting(app).resolve({ leadId: id, agentId: agentIdOf(principal!), outcome, note: checkedNote });
    return Lead.fromDocument(lead);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => Lead, { description: 'Hands a lead assigned to you back to the queue for another agent' })
  async declineLead(
    @Arg('id', () => ID) id: string,
    @Arg('reason') reason: string,
    @Ctx() { app, principal }: GraphQLContext,
  ): Promise<Lead> {
    const checkedReason = checkedText(reason, 'reason', MAX_REASON, true)!;
    const lead = await leadRouting(app).decline({ leadId: id, agentId: agentIdOf(principal!), reason: checkedReason });
    return Lead.fromDocument(lead);
  }

  @FieldResolver(() => LeadImport, { nullable: true, description: 'The upload the lead came from' })
  async leadImport(@Root() lead: Lead, @Ctx() { loaders }: GraphQLContext): Promise<LeadImport | null> {
    const doc = await loaders.byId<LeadImportDoc>(LEAD_IMPORTS).load(lead.importId);
    return doc ? LeadImport.fromDocument(doc) : null;
  }

  @FieldResolver(() => Agent, { nullable: true, description: 'The agent working it now' })
  async agent(@Root() lead: Lead, @Ctx() { loaders }: GraphQLContext): Promise<Agent | null> {
    if (!lead.assignedTo) return null;
    const doc = await loaders.byId<AgentDoc>(AGENTS).load(lead.assignedTo);
    return doc ? Agent.fromDocument(doc) : null;
  }
}

import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { Agent } from '../../schema/leads/agent.type';
import { LeadOutcome } from '../../schema/leads/enums';
import { LeadFilter } from '../../schema/leads/lead.input';
import { Lead, LeadConnection } from '../../schema/leads/lead.type';
import { LeadImport } from '../../schema/leads/leadImport.type';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { agentIdOf } from '../../services/leads/agents';
import type { LeadServices } from '../../services/leads/leadServices';
import {
  AGENTS,
  LEAD_IMPORTS,
  LEADS,
  type AgentDoc,
  type LeadDoc,
  type LeadImportDoc,
} from '../../services/leads/model';

const MAX_NOTE = 2000;
const MAX_REASON = 500;

@ArgsType()
class LeadsArgs extends PageArgs {
  @Field(() => LeadFilter, { nullable: true })
  filter?: LeadFilter;
}

function checkedText(value: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const text = value?.trim() ?? '';
  if (required && !text) throw badInput(`${field}: required`, field);
  if (text.length > max) throw badInput(`${field}: at most ${max} characters`, field);
  return text || null;
}

@Resolver(() => Lead)
export class LeadResolver {
  constructor(private readonly services: LeadServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => LeadConnection, { description: 'Leads, newest upload first', complexity: connectionComplexity })
  leads(@Args() { filter, first, after }: LeadsArgs): Promise<LeadConnection> {
    return this.services.queries.leads(filter, { first, after }, Lead.fromDocument);
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
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Lead> {
    const checkedNote = checkedText(note, 'note', MAX_NOTE, false);
    const agentId = agentIdOf(principal!);
    const lead = await this.services.routing.resolve({ leadId: id, agentId, outcome, note: checkedNote });
    return Lead.fromDocument(lead);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => Lead, { description: 'Hands a lead assigned to you back to the queue for another agent' })
  async declineLead(
    @Arg('id', () => ID) id: string,
    @Arg('reason') reason: string,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Lead> {
    const checkedReason = checkedText(reason, 'reason', MAX_REASON, true)!;
    const agentId = agentIdOf(principal!);
    const lead = await this.services.routing.decline({ leadId: id, agentId, reason: checkedReason });
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

import GraphQLUpload, { type FileUpload } from 'graphql-upload/GraphQLUpload.mjs';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { LeadImport, LeadImportConnection } from '../../schema/leads/leadImport.type';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import type { LeadServices } from '../../services/leads/leadServices';
import { LEAD_IMPORTS, type LeadImportDoc } from '../../services/leads/model';
import { receiveUpload } from '../uploadedFile';

@Resolver(() => LeadImport)
export class LeadImportResolver {
  constructor(private readonly services: LeadServices) {}

  @Authorized(Role.OPERATOR)
  @Mutation(() => LeadImport, {
    description:
      'Uploads a lead list (.csv or .xlsx with an email column; ' +
      'timestamp, name, company, phone and any other columns optional) and queues its good rows',
  })
  async uploadLeads(
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Arg('listName', () => String, { nullable: true }) listName: string | null,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<LeadImport> {
    const upload = await receiveUpload(file);
    const leadImport = await this.services.uploads.upload({
      source: upload.stream,
      filename: upload.filename,
      listName,
      uploadedBy: principal!.name,
    });
    return LeadImport.fromDocument(leadImport);
  }

  @Authorized(Role.VIEWER)
  @Query(() => LeadImportConnection, {
    description: 'Uploaded lead lists, newest first',
    complexity: connectionComplexity,
  })
  leadImports(@Args() { first, after }: PageArgs): Promise<LeadImportConnection> {
    return this.services.queries.imports({ first, after }, LeadImport.fromDocument);
  }

  @Authorized(Role.VIEWER)
  @Query(() => LeadImport)
  async leadImport(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<LeadImport> {
    const doc = await loaders.byId<LeadImportDoc>(LEAD_IMPORTS).load(id);
    if (!doc) throw notFound('Lead import', id);
    return LeadImport.fromDocument(doc);
  }
}

import GraphQLUpload, { type FileUpload } from 'graphql-upload/GraphQLUpload.mjs';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { LeadImport, LeadImportConnection } from '../../schema/leads/leadImport.type';
import { LEAD_IMPORTS, type LeadImportDoc } from '../../services/leads/model';
import { uploadLeadList } from '../../services/leads/uploadLeadList';
import { connectionComplexity } from '../../schema/complexity';
import { paginate } from '../../services/pagination';

@ArgsType()
class LeadImportsArgs {
  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@Resolver(() => LeadImport)
export class LeadImportResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => LeadImport, {
    description: 'Uploads a lead list (.csv or .xlsx with an email column; timestamp, name, company, phone and any other columns optional) and queues its good rows',
  })
  async uploadLeads(
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Arg('listName', () => String, { nullable: true }) listName: string | null,
    @Ctx() { app, principal }: GraphQLContext,
  ): Promise<LeadImport> {
    const upload = await file;
    if (!upload?.createReadStream) throw badInput('file: a file sent as a GraphQL multipart upload', 'file');
    const leadImport = await uploadLeadList(app, {
      source: upload.createReadStream(),
      filename: upload.filename,
      listName,
      uploadedBy: principal!.name,
    });
    return LeadImport.fromDocument(leadImport);
  }

  @Authorized(Role.VIEWER)
  @Query(() => LeadImportConnection, { description: 'Uploaded lead lists, newest first', complexity: connectionComplexity })
  leadImports(@Args() { first, after }: LeadImportsArgs, @Ctx() { app }: GraphQLContext): Promise<LeadImportConnection> {
    return paginate(app.db.collection<LeadImportDoc>(LEAD_IMPORTS), {}, { first, after }, {
      sortField: 'createdAt',
      direction: -1,
      toNode: LeadImport.fromDocument,
    });
  }

  @Authorized(Role.VIEWER)
  @Query(() => LeadImport)
  async leadImport(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<LeadImport> {
    const doc = await loaders.byId<LeadImportDoc>(LEAD_IMPORTS).load(id);
    if (!doc) throw notFound('Lead import', id);
    return LeadImport.fromDocument(doc);
  }
}

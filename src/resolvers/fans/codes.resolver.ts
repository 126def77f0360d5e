import GraphQLUpload, { type FileUpload } from 'graphql-upload/GraphQLUpload.mjs';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { CodeAssignmentInput } from '../../schema/fans/codes.input';
import { CodePool, CodePoolConnection } from '../../schema/fans/codes.type';
import { Job, toJob } from '../../schema/jobs/job.type';
import type { FanServices } from '../../services/fans/services';
import { receiveUpload } from '../uploadedFile';

@ArgsType()
class CodePoolsArgs extends PageArgs {
  @Field(() => ID) campaignId!: string;
}

/** Code pools: uploads of NON_TM codes, the pools with their counts, and code assignment by operators. */
@Resolver(() => CodePool)
export class CodePoolResolver {
  constructor(private readonly services: FanServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => CodePoolConnection, {
    description: "A fan campaign's code pools, oldest first, with their codes counted by state",
    complexity: connectionComplexity,
  })
  async codePools(@Args() { campaignId, first, after }: CodePoolsArgs): Promise<CodePoolConnection> {
    const page = await this.services.codes.list(campaignId, { first, after });
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: CodePool.fromView(edge.node) })) };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description:
      "Adds a file of NON_TM codes to the campaign's pool of that name (.txt: one code a line; .csv or .xlsx: a " +
      'code column), as a job whose result counts added, already-pooled and rejected codes with their lines',
  })
  async uploadCodes(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('poolName') poolName: string,
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    const upload = await receiveUpload(file);
    const job = await this.services.codes.upload({
      campaignId,
      poolName,
      source: upload.stream,
      filename: upload.filename,
      requestedBy: principal!.keyId,
    });
    return toJob(job);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description:
      'Assigns codes to fans of the campaign (verdict true, demand, verdicts queue, lake), given as records (at most ' +
      '1,000) or as a .csv or .xlsx file; a job whose result counts accepted and rejected, with lines and reasons',
  })
  async assignCodes(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('records', () => [CodeAssignmentInput], { nullable: true }) records: CodeAssignmentInput[] | null,
    @Arg('file', () => GraphQLUpload, { nullable: true }) file: Promise<FileUpload> | null,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    const upload = file ? await receiveUpload(file) : null;
    const job = await this.services.codes.assign({
      campaignId,
      records: records?.map((record) => ({ ...record })) ?? null,
      file: upload ? { source: upload.stream, filename: upload.filename } : null,
      requestedBy: principal!.keyId,
    });
    return toJob(job);
  }
}

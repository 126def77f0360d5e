import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { LakeFile, LakeFileConnection, LakeFilesArgs, LakeMergePeriod } from '../../schema/fans/lake.type';
import { Job, toJob } from '../../schema/jobs/job.type';
import type { FanServices } from '../../services/fans/services';

@Resolver()
export class LakeResolver {
  constructor(private readonly services: FanServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => LakeFileConnection, {
    description: 'Files of the fan data lake under a prefix, live and archived, in key order',
    complexity: connectionComplexity,
  })
  async lakeFiles(@Args() { recordType, prefix, first, after }: LakeFilesArgs): Promise<LakeFileConnection> {
    const page = await this.services.lakeFiles.page(recordType, prefix, { first, after });
    return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: LakeFile.fromView(node) })) };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description:
      'Merges a lake prefix into one file and archives its files (the avro-merge job, then its move job): ' +
      'the prefix given, or the day or month before now for `period` alone',
  })
  async mergeLake(
    @Arg('recordType', { description: 'registration, scoring or codeAssignment' }) recordType: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('period', () => LakeMergePeriod, { nullable: true }) period?: LakeMergePeriod | null,
    @Arg('prefix', () => String, { nullable: true, description: 'YYYY/MM/DD or YYYY/MM (UTC)' })
    prefix?: string | null,
  ): Promise<Job> {
    return toJob(await this.services.lakeMerge.request({ recordType, period, prefix }, ctx.principal?.keyId));
  }
}

import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { unauthenticated } from '../../errors';
import { JOBS } from '../../jobs/jobStore';
import type { JobRecord, Jobs } from '../../jobs/jobType';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { Job, JobConnection } from '../../schema/jobs/job.type';
import { JobFilter } from '../../schema/jobs/jobFilter.input';
import type { JobsServices } from '../../services/jobs/jobsServices';

@ArgsType()
class JobsArgs extends PageArgs {
  @Field(() => JobFilter, { nullable: true })
  filter?: JobFilter;
}

/**
 * The jobs of the app a subscription runs in (subscribe functions get no resolver). Checked once,
 * when the subscription starts: any API key may follow jobs.
 */
function jobsFor({ context }: SubscribeResolverData<unknown, unknown, GraphQLContext>): Jobs {
  if (!context.principal) throw unauthenticated();
  return (context.resolvers.get(JobResolver) as JobResolver).services.jobs;
}

@Resolver(() => Job)
export class JobResolver {
  constructor(readonly services: JobsServices) {}

  @Authorized()
  @Query(() => Job, { nullable: true })
  async job(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<Job | null> {
    const record = await loaders.byId<JobRecord>(JOBS).load(id);
    return record ? Job.fromRecord(record) : null;
  }

  @Authorized()
  @Query(() => JobConnection, { description: 'Jobs, newest first', complexity: connectionComplexity })
  jobs(@Args() { filter, first, after }: JobsArgs): Promise<JobConnection> {
    return this.services.history.page(filter ?? {}, { first, after }, Job.fromRecord);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: 'Cancels a queued job at once; a running one stops at its next progress report' })
  async cancelJob(@Arg('id', () => ID) id: string, @Ctx() { principal }: GraphQLContext): Promise<Job> {
    const job = await this.services.jobs.cancel(id);
    this.services.logger.info({ jobId: id, by: principal?.keyId }, 'job cancel requested');
    return Job.fromRecord(job);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: 'Runs a FAILED or CANCELLED job again from its first attempt' })
  async retryJob(@Arg('id', () => ID) id: string, @Ctx() { principal }: GraphQLContext): Promise<Job> {
    return Job.fromRecord(await this.services.jobs.retry(id, principal?.keyId));
  }

  @Subscription(() => Job, {
    description: 'Every change of one job (status, progress, stats)',
    subscribe: (data: SubscribeResolverData<unknown, { id: string }, GraphQLContext>) =>
      jobsFor(data).watch({ id: data.args.id }),
  })
  jobUpdated(@Arg('id', () => ID) _id: string, @Root() job: JobRecord): Job {
    return Job.fromRecord(job);
  }

  @Subscription(() => Job, {
    description: 'Every change of any job, or of the jobs of one type',
    subscribe: (data: SubscribeResolverData<unknown, { type?: string | null }, GraphQLContext>) =>
      jobsFor(data).watch({ type: data.args.type }),
  })
  jobsUpdated(@Arg('type', () => String, { nullable: true }) _type: string | undefined, @Root() job: JobRecord): Job {
    return Job.fromRecord(job);
  }
}

import type { Filter } from 'mongodb';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { unauthenticated } from '../../errors';
import { JOBS } from '../../jobs/jobStore';
import type { JobRecord } from '../../jobs/jobType';
import { connectionComplexity } from '../../schema/complexity';
import { paginate } from '../../services/pagination';
import { Job, JobConnection } from '../../schema/jobs/job.type';
import { JobFilter } from '../../schema/jobs/jobFilter.input';
import { watchJobs } from './jobChanges';

@ArgsType()
class JobsArgs {
  @Field(() => JobFilter, { nullable: true })
  filter?: JobFilter;

  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

function jobsFilter(filter: JobFilter = {}): Filter<JobRecord> {
  const query: Filter<JobRecord> = {};
  if (filter.type) query.type = filter.type;
  if (filter.status) query.status = filter.status;
  if (filter.from || filter.to) {
    query.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  }
  return query;
}

/** Subscriptions are checked once, when they start: any API key may follow jobs. */
function requireCaller({ context }: SubscribeResolverData<unknown, unknown, GraphQLContext>): void {
  if (!context.principal) throw unauthenticated();
}

@Resolver(() => Job)
export class JobResolver {
  @Authorized()
  @Query(() => Job, { nullable: true })
  async job(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<Job | null> {
    const record = await loaders.byId<JobRecord>(JOBS).load(id);
    return record ? Job.fromRecord(record) : null;
  }

  @Authorized()
  @Query(() => JobConnection, { description: 'Jobs, newest first', complexity: connectionComplexity })
  jobs(@Args() { filter, first, after }: JobsArgs, @Ctx() { app }: GraphQLContext): Promise<JobConnection> {
    return paginate(app.db.collection<JobRecord>(JOBS), jobsFilter(filter), { first, after }, {
      sortField: 'createdAt',
      direction: -1,
      toNode: Job.fromRecord,
    });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: 'Cancels a queued job at once; a running one stops at its next progress report' })
  async cancelJob(@Arg('id', () => ID) id: string, @Ctx() { app, principal }: GraphQLContext): Promise<Job> {
    const job = await app.jobs.cancel(id);
    app.logger.info({ jobId: id, by: principal?.keyId }, 'job cancel requested');
    return Job.fromRecord(job);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: 'Runs a FAILED or CANCELLED job again from its first attempt' })
  async retryJob(@Arg('id', () => ID) id: string, @Ctx() { app, principal }: GraphQLContext): Promise<Job> {
    return Job.fromRecord(await app.jobs.retry(id, principal?.keyId));
  }

  @Subscription(() => Job, {
    description: 'Every change of one job (status, progress, stats)',
    subscribe: (data: SubscribeResolverData<unknown, { id: string }, GraphQLContext>) => {
      requireCaller(data);
      return watchJobs(data.context.app.db, { 'documentKey._id': data.args.id });
    },
  })
  jobUpdated(@Arg('id', () => ID) _id: string, @Root() job: JobRecord): Job {
    return Job.fromRecord(job);
  }

  @Subscription(() => Job, {
    description: 'Every change of any job, or of the jobs of one type',
    subscribe: (data: SubscribeResolverData<unknown, { type?: string | null }, GraphQLContext>) => {
      requireCaller(data);
      return watchJobs(data.context.app.db, data.args.type ? { 'fullDocument.type': data.args.type } : {});
    },
  })
  jobsUpdated(@Arg('type', () => String, { nullable: true }) _type: string | undefined, @Root() job: JobRecord): Job {
    return Job.fromRecord(job);
  }
}

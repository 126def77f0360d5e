import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../context';
import { JOBS } from '../../jobs/jobStore';
import type { JobRecord } from '../../jobs/jobType';
import { Job } from '../../schema/jobs/job.type';
import { Schedule } from '../../schema/jobs/schedule.type';

@Resolver(() => Schedule)
export class ScheduleResolver {
  @Authorized()
  @Query(() => [Schedule], { description: 'Every schedule of the service, whether it fires or not' })
  async schedules(@Ctx() { app }: GraphQLContext): Promise<Schedule[]> {
    return (await app.jobs.schedules()).map(Schedule.fromView);
  }

  @FieldResolver(() => Job, { nullable: true, description: 'The most recent Job of this schedule' })
  async lastJob(@Root() schedule: Schedule, @Ctx() { app, loaders }: GraphQLContext): Promise<Job | null> {
    // One indexed look-up per schedule (schedule, createdAt desc), batched per request.
    const latest = loaders.custom<string, JobRecord | null>('jobs:lastOfSchedule', (names) =>
      Promise.all(
        names.map((name) => app.db.collection<JobRecord>(JOBS).findOne({ schedule: name }, { sort: { createdAt: -1 } })),
      ),
    );
    const record = await latest.load(schedule.name);
    return record ? Job.fromRecord(record) : null;
  }
}

import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../context';
import type { JobRecord } from '../../jobs/jobType';
import { Job } from '../../schema/jobs/job.type';
import { Schedule } from '../../schema/jobs/schedule.type';
import type { JobsServices } from '../../services/jobs/jobsServices';

@Resolver(() => Schedule)
export class ScheduleResolver {
  constructor(private readonly services: JobsServices) {}

  @Authorized()
  @Query(() => [Schedule], { description: 'Every schedule of the service, whether it fires or not' })
  async schedules(): Promise<Schedule[]> {
    return (await this.services.jobs.schedules()).map(Schedule.fromView);
  }

  @FieldResolver(() => Job, { nullable: true, description: 'The most recent Job of this schedule' })
  async lastJob(@Root() schedule: Schedule, @Ctx() { loaders }: GraphQLContext): Promise<Job | null> {
    const latest = loaders.custom<string, JobRecord | null>('jobs:lastOfSchedule', (names) =>
      this.services.jobs.latestOfSchedules(names),
    );
    const record = await latest.load(schedule.name);
    return record ? Job.fromRecord(record) : null;
  }
}

import type { Feature } from '../app';
import { DeadLetterResolver } from '../resolvers/jobs/deadLetter.resolver';
import { JobResolver } from '../resolvers/jobs/job.resolver';
import { ScheduleResolver } from '../resolvers/jobs/schedule.resolver';
import { jobCommands } from './commands';

/**
 * The GraphQL face of the job system: jobs, schedules and dead letters. The job system itself
 * (runner, workers, schedules) is built by the composition root with createJobSystem.
 */
export const jobsFeature: Feature = {
  name: 'jobs',
  resolvers: [JobResolver, ScheduleResolver, DeadLetterResolver],
  commands: jobCommands,
};

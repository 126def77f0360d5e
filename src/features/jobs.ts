import type { App } from '../app';
import { DeadLetterQueues } from '../jobs/deadLetters';
import { jobIndexes, retiredJobIndexes } from '../jobs/indexes';
import { decodeJobMessage } from '../jobs/jobMessage';
import { DeadLetterResolver } from '../resolvers/jobs/deadLetter.resolver';
import { JobResolver } from '../resolvers/jobs/job.resolver';
import { ScheduleResolver } from '../resolvers/jobs/schedule.resolver';
import { JobHistory } from '../services/jobs/jobHistory';
import type { JobsServices } from '../services/jobs/jobsServices';
import { checkFlags, UsageError } from './commandLine';
import { defineFeature, type CliCommand, type CommandOutput } from './feature';

const print = (out: CommandOutput, value: unknown) => out.write(`${JSON.stringify(value, null, 2)}\n`);

/** Operators' job commands: the same operations as the GraphQL fields, for a shell on the host. */
const jobCommands: Record<string, CliCommand<JobsServices>> = {
  schedules: {
    description: 'Prints every schedule: cron in force, whether it fires, next run, last tick',
    async run(_app, flags, _positional, { jobs }, out) {
      checkFlags(flags, {});
      print(out, await jobs.schedules());
    },
  },
  job: {
    description: 'Prints a job',
    usage: 'job --id JOB_ID',
    async run(_app, flags, _positional, { jobs }, out) {
      const { id } = checkFlags(flags, { required: ['id'] });
      const job = await jobs.get(id);
      if (!job) throw new UsageError(`no job ${id}`);
      print(out, job);
    },
  },
  'dead-letters': {
    description: 'Prints the stats of a queue and the oldest messages of its dead-letter queue',
    usage: 'dead-letters --queue jobs [--first 20]',
    async run(_app, flags, _positional, services, out) {
      const { queue, first } = checkFlags(flags, { required: ['queue'], optional: ['first'] });
      const count = first === undefined ? 20 : Number(first);
      if (!Number.isInteger(count) || count < 1) throw new UsageError('--first: a positive integer');
      const messages = await services.queue.deadLetters(queue, { first: count });
      print(out, {
        queue,
        stats: await services.queue.stats(queue),
        messages: messages.map((m) => ({ ...m, jobId: decodeJobMessage(m.body) ?? undefined })),
      });
    },
  },
  'redrive-dead-letters': {
    description: 'Moves every dead-lettered message of a queue back to it (a job message runs its job again)',
    usage: 'redrive-dead-letters --queue jobs',
    async run(_app, flags, _positional, services, out) {
      const { queue } = checkFlags(flags, { required: ['queue'] });
      print(out, { queue, moved: await services.queue.redriveDeadLetters(queue) });
    },
  },
};

/**
 * The GraphQL face of the job system: jobs, schedules and dead letters. The job system itself
 * (runner, workers, schedules) is built by the composition root with createJobSystem.
 */
export const jobsFeature = defineFeature({
  name: 'jobs',
  services: (app: App): JobsServices => ({
    jobs: app.jobs,
    history: new JobHistory(app.db, app.store.changeClock),
    deadLetters: new DeadLetterQueues(app.ports.queue),
    queue: app.ports.queue,
    logger: app.logger,
  }),
  resolvers: [JobResolver, ScheduleResolver, DeadLetterResolver],
  indexes: jobIndexes,
  retiredIndexes: retiredJobIndexes,
  commands: jobCommands,
});

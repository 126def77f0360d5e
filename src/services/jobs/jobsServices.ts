import type { QueuePort } from '../../datasources/queue';
import type { DeadLetterQueues } from '../../jobs/deadLetters';
import type { Jobs } from '../../jobs/jobType';
import type { Logger } from '../../logger';
import type { JobHistory } from './jobHistory';

/** The services of the jobs domain (jobs, schedules, dead letters), built once per app by its feature. */
export interface JobsServices {
  jobs: Jobs;
  history: JobHistory;
  deadLetters: DeadLetterQueues;
  /** The queues themselves, for the operators' commands. */
  queue: QueuePort;
  /** Operators' actions are logged with who asked. */
  logger: Logger;
}

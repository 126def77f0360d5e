import type { JobRecord } from '../../jobs/jobType';
import type { ClickModelReads } from './clickModelReads';
import type { ClickQueries } from './clickQueries';
import type { ClickPipelineDeps } from './pipeline';

/** The click domain's services: built once per app from its ports, handed to its resolvers, jobs and commands. */
export interface ClickServices {
  /** What loader, processor and acknowledger run with (one reporting calendar and model cache per app). */
  pipeline: ClickPipelineDeps;
  queries: ClickQueries;
  models: ClickModelReads;
  /** Enqueues a clicks-load job for one business unit (see requestClickSync). */
  requestSync(bu: string, since: Date | null | undefined, requestedBy: string | undefined): Promise<JobRecord>;
}

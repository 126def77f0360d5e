import type { Jobs } from '../../jobs/jobType';
import type { PerformanceQueries } from './performanceQueries';
import type { PerformanceRollups } from './performanceRollups';
import type { RelatedDocuments } from './relatedDocuments';
import type { TrackingSyncHost } from './runTrackingSync';

/** The tracking domain's services, built once per app by its feature. */
export interface TrackingServices {
  /** What a sync runs with: the job and the CLI command. */
  sync: TrackingSyncHost;
  performance: PerformanceQueries;
  related: RelatedDocuments;
  /** Where a requested sync is enqueued. */
  jobs: Pick<Jobs, 'enqueue'>;
  /** The performance figures kept beside the entries (also in `sync`). */
  rollups: PerformanceRollups;
}

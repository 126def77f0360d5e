import type { Config } from '../../../config';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import type { Jobs } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { leaseTiming } from '../../uploads/importLease';
import { LakeFiles } from './lakeFiles';
import { LakeMerges } from './lakeMerges';

/** The lake's merges, archives and file listing for one app (FanServices' lakeMerge and lakeFiles). */
export function lakeServices(deps: {
  db: Db;
  objects: ObjectStore;
  jobs: Jobs;
  logger: Logger;
  config: Pick<Config, 'JOB_VISIBILITY_TIMEOUT_SECONDS' | 'FAN_LAKE_MERGE_TYPES'>;
}): { lakeMerge: LakeMerges; lakeFiles: LakeFiles } {
  return {
    lakeMerge: new LakeMerges({
      db: deps.db,
      objects: deps.objects,
      jobs: deps.jobs,
      logger: deps.logger.child({ feature: 'fans', part: 'lake' }),
      // a merge's hold lives and dies like a job run's (src/jobs/runJob.ts)
      lease: leaseTiming(deps.config.JOB_VISIBILITY_TIMEOUT_SECONDS),
      mergeTypes: deps.config.FAN_LAKE_MERGE_TYPES,
    }),
    lakeFiles: new LakeFiles(deps.objects, deps.db),
  };
}

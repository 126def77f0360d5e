import type { Registry } from 'prom-client';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { QueuePort } from '../../../datasources/queue/port';
import type { RememberedFigures } from '../../../datasources/rememberedFigures';
import type { Db } from '../../../datasources/store';
import type { Config } from '../../../config';
import type { Jobs } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { uploadLimits } from '../../uploads/uploadKinds';
import type { CampaignDirectory } from '../campaignDirectory';
import type { LakeWriter } from '../records';
import { CodeAssignment } from './codeAssignment';
import { FanCodes } from './fanCodes';
import { createCodeMetrics } from './metrics';
import { CodePoolCounts } from './poolCounts';

export interface CodeServicesDeps {
  db: Db;
  config: Config;
  logger: Logger;
  metrics: Registry;
  jobs: Pick<Jobs, 'enqueue'>;
  objects: ObjectStore;
  queue: QueuePort;
  directory: CampaignDirectory;
  lake: LakeWriter;
  /** On the embedded store: reads remembered until their collections change. */
  remembered?: RememberedFigures;
}

/**
 * Code pools (`codes`), the code-assignment pipeline (`assignment`) and the pools' kept counts
 * (`codeCounts`) of the fans feature.
 */
export function codeServices(deps: CodeServicesDeps): {
  codes: FanCodes;
  assignment: CodeAssignment;
  codeCounts: CodePoolCounts;
} {
  const { db, config, directory } = deps;
  const metrics = createCodeMetrics(deps.metrics);
  const codeCounts = new CodePoolCounts(db, deps.remembered);
  const assignment = new CodeAssignment({
    db,
    directory,
    lake: deps.lake,
    queue: deps.queue,
    verdictsQueue: config.FAN_VERDICTS_QUEUE,
    batchSize: config.FAN_ASSIGN_BATCH_SIZE,
    metrics,
    logger: deps.logger.child({ feature: 'fans', part: 'codes' }),
    counts: codeCounts,
  });
  const codes = new FanCodes({
    db,
    objects: deps.objects,
    jobs: deps.jobs,
    directory,
    dispenser: assignment.dispenser,
    limits: uploadLimits(config, 'fanCodes'),
    metrics,
    counts: codeCounts,
    remembered: deps.remembered,
    handle: (records) => assignment.handle(records),
  });
  return { codes, assignment, codeCounts };
}

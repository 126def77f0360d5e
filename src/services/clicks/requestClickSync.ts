import type { SfmcPort } from '../../datasources/sfmc';
import { badInput } from '../../errors';
import type { JobRecord, Jobs } from '../../jobs/jobType';
import type { Logger } from '../../logger';
import { CLICKS_LOAD, clicksLoadParamsOf } from './clicksLoad.job';

export interface ClickSyncRequestDeps {
  sfmc: SfmcPort;
  jobs: Pick<Jobs, 'enqueue'>;
  logger: Logger;
}

/**
 * An operator's request to load a business unit's unprocessed click rows now (`since`: read
 * again from that date, a final sync): the clicks-load job it enqueued.
 */
export async function requestClickSync(
  deps: ClickSyncRequestDeps,
  bu: string,
  since: Date | null | undefined,
  requestedBy: string | undefined,
): Promise<JobRecord> {
  const unit = await deps.sfmc.businessUnit(bu);
  if (!unit) throw badInput(`bu: no business unit named ${JSON.stringify(bu)}`, 'bu');
  if (since && since.getTime() > Date.now()) throw badInput('since: not in the future', 'since');
  const job = await deps.jobs.enqueue(CLICKS_LOAD, clicksLoadParamsOf(unit.name, since?.toISOString()), {
    trigger: 'MANUAL',
    requestedBy,
  });
  deps.logger.info({ jobId: job._id, bu: unit.name, since, by: requestedBy }, 'click sync requested');
  return job;
}

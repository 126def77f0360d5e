import type { Config } from '../../../config';
import type { NotifierPort } from '../../../datasources/notifier/port';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import type { Jobs } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { uploadLimits } from '../../uploads/uploadKinds';
import { FanBlacklist } from '../blacklist/fanBlacklist';
import type { CampaignDirectory } from '../campaignDirectory';
import type { LakeWriter } from '../records';
import type { FanServices } from '../services';
import { FanScoring } from './fanScoring';

export interface ScoringPorts {
  db: Db;
  objects: ObjectStore;
  jobs: Jobs;
  notifier: NotifierPort;
  lake: LakeWriter;
  directory: CampaignDirectory;
  config: Config;
  logger: Logger;
}

/** The blacklist, scoring and fanlist services of the fans feature, from the app's ports. */
export function scoringServices(ports: ScoringPorts): Pick<FanServices, 'blacklist' | 'scoring' | 'fanlist'> {
  const blacklist = new FanBlacklist(ports.db, ports.logger.child({ feature: 'fans', part: 'blacklist' }));
  const scoring = new FanScoring({
    ...ports,
    blacklist,
    scoredFileLimits: uploadLimits(ports.config, 'scoredFile'),
    fanlistLimits: uploadLimits(ports.config, 'fanlist'),
    pollSeconds: ports.config.FAN_FILES_POLL_SECONDS,
    logger: ports.logger.child({ feature: 'fans', part: 'scoring' }),
  });
  return { blacklist, scoring, fanlist: scoring.fanlist };
}

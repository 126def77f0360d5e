import type { NotifierPort } from '../../../datasources/notifier/port';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import type { Jobs, JobType } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import type { UploadLimits } from '../../uploads/uploadLimits';
import type { FanBlacklist } from '../blacklist/fanBlacklist';
import type { CampaignDirectory } from '../campaignDirectory';
import type { LakeWriter, RecordOutcome, ScoringRecord } from '../records';
import { FanlistRanks } from './fanlistRanks';
import { FanScores } from './fanScores';
import { FileDropPoll } from './fileDropPoll';
import { FANLIST_UPLOADED_PREFIX, SCORED_PREFIX } from './objectKeys';
import { ScoredFiles } from './scoredFiles';

export interface FanScoringOptions {
  db: Db;
  objects: ObjectStore;
  jobs: Jobs;
  lake: LakeWriter;
  directory: CampaignDirectory;
  blacklist: FanBlacklist;
  notifier: NotifierPort;
  scoredFileLimits: UploadLimits;
  fanlistLimits: UploadLimits;
  /** How often scored/ and fanlist/uploaded/ are listed for new files (FAN_FILES_POLL_SECONDS; 0: never). */
  pollSeconds: number;
  logger: Logger;
}

/**
 * Scoring for one app: the `scoring` record handler, scored files and fanlist ranks, and the
 * poll that picks up files dropped on the objects port.
 */
export class FanScoring {
  readonly scores: FanScores;
  readonly scoredFiles: ScoredFiles;
  readonly fanlist: FanlistRanks;
  readonly poll: FileDropPoll;

  constructor(options: FanScoringOptions) {
    const { logger } = options;
    this.scores = new FanScores(options);
    this.scoredFiles = new ScoredFiles({ ...options, scores: this.scores, limits: options.scoredFileLimits, logger });
    this.fanlist = new FanlistRanks({ ...options, scores: this.scores, limits: options.fanlistLimits, logger });
    this.poll = new FileDropPoll(
      options.objects,
      [
        { prefix: SCORED_PREFIX, found: (object) => this.scoredFiles.found(object) },
        { prefix: FANLIST_UPLOADED_PREFIX, found: (object) => this.fanlist.found(object) },
      ],
      options.pollSeconds * 1000,
      logger,
    );
  }

  /** The `scoring` record handler (FanRecordHandlers): see FanScores.handle. */
  handle(records: ScoringRecord[]): Promise<RecordOutcome[]> {
    return this.scores.handle(records);
  }

  jobTypes(): JobType[] {
    return [this.scoredFiles.jobType, this.fanlist.jobType] as JobType[];
  }
}

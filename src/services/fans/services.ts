import type { CampaignDirectory } from './campaignDirectory';
import type { CodeAssignment } from './codes/codeAssignment';
import type { FanCodes } from './codes/fanCodes';
import type { CodePoolCounts } from './codes/poolCounts';
import type { FanCampaigns } from './campaigns/fanCampaigns';
import type { FanEntries } from './entries/fanEntries';
import type { FanMarketCounts } from './entries/marketCounts';
import type { FanIngest } from './ingest/fanIngest';
import type { FanRegistrations } from './ingest/registrations';
import type { FanLakeWriter } from './lake/writer';
import type { LakeFiles } from './lake/lakeFiles';
import type { LakeMerges } from './lake/lakeMerges';
import type { StatsServices } from './stats/statsServices';
import type { FanBlacklist } from './blacklist/fanBlacklist';
import type { FanlistRanks } from './scoring/fanlistRanks';
import type { FanScoring } from './scoring/fanScoring';

/**
 * Fan campaigns' services for one app, built once by the fans feature (src/features/fans.ts);
 * resolvers, routes, jobs and commands receive them.
 */
export interface FanServices {
  /** Cached campaign lookups for the pipelines; campaign writes forget what they change. */
  directory: CampaignDirectory;
  campaigns: FanCampaigns;
  entries: FanEntries;
  /** Registrations per market kept with the entries (read by the markets' figures, `stats rebuild`). */
  marketCounts: FanMarketCounts;
  /** Admin stats snapshots, the Slack stats report and the notifications read back. */
  stats: StatsServices;
  /** Validated records into the lake buffer and from it to Avro files (the pipelines' LakeWriter). */
  lake: FanLakeWriter;
  /** Fan records from the bulk endpoint, the ingest queue and registerFan, to their pipelines. */
  ingest: FanIngest;
  /** The registration pipeline: records to entries (and the lake). */
  registrations: FanRegistrations;
  /** Lake merges and archives: the avro-merge and move jobs, mergeLake, `lake merge|verify`. */
  lakeMerge: LakeMerges;
  /** The lake's files, live and archived, for the lakeFiles query. */
  lakeFiles: LakeFiles;
  /** Blacklisted e-mail addresses and domains that scored files are scrubbed against. */
  blacklist: FanBlacklist;
  /** The scoring record handler, scored files and the poll of dropped files. */
  scoring: FanScoring;
  /** Fanlist ranks to scores (the same object as scoring.fanlist). */
  fanlist: FanlistRanks;
  /** Code pools: uploadCodes, codePools, assignCodes, wave reservations. */
  codes: FanCodes;
  /** The code-assignment pipeline: the codeAssignment record handler. */
  assignment: CodeAssignment;
  /** Codes per pool and state kept with the codes (read by codePools, `stats rebuild`). */
  codeCounts: CodePoolCounts;
}

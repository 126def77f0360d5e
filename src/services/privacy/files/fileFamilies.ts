import { FANLIST_MANIFEST, FANLIST_UPLOADED_PREFIX, SCORED_PREFIX } from '../../fans/scoring/objectKeys';
import type { Delimiter } from './textTable';

/**
 * Files on the objects port that hold people's rows, by folder: the fans' scored files (dropped
 * and uploaded), scrubbed files and fanlists, wave preps (zips and masterCodes.csv) and wave
 * uploads, and campaign recipient exports. The lake (avro/) is rewritten apart (lakeFiles.ts);
 * the campaign events export (raw/campaign_events/) names members by their random id only.
 */
export interface FileFamily {
  /** How the job's result names the family. */
  name: string;
  prefix: string;
  /** Cells of its text files: scored and scrubbed files are tab-separated, the others CSV. */
  delimiter: Delimiter;
  /**
   * A folder the fans' poll picks new files up from: a rewrite is recorded (objectRewrites), so
   * the poll does not take the rewritten file for a new one and process it again.
   */
  dropFolder: boolean;
  /** Files of the folder that hold nobody's data. */
  skip?: (key: string) => boolean;
}

export const FILE_FAMILIES: readonly FileFamily[] = [
  { name: 'scoredFiles', prefix: SCORED_PREFIX, delimiter: '\t', dropFolder: true },
  { name: 'uploadedScoredFiles', prefix: 'uploads/scored/', delimiter: '\t', dropFolder: false },
  { name: 'scrubbedFiles', prefix: 'scrubbed/', delimiter: '\t', dropFolder: false },
  {
    name: 'fanlists',
    prefix: FANLIST_UPLOADED_PREFIX,
    delimiter: ',',
    dropFolder: true,
    skip: (key) => key.endsWith(`/${FANLIST_MANIFEST}`),
  },
  { name: 'scoredFanlists', prefix: 'fanlist/scored/', delimiter: ',', dropFolder: false },
  {
    name: 'wavePrepFiles',
    prefix: 'wavePrep/',
    delimiter: ',',
    dropFolder: false,
    skip: (key) => key.endsWith('/marketDetails.csv'),
  },
  { name: 'waveUploads', prefix: 'uploads/waves/', delimiter: ',', dropFolder: false },
  { name: 'recipientExports', prefix: 'exports/campaigns/', delimiter: ',', dropFolder: false },
];

export type FileFormat = 'table' | 'zip' | 'xlsx';

export function fileFormat(key: string): FileFormat {
  const lower = key.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return 'table';
}

import type { Config } from '../../config';
import type { UploadLimits } from './uploadLimits';

type IntSetting = { [K in keyof Config]: Config[K] extends number ? K : never }[keyof Config];

/**
 * Every kind of upload and the settings that bound its size and rows: a new kind (fan files,
 * wave files) is one line here. The shape bounds (columns, cells, .xlsx inflation, file names)
 * are the UPLOAD_* settings every kind shares.
 */
const UPLOAD_KINDS = {
  audienceImport: { bytes: 'AUDIENCE_IMPORT_MAX_BYTES', rows: 'AUDIENCE_IMPORT_MAX_ROWS' },
  leadList: { bytes: 'UPLOAD_MAX_BYTES', rows: 'UPLOAD_MAX_ROWS' },
  scoredFile: { bytes: 'SCORED_FILE_MAX_BYTES', rows: 'SCORED_FILE_MAX_ROWS' },
  fanlist: { bytes: 'FANLIST_MAX_BYTES', rows: 'FANLIST_MAX_ROWS' },
  fanCodes: { bytes: 'CODES_UPLOAD_MAX_BYTES', rows: 'CODES_UPLOAD_MAX_ROWS' },
  waveFile: { bytes: 'WAVE_UPLOAD_MAX_BYTES', rows: 'WAVE_UPLOAD_MAX_ROWS' },
} as const satisfies Record<string, { bytes: IntSetting; rows: IntSetting }>;

export type UploadKind = keyof typeof UPLOAD_KINDS;

/** The limits one kind of upload is read with. */
export function uploadLimits(config: Config, kind: UploadKind): UploadLimits {
  const settings = UPLOAD_KINDS[kind];
  return {
    maxBytes: config[settings.bytes],
    maxRows: config[settings.rows],
    settings,
    maxColumns: config.UPLOAD_MAX_COLUMNS,
    maxCellChars: config.UPLOAD_MAX_CELL_CHARS,
    maxEntryBytes: config.UPLOAD_XLSX_MAX_ENTRY_BYTES,
    maxCompressionRatio: config.UPLOAD_XLSX_MAX_COMPRESSION_RATIO,
    maxFileNameChars: config.UPLOAD_FILENAME_MAX_CHARS,
  };
}

/**
 * The largest file any kind accepts: the multipart middleware's own cap, so that each kind's
 * smaller limit is the one a client meets (the middleware's cut would come first otherwise).
 */
export function largestUploadBytes(config: Config): number {
  return Math.max(...Object.values(UPLOAD_KINDS).map((settings) => config[settings.bytes]));
}

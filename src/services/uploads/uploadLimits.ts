import { spreadsheetDefaults } from '../../config';

/** The shape bounds every upload shares, whatever its kind (UPLOAD_* settings). */
export interface SpreadsheetLimits {
  /** Columns of one row, header row included. */
  maxColumns: number;
  /** Characters of one cell. */
  maxCellChars: number;
  /** Uncompressed bytes of one .xlsx part (a sheet, the shared strings, the styles). */
  maxEntryBytes: number;
  /** Uncompressed bytes per compressed byte of an .xlsx part over 1 MiB. */
  maxCompressionRatio: number;
  /** Characters kept of the file's name. */
  maxFileNameChars: number;
}

/** What one kind of upload may hold; the settings' names are what errors tell the client to look up. */
export interface UploadLimits extends Partial<SpreadsheetLimits> {
  /** Bytes read from the upload before it is refused. */
  maxBytes: number;
  /** Data rows (the header row and blank rows not counted) before it is refused. */
  maxRows: number;
  /** The settings that hold maxBytes and maxRows, named in PAYLOAD_TOO_LARGE errors. */
  settings?: { bytes: string; rows: string };
}

export type ResolvedUploadLimits = UploadLimits & SpreadsheetLimits;

/** The limits with every shape bound set (the UPLOAD_* defaults where the caller gave none). */
export function withSpreadsheetDefaults(limits: UploadLimits): ResolvedUploadLimits {
  return { ...spreadsheetDefaults, ...definedOnly(limits) };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** " (NAME)" when the setting is known, for messages that tell the client which limit it met. */
export const settingNote = (name: string | undefined) => (name ? ` (${name})` : '');

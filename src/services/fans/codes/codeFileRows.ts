import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { badInput, payloadTooLarge } from '../../../errors';
import { readRowBatches, type UploadLimits } from '../../uploads/readRows';
import { settingNote } from '../../uploads/uploadLimits';

/** One code as the file gave it, with the line (row) it is on. */
export interface CodeFileRow {
  line: number;
  value: unknown;
}

export type CodeFileFormat = 'csv' | 'xlsx' | 'txt';

/** The format a codes file is read as, from its name; BAD_USER_INPUT for anything else. */
export function codeFileFormat(filename: string): CodeFileFormat {
  const extension = /\.([A-Za-z0-9]+)$/.exec(filename.trim())?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'xlsx' || extension === 'txt') return extension;
  throw badInput(
    `Unsupported file "${filename}": upload a .txt (one code a line), .csv or .xlsx (a code column)`,
    'file',
  );
}

const BATCH = 1000;

/**
 * The codes of an uploaded file in batches: a `.txt` has one code a line (blank lines skipped, a
 * first line reading `code` taken as a header); a `.csv` or `.xlsx` has a header row with a
 * `code` column (other columns ignored). More than `limits.maxRows` codes: PAYLOAD_TOO_LARGE.
 */
export async function* codeFileRows(
  source: Readable,
  format: CodeFileFormat,
  limits: UploadLimits,
): AsyncGenerator<CodeFileRow[]> {
  if (format === 'txt') {
    yield* textLines(source, limits);
    return;
  }
  const options = { ...limits, requiredHeaders: ['code'] };
  for await (const rows of readRowBatches(source, `codes.${format}`, options)) {
    yield rows.map((row) => ({ line: row.rowNumber, value: row.record.code }));
  }
}

async function* textLines(source: Readable, limits: UploadLimits): AsyncGenerator<CodeFileRow[]> {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let line = 0;
  let rows = 0;
  let first = true;
  let batch: CodeFileRow[] = [];
  try {
    for await (const text of lines) {
      line += 1;
      const value = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
      if (!value) continue;
      const header = first && value.toLowerCase() === 'code';
      first = false;
      if (header) continue;
      rows += 1;
      if (rows > limits.maxRows) {
        throw payloadTooLarge(`The file has more than ${limits.maxRows} codes${settingNote(limits.settings?.rows)}`);
      }
      batch.push({ line, value });
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    lines.close();
    source.destroy();
  }
}

import type { Readable } from 'node:stream';
import { badInput, payloadTooLarge } from '../../errors';
import { ByteLimit } from './byteLimit';
import { isBlank, type CellValue } from './cellValue';
import { csvRowBatches, type RawRow } from './rawRows';
import { asUploadError, tooManyBytes } from './uploadError';
import { settingNote, withSpreadsheetDefaults, type ResolvedUploadLimits, type UploadLimits } from './uploadLimits';
import { xlsxRows } from './xlsxRows';

export type { CellValue } from './cellValue';
export type { UploadLimits } from './uploadLimits';

export type UploadFormat = 'csv' | 'xlsx';

export interface ReadRowsOptions extends UploadLimits {
  /** Lower-case header names that must be present, checked before the first row is yielded. */
  requiredHeaders?: string[];
}

/** A data row keyed by its column's header, trimmed and lower-cased. */
export interface UploadRow {
  rowNumber: number;
  record: Record<string, CellValue>;
}

/** The format an upload is read as, from its file name; BAD_USER_INPUT for anything else. */
export function uploadFormat(filename: string): UploadFormat {
  const extension = /\.([A-Za-z0-9]+)$/.exec(filename.trim())?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'xlsx') return extension;
  throw badInput(`Unsupported file "${filename}": upload a .csv or .xlsx file`, 'file');
}

/**
 * Streams the data rows of a .csv or .xlsx upload. The byte limit is enforced while reading
 * (at most maxBytes plus one chunk is ever read), the row limit as rows arrive; both end the
 * read with PAYLOAD_TOO_LARGE. A row with too many columns or a cell too long ends it with
 * BAD_USER_INPUT naming the limit; an .xlsx is checked part by part before it is inflated
 * (see XlsxParts). The source is destroyed when reading stops for any reason.
 */
export async function* readRows(
  source: Readable,
  filename: string,
  options: ReadRowsOptions,
): AsyncGenerator<UploadRow> {
  for await (const batch of readRowBatches(source, filename, options)) yield* batch;
}

/**
 * readRows in batches of the rows read so far (a CSV chunk's worth, one row at a time for
 * .xlsx): a caller that handles rows in bulk awaits once per batch rather than once per row.
 */
export async function* readRowBatches(
  source: Readable,
  filename: string,
  options: ReadRowsOptions,
): AsyncGenerator<UploadRow[]> {
  const limits = withSpreadsheetDefaults(options);
  const limit = new ByteLimit(options.maxBytes, tooManyBytes(options).message);
  const fail = (error: unknown) => limit.destroy(asUploadError(error, options) as Error);
  source.on('error', fail);
  // a source that failed before the read began (a file the multipart middleware cut) fails it now
  if (source.errored) fail(source.errored);
  else source.pipe(limit);
  // a parser stops listening once it fails, so the limit's error is raced against every batch
  const failure = new Promise<never>((_, reject) => limit.once('error', reject));
  failure.catch(() => undefined);
  try {
    const format = uploadFormat(filename);
    const batches = format === 'csv' ? csvRowBatches(limit) : singleRows(xlsxRows(limit, limits));
    let headers: string[] | null = null;
    let dataRows = 0;
    for await (const rawRows of untilFailure(batches, failure)) {
      const rows: UploadRow[] = [];
      for (const row of rawRows) {
        if (row.cells.every(isBlank)) continue;
        checkShape(row, limits);
        if (!headers) {
          headers = headerNames(row, options.requiredHeaders ?? []);
          continue;
        }
        dataRows += 1;
        if (dataRows > options.maxRows) {
          // the rows before the limit reach the caller first, as they did one at a time
          if (rows.length > 0) yield rows;
          throw payloadTooLarge(`The file has more than ${options.maxRows} rows${settingNote(options.settings?.rows)}`);
        }
        rows.push({ rowNumber: row.rowNumber, record: recordOf(headers, row.cells) });
      }
      if (rows.length > 0) yield rows;
    }
    if (!headers) throw badInput('The file is empty: a header row is required', 'file');
  } catch (error) {
    throw asUploadError(error, options);
  } finally {
    source.unpipe(limit);
    source.destroy();
    limit.destroy();
  }
}

async function* singleRows<T>(rows: AsyncIterable<T>): AsyncGenerator<T[]> {
  for await (const row of rows) yield [row];
}

async function* untilFailure<T>(iterable: AsyncIterable<T>, failure: Promise<never>): AsyncGenerator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), failure]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // a reader stopped early still runs its own clean-up (an .xlsx reader removes its spooled file);
    // not awaited: a read still pending settles once the streams are destroyed
    void iterator.return?.(undefined)?.catch(() => undefined);
  }
}

/** Refuses a row wider than maxColumns or holding a cell longer than maxCellChars. */
function checkShape(row: RawRow, limits: ResolvedUploadLimits): void {
  if (row.cells.length > limits.maxColumns) {
    const limit = `the limit is ${limits.maxColumns} (UPLOAD_MAX_COLUMNS)`;
    throw badInput(`Row ${row.rowNumber} has ${row.cells.length} columns; ${limit}`, 'file');
  }
  for (const cell of row.cells) {
    if (typeof cell === 'string' && cell.length > limits.maxCellChars) {
      const limit = `the limit is ${limits.maxCellChars} (UPLOAD_MAX_CELL_CHARS)`;
      throw badInput(`Row ${row.rowNumber} has a cell of ${cell.length} characters; ${limit}`, 'file');
    }
  }
}

function headerNames(row: RawRow, required: string[]): string[] {
  const headers = row.cells.map((cell) => (cell === null ? '' : String(cell).trim().toLowerCase()));
  const seen = new Set<string>();
  for (const header of headers) {
    if (!header) continue;
    if (seen.has(header)) throw badInput(`Column "${header}" appears twice in the header row`, 'file');
    seen.add(header);
  }
  const missing = required.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    const found = [...seen].join(', ') || 'none';
    throw badInput(`The header row has no ${missing.join(', ')} column (columns found: ${found})`, 'file');
  }
  return headers;
}

function recordOf(headers: string[], cells: CellValue[]): Record<string, CellValue> {
  const record: Record<string, CellValue> = {};
  headers.forEach((header, index) => {
    if (!header) return;
    const value = cells[index] ?? null;
    record[header] = typeof value === 'string' ? value.trim() : value;
  });
  return record;
}

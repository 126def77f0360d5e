import type { Readable } from 'node:stream';
import { badInput, payloadTooLarge } from '../../errors';
import { ByteLimit } from './byteLimit';
import { isBlank, type CellValue } from './cellValue';
import { csvRowBatches, xlsxRows, type RawRow } from './rawRows';

export type { CellValue } from './cellValue';

export type UploadFormat = 'csv' | 'xlsx';

export interface UploadLimits {
  /** Bytes read from the upload before it is refused. */
  maxBytes: number;
  /** Data rows (the header row and blank rows not counted) before it is refused. */
  maxRows: number;
}

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
 * read with PAYLOAD_TOO_LARGE. The source is destroyed when reading stops for any reason.
 */
export async function* readRows(source: Readable, filename: string, options: ReadRowsOptions): AsyncGenerator<UploadRow> {
  for await (const batch of readRowBatches(source, filename, options)) yield* batch;
}

/**
 * readRows in batches of the rows read so far (a CSV chunk's worth, one row at a time for
 * .xlsx): a caller that handles rows in bulk awaits once per batch rather than once per row.
 */
export async function* readRowBatches(source: Readable, filename: string, options: ReadRowsOptions): AsyncGenerator<UploadRow[]> {
  const format = uploadFormat(filename);
  const limit = new ByteLimit(options.maxBytes);
  source.on('error', (error) => limit.destroy(error));
  source.pipe(limit);
  // a parser stops listening once it fails, so the limit's error is raced against every batch
  const failure = new Promise<never>((_, reject) => limit.once('error', reject));
  failure.catch(() => undefined);
  const batches = format === 'csv' ? csvRowBatches(limit) : singleRows(xlsxRows(limit));
  try {
    let headers: string[] | null = null;
    let dataRows = 0;
    for await (const rawRows of untilFailure(batches, failure)) {
      const rows: UploadRow[] = [];
      for (const row of rawRows) {
        if (row.cells.every(isBlank)) continue;
        if (!headers) {
          headers = headerNames(row, options.requiredHeaders ?? []);
          continue;
        }
        dataRows += 1;
        if (dataRows > options.maxRows) {
          // the rows before the limit reach the caller first, as they did one at a time
          if (rows.length > 0) yield rows;
          throw payloadTooLarge(`The file has more than ${options.maxRows} rows`);
        }
        rows.push({ rowNumber: row.rowNumber, record: recordOf(headers, row.cells) });
      }
      if (rows.length > 0) yield rows;
    }
    if (!headers) throw badInput('The file is empty: a header row is required', 'file');
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
  for (;;) {
    const next = await Promise.race([iterator.next(), failure]);
    if (next.done) return;
    yield next.value;
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

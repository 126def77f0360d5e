import type { Readable } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import { badInput } from '../../errors';
import type { CellValue } from './cellValue';

/** One row of a sheet before headers are applied; rowNumber is what a spreadsheet shows (1-based). */
export interface RawRow {
  rowNumber: number;
  cells: CellValue[];
}

/**
 * Tags each record with the line it ended on, read from the parser's running count at the
 * moment it is pushed: the same number csv-parse's `info` option reports, without the copy of
 * its whole info object that option makes for every record.
 */
class NumberedCsvParser extends Parser {
  override push(record: string[] | null): boolean {
    return super.push(record === null ? null : ({ rowNumber: this.info.lines, cells: record } satisfies RawRow));
  }
}

/**
 * Rows of a comma-separated file (RFC 4180 quoting, optional UTF-8 BOM), in batches: every row
 * the parser holds is taken at once, so the per-row cost of async iteration is paid per chunk.
 */
export async function* csvRowBatches(input: Readable): AsyncGenerator<RawRow[]> {
  const parser = new NumberedCsvParser({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // a runaway quoted field would otherwise grow one record without bound
    max_record_size: 64 * 1024,
  });
  input.on('error', (error) => parser.destroy(error));
  // the parser may fail while the caller holds a batch: moreToRead() finds the error on it then
  parser.on('error', () => undefined);
  input.pipe(parser);
  try {
    for (;;) {
      const batch: RawRow[] = [];
      for (let row: RawRow | null; (row = parser.read()) !== null;) batch.push(row);
      if (batch.length > 0) yield batch;
      if (!(await moreToRead(parser))) return;
    }
  } catch (error) {
    if (error instanceof CsvError) throw badInput(`The CSV file could not be read: ${error.message}`, 'file');
    throw error;
  } finally {
    parser.destroy();
  }
}

/** Waits until the stream has rows to read (true) or ended (false); rejects when it fails. */
function moreToRead(stream: Readable): Promise<boolean> {
  if (stream.errored) return Promise.reject(stream.errored);
  if (stream.readableEnded) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void) => () => {
      stream.off('readable', onReadable).off('end', onEnd).off('error', onError);
      outcome();
    };
    const onReadable = settle(() => resolve(true));
    const onEnd = settle(() => resolve(false));
    const onError = (error: Error) => settle(() => reject(error))();
    stream.on('readable', onReadable).on('end', onEnd).on('error', onError);
  });
}

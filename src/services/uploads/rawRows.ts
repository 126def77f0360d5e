import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import ExcelJS from 'exceljs';
import { badInput } from '../../errors';
import { plainCellValue, type CellValue } from './cellValue';

/** One row of a sheet before headers are applied; rowNumber is what a spreadsheet shows (1-based). */
export interface RawRow {
  rowNumber: number;
  cells: CellValue[];
}

/** Rows of a comma-separated file (RFC 4180 quoting, optional UTF-8 BOM). */
export async function* csvRows(input: Readable): AsyncGenerator<RawRow> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    // a runaway quoted field would otherwise grow one record without bound
    max_record_size: 64 * 1024,
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { rowNumber: entry.info.lines, cells: entry.record };
    }
  } catch (error) {
    if (error instanceof CsvError) throw badInput(`The CSV file could not be read: ${error.message}`, 'file');
    throw error;
  }
}

/** Rows of the first worksheet of an .xlsx file, read with exceljs's streaming reader. */
export async function* xlsxRows(input: Readable): AsyncGenerator<RawRow> {
  // styles are cached so date-formatted cells arrive as Date rather than serial numbers
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        // exceljs row values are 1-based: index 0 is always empty
        yield { rowNumber: row.number, cells: values.slice(1).map(plainCellValue) };
      }
      return;
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'PAYLOAD_TOO_LARGE' || (error as { extensions?: unknown }).extensions) {
      throw error;
    }
    throw badInput(`The .xlsx file could not be read: ${(error as Error).message}`, 'file');
  }
}

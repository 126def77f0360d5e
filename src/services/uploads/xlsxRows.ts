import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError, badInput } from '../../errors';
import { plainCellValue } from './cellValue';
import type { RawRow } from './rawRows';
import { isCutBySizeCap } from './uploadError';
import type { SpreadsheetLimits } from './uploadLimits';
import { XlsxParts } from './xlsxParts';

/**
 * What exceljs's streaming reader does with each part of the zip. Its own parse() inflates the
 * parts as the zip streams by, with no bound; these are the steps it takes for each part, run
 * here on parts that XlsxParts checked first (exceljs 4.4's reader, lib/stream/xlsx).
 */
interface WorkbookParts {
  _parseRels(part: Readable): Promise<void>;
  _parseWorkbook(part: Readable): Promise<void>;
  _parseSharedStrings(part: Readable): AsyncGenerator<unknown>;
  _parseStyles(part: Readable): Promise<void>;
  _parseWorksheet(part: Readable, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
}

const WORKSHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/**
 * Rows of the first worksheet of an .xlsx file. The upload is spooled to a temporary file, then
 * each part exceljs needs (relationships, workbook, shared strings, styles, the sheet) is
 * checked and inflated within the limits; rows stream from the sheet.
 */
export async function* xlsxRows(input: Readable, limits: SpreadsheetLimits): AsyncGenerator<RawRow> {
  const parts = await XlsxParts.open(input, limits);
  try {
    // styles are cached so date-formatted cells arrive as Date rather than serial numbers
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    }) as unknown as WorkbookParts;
    const part = (path: string) => parts.read(path);
    const rels = part('xl/_rels/workbook.xml.rels');
    if (rels) await reader._parseRels(rels);
    const workbook = part('xl/workbook.xml');
    if (workbook) await reader._parseWorkbook(workbook);
    const sharedStrings = part('xl/sharedStrings.xml');
    if (sharedStrings) for await (const _ of reader._parseSharedStrings(sharedStrings));
    const styles = part('xl/styles.xml');
    if (styles) await reader._parseStyles(styles);
    const sheetPath = parts.paths().find((path) => WORKSHEET.test(path));
    if (!sheetPath) return;
    for (const { value: worksheet } of reader._parseWorksheet(part(sheetPath)!, WORKSHEET.exec(sheetPath)![1]!)) {
      for await (const row of worksheet) {
        const values = row.values as unknown[];
        // exceljs row values are 1-based: index 0 is always empty
        yield { rowNumber: row.number, cells: values.slice(1).map(plainCellValue) };
      }
    }
  } catch (error) {
    if (error instanceof AppError || isCutBySizeCap(error)) throw error;
    throw badInput(`The .xlsx file could not be read: ${(error as Error).message}`, 'file');
  } finally {
    await parts.close();
  }
}

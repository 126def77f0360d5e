import { buffer } from 'node:stream/consumers';
import ExcelJS from 'exceljs';
import type { ObjectStore } from '../../../datasources/objects/port';
import { plainCellValue } from '../../uploads/cellValue';
import { columnRoles, rowMatches, type PersonMatcher } from './personMatcher';
import type { MatchedRow } from './textTable';

/**
 * An .xlsx wave upload, whole in memory: such files were checked within their upload limits
 * (WAVE_UPLOAD_MAX_BYTES) when they came in.
 */
export async function loadWorkbook(objects: ObjectStore, key: string): Promise<ExcelJS.Workbook | null> {
  const stored = await objects.get(key);
  if (!stored) return null;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await buffer(stored.body)) as unknown as ArrayBuffer);
  return workbook;
}

/** The person's rows of the first worksheet, by row number (the header is row 1). */
export function xlsxRowsOf(workbook: ExcelJS.Workbook, matcher: PersonMatcher): MatchedRow[] {
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const cellsOf = (row: ExcelJS.Row) =>
    (row.values as unknown[]).slice(1).map((value) => {
      const plain = plainCellValue(value);
      return plain === null ? '' : plain instanceof Date ? plain.toISOString() : String(plain);
    });
  const names = cellsOf(sheet.getRow(1));
  const roles = columnRoles(names);
  const rows: MatchedRow[] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const cells = cellsOf(row);
    if (!rowMatches(matcher, roles, cells)) return;
    rows.push({
      line: number,
      values: Object.fromEntries(cells.map((cell, at) => [names[at] ?? `column${at + 1}`, cell])),
    });
  });
  return rows;
}

/** The workbook's bytes without the rows (the first worksheet's, by row number). */
export async function workbookWithoutRows(workbook: ExcelJS.Workbook, rows: readonly MatchedRow[]): Promise<Buffer> {
  const sheet = workbook.worksheets[0]!;
  // from the last row up: each splice moves the rows below it
  for (const { line } of [...rows].sort((a, b) => b.line - a.line)) sheet.spliceRows(line, 1);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

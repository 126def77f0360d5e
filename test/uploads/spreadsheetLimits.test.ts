import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { readRows, type ReadRowsOptions } from '../../src/services/uploads/readRows';
import { repeatedA, sheetWorkbook } from '../support/xlsxZip';

const limits: ReadRowsOptions = {
  maxBytes: 64 * 1024 * 1024,
  maxRows: 1000,
  maxColumns: 50,
  maxCellChars: 1000,
  maxEntryBytes: 8 * 1024 * 1024,
  maxCompressionRatio: 100,
};

async function failure(source: Buffer | string, filename: string, options: ReadRowsOptions = limits) {
  try {
    for await (const _ of readRows(Readable.from([Buffer.from(source)]), filename, {
      ...options,
      requiredHeaders: ['email'],
    })) {
      // rows are read only to find the failure
    }
  } catch (error) {
    return { code: (error as { extensions?: { code?: string } }).extensions?.code, message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

async function xlsxBuffer(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Members');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Letters that do not compress, so a long cell does not look like a bomb. */
const randomText = (length: number) =>
  randomBytes(length)
    .toString('base64')
    .replace(/[^a-z]/gi, 'x')
    .slice(0, length);

describe('spreadsheet bombs and oversized cells', () => {
  it('refuses a 150 KB .xlsx that inflates to a 150 MB cell before reading it, naming the limit', async () => {
    const bomb = await sheetWorkbook(repeatedA(150 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(200 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const refused = await failure(bomb, 'bomb.xlsx', { ...limits, maxEntryBytes: 1024 ** 3 });
    expect(refused.code).toBe('BAD_USER_INPUT');
    expect(refused.message).toMatch(/compression ratio/);
    expect(refused.message).toContain('UPLOAD_XLSX_MAX_COMPRESSION_RATIO');
    // the entry is never inflated: the reader held nothing near 150 MB (generous: the heap moves)
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses an entry larger than UPLOAD_XLSX_MAX_ENTRY_BYTES once uncompressed', async () => {
    const big = await sheetWorkbook(() => [Buffer.from(randomText(2 * 1024 * 1024))]);
    const refused = await failure(big, 'big.xlsx', { ...limits, maxEntryBytes: 1024 * 1024 });
    expect(refused.code).toBe('BAD_USER_INPUT');
    expect(refused.message).toContain('UPLOAD_XLSX_MAX_ENTRY_BYTES');
  });

  it('stops inflating an entry that inflates to more than its header declared', async () => {
    // markup only, so no text run is long: what gives it away is its size
    const markup = () => [Buffer.alloc(20 * 1024 * 1024, '<b/>')];
    const lying = await sheetWorkbook(markup, { declaredSheetSize: 100_000 });
    const refused = await failure(lying, 'lying.xlsx');
    expect(refused.code).toBe('BAD_USER_INPUT');
    expect(refused.message).toMatch(/declares/);
  });

  it('refuses a cell longer than UPLOAD_MAX_CELL_CHARS, in .xlsx and CSV', async () => {
    const long = randomText(5000);
    const xlsx = await failure(
      await xlsxBuffer([
        ['email', 'note'],
        ['a@example.com', long],
      ]),
      'long.xlsx',
    );
    expect(xlsx).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('UPLOAD_MAX_CELL_CHARS') });
    expect(xlsx.message).toContain('Row 2');
    const csv = await failure(`email,note\na@example.com,${long}\n`, 'long.csv');
    expect(csv).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('UPLOAD_MAX_CELL_CHARS') });
  });

  it('refuses a cell too long even before it reaches the parser, without holding it', async () => {
    // one cell of 6 MB of incompressible text: under the entry limit, far over the cell limit
    const workbook = await sheetWorkbook(() => [Buffer.from(randomText(6 * 1024 * 1024))]);
    const refused = await failure(workbook, 'cell.xlsx');
    expect(refused).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('UPLOAD_MAX_CELL_CHARS'),
    });
  });

  it('refuses rows with more than UPLOAD_MAX_COLUMNS columns, in .xlsx and CSV', async () => {
    const wide = ['email', ...Array.from({ length: 60 }, (_, i) => `c${i}`)];
    const xlsx = await failure(await xlsxBuffer([wide, wide.map(() => 'a@example.com')]), 'wide.xlsx');
    expect(xlsx).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('UPLOAD_MAX_COLUMNS') });
    const csv = await failure(`${wide.join(',')}\n`, 'wide.csv');
    expect(csv).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('UPLOAD_MAX_COLUMNS') });
  });

  it('still reads an ordinary workbook within every limit', async () => {
    const rows = [['email', 'name'], ...Array.from({ length: 200 }, (_, i) => [`m${i}@example.com`, `Member ${i}`])];
    const read = [];
    for await (const row of readRows(Readable.from([await xlsxBuffer(rows)]), 'ok.xlsx', limits)) read.push(row);
    expect(read).toHaveLength(200);
    expect(read[199]).toEqual({ rowNumber: 201, record: { email: 'm199@example.com', name: 'Member 199' } });
  });
});

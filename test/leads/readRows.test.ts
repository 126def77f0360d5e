import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { readRows, type UploadRow } from '../../src/services/uploads/readRows';

const limits = { maxBytes: 1024 * 1024, maxRows: 1000 };

async function collect(source: Readable, filename: string, options = limits): Promise<UploadRow[]> {
  const rows: UploadRow[] = [];
  for await (const row of readRows(source, filename, { ...options, requiredHeaders: ['email'] })) rows.push(row);
  return rows;
}

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { extensions?: { code?: string } }).extensions?.code, message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

async function xlsxBuffer(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Leads');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A lazily generated CSV upload of `totalBytes`, counting what the reader actually pulled. */
function generatedCsv(totalBytes: number) {
  const line = Buffer.from('someone@example.com,2024-01-01T00:00:00Z,Some Name,Some Company\n');
  const chunk = Buffer.concat(Array.from({ length: 1024 }, () => line));
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= totalBytes) return this.push(null);
      produced += chunk.length;
      this.push(
        produced === chunk.length ? Buffer.concat([Buffer.from('Email,Timestamp,Name,Company\n'), chunk]) : chunk,
      );
    },
  });
  return { stream, produced: () => produced };
}

describe('readRows', () => {
  it('reads a CSV file with headers matched case-insensitively and spreadsheet row numbers', async () => {
    const csv = '\uFEFFEMAIL, Timestamp ,Name,Notes\n a@x.io ,2024-01-01,Ann,"said ""hi"", twice"\n\nb@x.io,,Bob,\n';
    const rows = await collect(Readable.from([Buffer.from(csv)]), 'list.CSV');
    expect(rows).toEqual([
      { rowNumber: 2, record: { email: 'a@x.io', timestamp: '2024-01-01', name: 'Ann', notes: 'said "hi", twice' } },
      { rowNumber: 4, record: { email: 'b@x.io', timestamp: '', name: 'Bob', notes: '' } },
    ]);
  });

  it('reads the first worksheet of an .xlsx file with dates, numbers and rich text', async () => {
    const when = new Date('2024-03-01T10:00:00Z');
    const buffer = await xlsxBuffer([
      ['Name', 'E-Mail', 'Email', 'Timestamp', 'Score'],
      [{ richText: [{ text: 'Ann ' }, { text: 'Lee' }] }, 'ignored', 'ann@x.io', when, 42],
      [],
      ['Bob', null, 'bob@x.io', null, null],
    ]);
    const rows = await collect(Readable.from([buffer]), 'leads.xlsx');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      rowNumber: 2,
      record: { name: 'Ann Lee', 'e-mail': 'ignored', email: 'ann@x.io', timestamp: when, score: 42 },
    });
    expect(rows[1].rowNumber).toBe(4);
    expect(rows[1].record.email).toBe('bob@x.io');
  });

  it('refuses a file without the required column, naming the columns it found', async () => {
    const error = await failure(collect(Readable.from([Buffer.from('name,phone\nAnn,1\n')]), 'a.csv'));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('no email column (columns found: name, phone)');
  });

  it('refuses unsupported formats, empty files, duplicate headers and broken files', async () => {
    expect((await failure(collect(Readable.from([Buffer.from('x')]), 'a.pdf'))).code).toBe('BAD_USER_INPUT');
    expect((await failure(collect(Readable.from([]), 'a.csv'))).message).toContain('empty');
    expect((await failure(collect(Readable.from([Buffer.from('email,EMAIL\n')]), 'a.csv'))).message).toContain('twice');
    expect((await failure(collect(Readable.from([Buffer.from('email\n"unterminated\n')]), 'a.csv'))).code).toBe(
      'BAD_USER_INPUT',
    );
    const broken = await failure(collect(Readable.from([Buffer.from('this is not a zip file at all')]), 'a.xlsx'));
    expect(broken.code).toBe('BAD_USER_INPUT');
  });

  it('refuses more rows than the limit', async () => {
    const csv = 'email\n' + Array.from({ length: 11 }, (_, i) => `p${i}@x.io`).join('\n');
    const error = await failure(collect(Readable.from([Buffer.from(csv)]), 'a.csv', { maxBytes: 1e6, maxRows: 10 }));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a 1 GB upload after reading about the byte limit, without buffering it', async () => {
    const upload = generatedCsv(1024 ** 3);
    const maxBytes = 5 * 1024 * 1024;
    const error = await failure(collect(upload.stream, 'huge.csv', { maxBytes, maxRows: 10_000_000 }));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    // the reader stops within a few chunks of the limit: nowhere near the gigabyte offered
    expect(upload.produced()).toBeLessThan(maxBytes + 4 * 1024 * 1024);
    expect(upload.stream.destroyed).toBe(true);
  });

  it('refuses an oversized .xlsx upload while streaming too', async () => {
    const buffer = await xlsxBuffer([['email'], ...Array.from({ length: 2000 }, (_, i) => [`p${i}@example.com`])]);
    const error = await failure(
      collect(Readable.from([buffer.subarray(0, 4096), buffer.subarray(4096)]), 'a.xlsx', {
        maxBytes: 4096,
        maxRows: 1e6,
      }),
    );
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Logger } from '../../logger';
import type { LeadUploads } from './leadUploads';
import { seededRandom } from '../seededRandom';

const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Eva', 'Farid', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kira', 'Luis'];
const LAST = ['Ng', 'Ortiz', 'Park', 'Quinn', 'Rossi', 'Silva', 'Tan', 'Umar', 'Vega', 'Weber'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises'];
const SOURCES = ['webinar', 'trade fair', 'newsletter', 'partner referral'];
const HEADER = ['Email', 'Timestamp', 'Name', 'Company', 'Phone', 'Source'];

/**
 * The demo lead list: `count` people with timestamps over the two days before `now`, plus three
 * rows an operator should see rejected (a bad email, an unreadable timestamp, a repeated email).
 */
export function demoLeadRows(count: number, now: Date): string[][] {
  const random = seededRandom(7);
  const pick = <T>(values: T[]) => values[Math.floor(random() * values.length)]!;
  const rows = Array.from({ length: count }, (_, index) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const at = new Date(now.getTime() - Math.floor(random() * 2 * 86_400_000));
    const phone = `+1 555 ${String(1000 + Math.floor(random() * 9000))}`;
    return [
      `${first}.${last}.${index}@example.com`.toLowerCase(),
      at.toISOString(),
      `${first} ${last}`,
      pick(COMPANIES),
      phone,
      pick(SOURCES),
    ];
  });
  rows.push(['not-an-email', now.toISOString(), 'Typo Tom', 'Acme Corp', '', 'webinar']);
  rows.push(['late.lucy@example.com', 'next tuesday', 'Lucy Late', 'Globex', '', 'newsletter']);
  rows.push([rows[0]![0]!.toUpperCase(), now.toISOString(), 'Same Person', 'Initech', '', 'webinar']);
  return rows;
}

function csvLine(cells: string[]): string {
  return cells.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',');
}

/** Writes leads.csv and leads.xlsx into `dir` and returns their paths. */
export async function writeDemoLeadFiles(dir: string, rows: string[][]): Promise<{ csv: string; xlsx: string }> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'leads.csv');
  const xlsx = join(dir, 'leads.xlsx');
  await writeFile(csv, [HEADER, ...rows].map(csvLine).join('\n') + '\n');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Leads');
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  await workbook.xlsx.writeFile(xlsx);
  return { csv, xlsx };
}

/**
 * The leads part of `npm run demo`: the lead list files in DATA_DIR/demo (to upload yourself)
 * and the CSV imported once, so `npm run demo:agents` has a queue to work.
 */
export async function writeDemoLeadLists(uploads: LeadUploads, dataDir: string, logger: Logger): Promise<void> {
  const files = await writeDemoLeadFiles(join(dataDir, 'demo'), demoLeadRows(60, new Date()));
  const leadImport = await uploads.upload({
    source: createReadStream(files.csv),
    filename: 'leads.csv',
    listName: 'Demo leads',
    uploadedBy: 'demo',
  });
  logger.info(
    { files, accepted: leadImport.accepted, rejected: leadImport.rejected },
    'demo lead list written and queued',
  );
}

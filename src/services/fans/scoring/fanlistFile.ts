import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Db } from '../../../datasources/store';
import { badInput, payloadTooLarge } from '../../../errors';
import { csvRowBatches, type RawRow } from '../../uploads/rawRows';
import { entryId, FAN_ENTRIES, type FanCampaignDoc, type FanEntryDoc } from '../model';
import type { ScoringRecord } from '../records';
import { BestRows, type RowSet } from './bestRows';
import { parseRank, RANK_FORMULAS } from './rankFormulas';

/** Why a fanlist row is not scored: the `reason` column of the scored fanlist. */
export type FanlistReason =
  'INVALID_RANK' | 'MISSING_FAN' | 'DUPLICATE' | 'NOT_REGISTERED' | 'EMAIL_NOT_UNIQUE' | 'ALREADY_SELECTED';

/** Where the columns a fanlist needs are: rank, and userId or email (or both: userId is used). */
export interface FanlistColumns {
  rank: number;
  userId: number;
  email: number;
}

/** The columns of a fanlist header; BAD_USER_INPUT naming what is missing. */
export function fanlistColumns(header: readonly (string | null)[]): FanlistColumns {
  const names = header.map((name) =>
    String(name ?? '')
      .trim()
      .toLowerCase(),
  );
  const columns = { rank: names.indexOf('rank'), userId: names.indexOf('userid'), email: names.indexOf('email') };
  if (columns.rank === -1 || (columns.userId === -1 && columns.email === -1)) {
    throw badInput('The fanlist header needs a rank column and a userId or email column (comma-separated)', 'file');
  }
  return columns;
}

/** The first pass: columns, the best row per fan (lowest rank, earlier on a tie), the rank range, the checksum. */
export interface FanlistScan {
  columns: FanlistColumns;
  /** The rows that are their fan's best: every row the second pass asks about was offered. */
  best: RowSet;
  rows: number;
  minRank: number | null;
  maxRank: number | null;
  sha256: string;
}

export async function scanFanlist(input: Readable, maxRows: number): Promise<FanlistScan> {
  const hash = createHash('sha256');
  input.on('data', (chunk: Buffer) => hash.update(chunk));
  const best = new BestRows();
  let columns: FanlistColumns | null = null;
  let rows = 0;
  let minRank: number | null = null;
  let maxRank: number | null = null;
  for await (const batch of csvRowBatches(input)) {
    for (const row of batch) {
      if (columns === null) {
        columns = fanlistColumns(row.cells as string[]);
        continue;
      }
      if (isBlank(row)) continue;
      if (++rows > maxRows) throw payloadTooLarge(`The fanlist has more than ${maxRows} rows (FANLIST_MAX_ROWS)`);
      const rank = parseRank(row.cells[columns.rank] as string | undefined);
      const fan = fanOf(row, columns);
      if (rank === null || fan === null) continue;
      minRank = Math.min(minRank ?? rank, rank);
      maxRank = Math.max(maxRank ?? rank, rank);
      // a fanlist is one campaign's: its fans are one scope
      best.offer('', fan, row.rowNumber, -rank);
    }
  }
  if (columns === null) throw badInput('The fanlist is empty: a header row is required', 'file');
  return { columns, best: best.bestRows(), rows, minRank, maxRank, sha256: hash.digest('hex') };
}

export interface FanlistPassOptions {
  db: Db;
  campaign: FanCampaignDoc;
  scan: FanlistScan;
  /** Receives the scored fanlist: the input's columns, then score and reason. */
  output: Writable;
  scoredAt: number;
  /** Each rejected row, with its line number. */
  reject(line: number, reason: FanlistReason, detail: string): void;
}

/**
 * The second pass: each row's score (the campaign's formula) or the reason it has none,
 * written to `output`; yields the scoring records of the rows whose fan is registered.
 */
export async function* fanlistRecords(
  input: Readable,
  options: FanlistPassOptions,
): AsyncGenerator<{ record: ScoringRecord; position: number }> {
  const { campaign, scan, output } = options;
  const formula = RANK_FORMULAS[campaign.scoringType];
  let header = true;
  for await (const batch of csvRowBatches(input)) {
    let text = '';
    if (header) {
      header = false;
      text += csvLine([...batch.shift()!.cells.map((cell) => String(cell ?? '')), 'score', 'reason']);
    }
    const rows = batch.filter((row) => !isBlank(row));
    const fans = await registeredFans(options.db, campaign._id, rows, scan.columns);
    const records: { record: ScoringRecord; position: number }[] = [];
    for (const row of rows) {
      const cells = row.cells.map((cell) => String(cell ?? ''));
      const rank = parseRank(cells[scan.columns.rank]);
      const fan = fanOf(row, scan.columns);
      let reason: FanlistReason | null = null;
      let score: number | null = null;
      if (rank === null) reason = 'INVALID_RANK';
      else if (fan === null) reason = 'MISSING_FAN';
      else if (!scan.best.has(row.rowNumber)) reason = 'DUPLICATE';
      else {
        const entry = fans.get(fan);
        if (!entry) reason = 'NOT_REGISTERED';
        else if (entry === 'AMBIGUOUS') reason = 'EMAIL_NOT_UNIQUE';
        else if (entry.verdict === true) reason = 'ALREADY_SELECTED';
        else {
          score = formula.score(rank, scan.maxRank!);
          const email = entry.email || null;
          records.push({
            record: scoringRecord(campaign._id, entry.userId, email, score, options.scoredAt),
            position: row.rowNumber,
          });
        }
      }
      if (reason !== null) options.reject(row.rowNumber, reason, rejectDetail(reason, cells, scan.columns));
      text += csvLine([...cells, score === null ? '' : String(score), reason ?? '']);
    }
    if (!output.write(text)) await once(output, 'drain');
    yield* records;
  }
}

type FanView = Pick<FanEntryDoc, 'userId' | 'email' | 'verdict'>;

/** The entries of the rows' fans by fan key (fanOf); 'AMBIGUOUS' for an e-mail two entries share. */
async function registeredFans(
  db: Db,
  campaignId: string,
  rows: RawRow[],
  columns: FanlistColumns,
): Promise<Map<string, FanView | 'AMBIGUOUS'>> {
  const fans = new Map<string, FanView | 'AMBIGUOUS'>();
  const userIds: string[] = [];
  const emails: string[] = [];
  for (const row of rows) {
    const fan = fanOf(row, columns);
    if (fan?.startsWith('u:')) userIds.push(entryId(campaignId, fan.slice(2)));
    else if (fan?.startsWith('e:')) emails.push(fan.slice(2));
  }
  const entries = db.collection<FanEntryDoc>(FAN_ENTRIES);
  const projection = { userId: 1, email: 1, verdict: 1 };
  if (userIds.length > 0) {
    for (const entry of await entries.find({ _id: { $in: userIds } }, { projection }).toArray()) {
      fans.set(`u:${entry.userId}`, entry);
    }
  }
  if (emails.length > 0) {
    for (const entry of await entries.find({ campaignId, email: { $in: emails } }, { projection }).toArray()) {
      const key = `e:${entry.email}`;
      fans.set(key, fans.has(key) ? 'AMBIGUOUS' : entry);
    }
  }
  return fans;
}

/** `u:<userId>` when the row has one, else `e:<email>` (lower-case), else null. */
function fanOf(row: RawRow, columns: FanlistColumns): string | null {
  const userId = columns.userId === -1 ? '' : String(row.cells[columns.userId] ?? '').trim();
  if (userId !== '') return `u:${userId}`;
  const email =
    columns.email === -1
      ? ''
      : String(row.cells[columns.email] ?? '')
          .trim()
          .toLowerCase();
  return email === '' ? null : `e:${email}`;
}

const isBlank = (row: RawRow) => row.cells.every((cell) => cell === null || String(cell).trim() === '');

function rejectDetail(reason: FanlistReason, cells: string[], columns: FanlistColumns): string {
  const fan = cells[columns.userId]?.trim() || cells[columns.email]?.trim() || '';
  switch (reason) {
    case 'INVALID_RANK':
      return `rank: "${(cells[columns.rank] ?? '').slice(0, 40)}" is not a positive integer`;
    case 'MISSING_FAN':
      return 'userId or email: required';
    case 'DUPLICATE':
      return `${fan} has a better (or an earlier equal) rank on another row`;
    case 'NOT_REGISTERED':
      return `${fan} is not registered for the campaign`;
    case 'EMAIL_NOT_UNIQUE':
      return `${fan} is the e-mail of several entries: give the userId`;
    case 'ALREADY_SELECTED':
      return `${fan} is selected already (verdict true): the score is not applied`;
  }
}

const scoringRecord = (
  campaignId: string,
  userId: string,
  email: string | null,
  score: number,
  scoredAt: number,
): ScoringRecord => ({
  type: 'scoring',
  campaignId,
  userId,
  email,
  score,
  verdict: null,
  reason: null,
  source: 'FANLIST',
  scoredAt,
});

/** One CSV line (RFC 4180): a cell with a comma, a quote or a line break is quoted. */
function csvLine(cells: string[]): string {
  return `${cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',')}\n`;
}

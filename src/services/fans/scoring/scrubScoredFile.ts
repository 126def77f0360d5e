import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Db } from '../../../datasources/store';
import { payloadTooLarge } from '../../../errors';
import type { BlacklistMatcher } from '../blacklist/blacklistMatcher';
import { isEmailAddress } from '../blacklist/normalize';
import type { CampaignDirectory } from '../campaignDirectory';
import { entryId, FAN_ENTRIES, type FanCampaignDoc, type FanEntryDoc } from '../model';
import { BestRows } from './bestRows';
import type { PhoneCheck } from './phoneCheck';
import type { ScrubReason } from './reasons';
import { parseScore, scoredFileColumns, type ScoredFileColumns } from './scoredFileColumns';
import { ScrubCounter, type ScrubStats } from './scrubStats';
import { lineBatches } from './textLines';

export interface ScrubOptions {
  /** Opens the stored scored file: once per pass. */
  open(): Promise<Readable>;
  /** Receives the scrubbed file as it is made (backpressure respected). */
  output: Writable;
  /** The campaign an upload named: rows of another campaign get WRONG_CAMPAIGN. */
  campaignId: string | null;
  maxRows: number;
  maxLineChars: number;
  db: Db;
  directory: CampaignDirectory;
  matcher: BlacklistMatcher;
  phones: PhoneCheck;
}

/** The header is the first line, whatever it holds. */
const HEADER_LINE = 1;

type EntryView = Pick<FanEntryDoc, '_id' | 'market' | 'email' | 'phone' | 'verdict'>;

/** A row waiting for its entry: everything that could be judged without it passed. */
interface PendingRow {
  index: number;
  campaign: FanCampaignDoc;
  cells: string[];
}

/**
 * Scrubs a scored file in two streamed passes over the stored file: the first finds each fan's
 * best row, the second gives every row its verdict and reason (reasons.ts, first that applies)
 * and writes it to `output` with the two columns added. Memory holds the fans' best rows
 * (bestRows.ts: typed arrays in the first pass, a bit per row in the second) and one chunk of
 * lines, never the file. Answers the stats.
 */
export async function scrubScoredFile(options: ScrubOptions): Promise<ScrubStats> {
  const { columns, bestRows, campaignIds } = await findBestRows(options);
  const campaigns = new Map<string, FanCampaignDoc | null>();
  for (const campaignId of campaignIds) campaigns.set(campaignId, await options.directory.get(campaignId));
  const counter = new ScrubCounter();
  const countries = new CountryOfMarket();
  for await (const { firstLine, lines } of lineBatches(await options.open(), options.maxLineChars)) {
    const verdicts: (ScrubReason | null)[] = new Array(lines.length).fill(null);
    const pending: PendingRow[] = [];
    lines.forEach((line, index) => {
      if (line === '' || firstLine + index === HEADER_LINE) return;
      const cells = line === null ? null : line.split('\t');
      const reason = rowReason(cells, columns, campaigns, options.campaignId);
      if (reason !== null) verdicts[index] = reason;
      else if (!bestRows.has(firstLine + index)) verdicts[index] = 'DUPLICATE';
      else pending.push({ index, cells: cells!, campaign: campaigns.get(cells![columns.campaignId]!.trim())! });
    });
    const entries = await entriesOf(options.db, pending, columns);
    const marketOf: ({ campaignId: string; market: string | null } | undefined)[] = new Array(lines.length);
    for (const row of pending) {
      const entry = entries.get(entryId(row.campaign._id, row.cells[columns.userId]!.trim()));
      if (!entry) {
        verdicts[row.index] = 'NOT_REGISTERED';
        continue;
      }
      marketOf[row.index] = { campaignId: row.campaign._id, market: entry.market };
      verdicts[row.index] = entryReason(row, entry, columns, options, countries.of(row.campaign, entry.market));
    }
    let text = '';
    lines.forEach((line, index) => {
      if (firstLine + index === HEADER_LINE) {
        text += `${line}\tverdict\treason\n`;
        return;
      }
      if (line === '') return;
      const reason = verdicts[index]!;
      counter.count(reason, marketOf[index]);
      const verdict = reason === null ? '' : reason === 'ALREADY_SELECTED' ? 'true' : 'false';
      const original = line ?? '\t'.repeat(columns.count - 1);
      text += `${original}\t${verdict}\t${reason ?? ''}\n`;
    });
    if (!options.output.write(text)) await once(options.output, 'drain');
  }
  return counter.result();
}

/**
 * The first pass: the header's columns, the rows that are their fan's best (a fan is a userId
 * within its campaign) and the campaigns named. Every row the second pass asks about was offered
 * here: the same file, read again.
 */
async function findBestRows(options: ScrubOptions) {
  const best = new BestRows();
  let columns: ScoredFileColumns | null = null;
  let rows = 0;
  for await (const { firstLine, lines } of lineBatches(await options.open(), options.maxLineChars)) {
    lines.forEach((line, index) => {
      if (firstLine + index === HEADER_LINE) {
        columns = scoredFileColumns(line);
        return;
      }
      if (line === '' || columns === null) return;
      rows += 1;
      if (rows > options.maxRows) {
        throw payloadTooLarge(`The scored file has more than ${options.maxRows} rows (SCORED_FILE_MAX_ROWS)`);
      }
      if (line === null) return;
      const cells = line.split('\t');
      if (cells.length !== columns.count) return;
      const campaignId = cells[columns.campaignId]!.trim();
      const userId = cells[columns.userId]!.trim();
      const score = parseScore(cells[columns.score]);
      if (campaignId === '' || userId === '' || score === null) return;
      best.offer(campaignId, userId, firstLine + index, score);
    });
  }
  const found = { bestRows: best.bestRows(), campaignIds: [...best.scopesSeen] };
  if (columns === null) return { columns: scoredFileColumns(null), ...found };
  return { columns: columns as ScoredFileColumns, ...found };
}

/** The reasons a row can be judged by alone (its shape, score and campaign). */
function rowReason(
  cells: string[] | null,
  columns: ScoredFileColumns,
  campaigns: Map<string, FanCampaignDoc | null>,
  uploadCampaignId: string | null,
): ScrubReason | null {
  if (cells === null || cells.length !== columns.count) return 'INVALID_ROW';
  const campaignId = cells[columns.campaignId]!.trim();
  if (campaignId === '' || cells[columns.userId]!.trim() === '') return 'INVALID_ROW';
  if (parseScore(cells[columns.score]) === null) return 'INVALID_SCORE';
  if (!campaigns.get(campaignId)) return 'UNKNOWN_CAMPAIGN';
  if (uploadCampaignId !== null && campaignId !== uploadCampaignId) return 'WRONG_CAMPAIGN';
  return null;
}

/** The reasons that need the fan's entry: selected already, e-mail (the row's, else the entry's) and phone. */
function entryReason(
  row: PendingRow,
  entry: EntryView,
  columns: ScoredFileColumns,
  options: ScrubOptions,
  country: string | null,
): ScrubReason | null {
  if (entry.verdict === true) return 'ALREADY_SELECTED';
  const email = row.cells[columns.email]!.trim().toLowerCase() || entry.email;
  if (!isEmailAddress(email)) return 'INVALID_EMAIL';
  const hit = options.matcher.match(email);
  if (hit !== null) return hit;
  // the entry's phone was validated when the fan registered, with the same library and metadata
  const phone = row.cells[columns.phone]!;
  if (!options.phones.sameNumber(phone, entry.phone) && !options.phones.isValid(phone, country)) {
    return 'INVALID_PHONE';
  }
  return null;
}

async function entriesOf(db: Db, rows: PendingRow[], columns: ScoredFileColumns): Promise<Map<string, EntryView>> {
  if (rows.length === 0) return new Map();
  const ids = rows.map((row) => entryId(row.campaign._id, row.cells[columns.userId]!.trim()));
  const found = await db
    .collection<FanEntryDoc>(FAN_ENTRIES)
    .find({ _id: { $in: ids } }, { projection: { market: 1, email: 1, phone: 1, verdict: 1 } })
    .toArray();
  return new Map(found.map((entry) => [entry._id, entry as EntryView]));
}

/** The country a fan's phone is read in: its market's, else the campaign's first market's. */
class CountryOfMarket {
  private readonly byCampaign = new Map<string, Map<string, string>>();

  of(campaign: FanCampaignDoc, market: string | null): string | null {
    let countries = this.byCampaign.get(campaign._id);
    if (!countries) {
      countries = new Map(campaign.markets.map((each) => [each.id, each.country]));
      this.byCampaign.set(campaign._id, countries);
    }
    return (market !== null ? countries.get(market) : undefined) ?? campaign.markets[0]?.country ?? null;
  }
}

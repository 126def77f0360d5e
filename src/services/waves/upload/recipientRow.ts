import { isBlank, type CellValue } from '../../uploads/cellValue';
import type { UploadRow } from '../../uploads/readRows';
import { formatCode } from '../../fans/codes/codeFormat';
import { marketOf } from '../../fans/campaignDirectory';
import type { FanCampaignDoc, MarketDoc } from '../../fans/model';
import { toE164 } from '../../fans/ingest/phone';
import type { WaveMessageDoc, WaveReject } from '../model';
import { newOfferCode } from '../offerCodes/offerCodeFormat';

/** Columns a wave file must have (lower-case, as headers are read). */
export const REQUIRED_COLUMNS = ['phone', 'market'] as const;
/** One of these names the fan. */
export const RECIPIENT_COLUMNS = ['userid', 'email'] as const;

const CODE_KINDS = ['NON_TM', 'TM'] as const;
const MAX_EVENTS = 100;

/** A row's recipient as the file gives it, before the checks that need the store. */
export interface RecipientDraft {
  row: number;
  userId: string | null;
  /** Lower-case. */
  email: string | null;
  /** E.164, or null when the row has none or it is not valid in the market's country. */
  phone: string | null;
  /** The phone cell when it was given but is not a valid number there. */
  invalidPhone: string | null;
  firstName: string | null;
  market: MarketDoc;
  code: string | null;
  codeKind: WaveMessageDoc['codeKind'];
  /** Every column of the row as text (lower-case names), for the templates. */
  fields: Record<string, string>;
}

const text = (value: CellValue | undefined): string | null => {
  if (value === undefined || isBlank(value)) return null;
  return value instanceof Date ? value.toISOString() : String(value).trim();
};

/**
 * Reads one row: a fan named (userId or e-mail), a market of the campaign, the phone in that
 * market's country, a code of the right shape and kind. The reason when the row cannot be a
 * recipient; checks that need the store (consent, opt-outs, duplicates) come after.
 */
export function readRecipient(
  { rowNumber, record }: UploadRow,
  campaign: FanCampaignDoc,
  generateOfferCode: boolean,
): RecipientDraft | WaveReject {
  const reject = (reason: string): WaveReject => ({ line: rowNumber, reason });
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) fields[name] = text(value) ?? '';
  const userId = text(record.userid);
  const email = text(record.email)?.toLowerCase() ?? null;
  if (!userId && !email) return reject('userId or email: one is required');
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return reject(`email: ${email} is not an e-mail address`);
  const marketId = text(record.market);
  if (!marketId) return reject('market: required');
  const market = marketOf(campaign, marketId);
  if (!market) return reject(`market: ${marketId} is not a market of campaign ${campaign._id}`);
  const rawPhone = text(record.phone);
  const phone = toE164(rawPhone, market.country);
  const rawCode = text(record.code);
  if (rawCode && generateOfferCode) return reject('code: the wave generates offer codes; leave the code column empty');
  const code = rawCode ? formatCode(rawCode) : null;
  if (rawCode && !code) return reject(`code: ${rawCode.slice(0, 80)} is not a code (4 to 64 letters, digits, - and _)`);
  const kind = (text(record.codekind) ?? 'NON_TM').toUpperCase();
  if (code && !(CODE_KINDS as readonly string[]).includes(kind)) return reject(`codeKind: NON_TM or TM, not ${kind}`);
  if (selectedEventsOf(fields, marketId).length > MAX_EVENTS) return reject(`selectedEvents: at most ${MAX_EVENTS}`);
  return {
    row: rowNumber,
    userId,
    email,
    phone,
    invalidPhone: rawPhone && !phone ? rawPhone : null,
    firstName: text(record.firstname),
    market,
    // drawn here, kept with the message: a rerun of the upload keeps the messages, and their codes, it wrote
    code: generateOfferCode ? newOfferCode() : code,
    codeKind: generateOfferCode ? 'OFFER' : code ? (kind as 'NON_TM' | 'TM') : null,
    fields,
  };
}

export const isReject = (value: RecipientDraft | WaveReject): value is WaveReject => 'reason' in value;

/** The events a row's code is for: its `selectedEvents` column (separated by |), else its market. */
export function selectedEventsOf(fields: Readonly<Record<string, string>>, market: string | null): string[] {
  const events = (fields.selectedevents || market || '').split('|').map((event) => event.trim());
  return [...new Set(events.filter(Boolean))];
}

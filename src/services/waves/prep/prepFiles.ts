import type { FanCampaignDoc, FanEntryDoc } from '../../fans/model';
import type { MarketDetails } from './marketDetails';
import type { Selection } from './selectFans';

export type PrepEntry = Pick<
  FanEntryDoc,
  | '_id'
  | 'userId'
  | 'email'
  | 'phone'
  | 'firstName'
  | 'marketPreferences'
  | 'market'
  | 'smsConsent'
  | 'code'
  | 'codeKind'
>;

/** A selected fan with the code the wave will give: theirs already (reassigned), or one reserved now. */
export interface PreppedFan {
  selection: Selection<PrepEntry>;
  code: string;
  codeKind: 'NON_TM' | 'TM' | 'OFFER';
}

export interface PrepFiles {
  /** Fans with no phone: reached by e-mail. */
  emails: string;
  /** Every selected fan and code: the list a wave is made from (createWaveFromPrep). */
  masterCodes: string;
  /** Fans with a phone: the SMS wave's recipients. */
  smsSelected: string;
}

const FAN_COLUMNS = [
  'userId',
  'email',
  'phone',
  'firstName',
  'market',
  'selectedEvents',
  'code',
  'codeKind',
  'smsConsent',
];
const MARKET_COLUMNS = ['marketName', 'city', 'timeZone'];

/**
 * The prep's three CSV files (seed 004 processSmsWaveFiles' categories), with the same columns:
 * the fan, the markets and code, the market's name, city and time zone, and the operator's
 * details of the market. A wave file in every respect, so each can be uploaded as one.
 */
export function prepFiles(fans: PreppedFan[], campaign: FanCampaignDoc, details: MarketDetails): PrepFiles {
  const detailColumns = [...new Set([...details.values()].flatMap((values) => Object.keys(values)))]
    .filter((name) => ![...FAN_COLUMNS, ...MARKET_COLUMNS].some((column) => column.toLowerCase() === name))
    .sort();
  const header = csvLine([...FAN_COLUMNS, ...MARKET_COLUMNS, ...detailColumns]);
  const markets = new Map(campaign.markets.map((market) => [market.id, market]));
  const lines = { emails: [header], masterCodes: [header], smsSelected: [header] };
  for (const { selection, code, codeKind } of fans) {
    const { entry } = selection;
    const marketId = selection.markets[0]!;
    const market = markets.get(marketId)!;
    const extra = details.get(marketId) ?? {};
    const line = csvLine([
      entry.userId,
      entry.email,
      entry.phone ?? '',
      entry.firstName ?? '',
      marketId,
      selection.markets.join('|'),
      code,
      codeKind,
      entry.smsConsent ? 'yes' : '',
      market.name,
      market.city,
      market.timeZone,
      ...detailColumns.map((name) => extra[name] ?? ''),
    ]);
    lines.masterCodes.push(line);
    (entry.phone ? lines.smsSelected : lines.emails).push(line);
  }
  const file = (rows: string[]) => `${rows.join('\n')}\n`;
  return { emails: file(lines.emails), masterCodes: file(lines.masterCodes), smsSelected: file(lines.smsSelected) };
}

function csvLine(cells: string[]): string {
  return cells.map((cell) => (/[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',');
}

import type { Readable } from 'node:stream';
import { badInput } from '../../../errors';
import type { FanCampaignDoc } from '../../fans/model';
import { isBlank } from '../../uploads/cellValue';
import { readRows } from '../../uploads/readRows';
import type { UploadLimits } from '../../uploads/uploadLimits';

/** Market id -> the operator's details of it (venue, eventDate, presaleTime, any column), lower-case names. */
export type MarketDetails = Map<string, Record<string, string>>;

/**
 * Reads a market details file: a `market` column naming markets of the campaign, each once, and
 * any other columns, which become placeholders of the prep's files (`{{venue}}`...). A row
 * naming another market, or a market twice, refuses the file (BAD_USER_INPUT with its line).
 */
export async function readMarketDetails(
  source: Readable,
  filename: string,
  campaign: FanCampaignDoc,
  limits: UploadLimits,
): Promise<MarketDetails> {
  const details: MarketDetails = new Map();
  for await (const { rowNumber, record } of readRows(source, filename, { ...limits, requiredHeaders: ['market'] })) {
    const market = String(record.market ?? '').trim();
    if (!campaign.markets.some((known) => known.id === market)) {
      throw badInput(
        `marketDetails line ${rowNumber}: ${market || '(empty)'} is not a market of ${campaign._id}`,
        'marketDetails',
      );
    }
    if (details.has(market))
      throw badInput(`marketDetails line ${rowNumber}: market ${market} appears twice`, 'marketDetails');
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(record)) {
      if (name === 'market') continue;
      values[name] = isBlank(value) ? '' : value instanceof Date ? value.toISOString() : String(value);
    }
    details.set(market, values);
  }
  return details;
}

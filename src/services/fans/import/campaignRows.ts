import type { Db } from '../../../datasources/store';
import { checkWindow, parseCampaignCreate, toMarketDoc } from '../campaigns/campaignInput';
import { FAN_CAMPAIGNS, type FanCampaignDoc } from '../model';
import type { ImportRow } from './importRows';
import type { BatchOutcome } from './importResult';
import { rowRefusal } from './importResult';
import { insertMissing } from './insertMissing';
import { choice, optionalDate, optionalText, RowError, structured } from './rowValues';

/**
 * A fan campaign of the old system: `id` (or `_id`), name, artist, status (DRAFT, OPEN, CLOSED;
 * default DRAFT), scoringType (LINEAR, LOG), registrationOpensAt, registrationClosesAt, markets
 * (a JSON array of { id, name, city, country, timeZone, registrationLimit, selectionLimit }),
 * createdAt, updatedAt. Checked by the same rules as createFanCampaign.
 */
export function campaignOf(row: ImportRow, now: Date): FanCampaignDoc {
  const fields = parseCampaignCreate({
    id: optionalText(row, 'id') ?? optionalText(row, '_id'),
    name: row.get('name') ?? '',
    artist: row.get('artist') ?? '',
    scoringType: choice(row, 'scoringType', ['LINEAR', 'LOG'], 'LINEAR'),
    registrationOpensAt: optionalDate(row, 'registrationOpensAt'),
    registrationClosesAt: optionalDate(row, 'registrationClosesAt'),
    markets: structured(row, 'markets') ?? [],
  });
  if (!fields.id) throw new RowError('id', 'required');
  const registrationOpensAt = fields.registrationOpensAt ?? null;
  const registrationClosesAt = fields.registrationClosesAt ?? null;
  checkWindow(registrationOpensAt, registrationClosesAt);
  const createdAt = optionalDate(row, 'createdAt') ?? now;
  return {
    _id: fields.id,
    name: fields.name,
    artist: fields.artist,
    status: choice(row, 'status', ['DRAFT', 'OPEN', 'CLOSED'], 'DRAFT'),
    scoringType: fields.scoringType,
    registrationOpensAt,
    registrationClosesAt,
    markets: fields.markets.map(toMarketDoc),
    createdAt,
    updatedAt: optionalDate(row, 'updatedAt') ?? createdAt,
  };
}

/** Loads a batch of campaign rows: the valid ones not in the store yet are inserted. */
export async function loadCampaigns(db: Db, rows: ImportRow[], now: Date): Promise<BatchOutcome> {
  const docs: FanCampaignDoc[] = [];
  const rejects = [];
  for (const row of rows) {
    try {
      docs.push(campaignOf(row, now));
    } catch (error) {
      rejects.push(rowRefusal(row, error));
    }
  }
  const written = await insertMissing(db.collection<FanCampaignDoc>(FAN_CAMPAIGNS), docs);
  return { loaded: written.inserted, existing: written.existing, rejects };
}

import type { Db } from '../../../datasources/store';
import { formatSelectedEvents, SELECTED_EVENTS_RULE } from '../codes/codeFormat';
import { DEMAND, entryId, type DemandDoc } from '../model';
import type { CampaignCache } from './campaignCache';
import type { ImportRow, UnreadableRow } from './importRows';
import { rowRefusal, type BatchOutcome } from './importResult';
import { insertMissing } from './insertMissing';
import { list, optionalDate, RowError, text } from './rowValues';

/** A fan's selected events (the seed's demandTable): campaignId, userId, selectedEvents (at least one), updatedAt. */
export function demandOf(row: ImportRow, campaigns: CampaignCache, now: Date): DemandDoc {
  const campaignId = text(row, 'campaignId');
  if (!campaigns.get(campaignId)) throw new RowError('campaignId', `no fan campaign ${campaignId}`);
  const userId = text(row, 'userId', 200);
  const selectedEvents = formatSelectedEvents(list(row, 'selectedEvents'));
  if (!selectedEvents) throw new RowError('selectedEvents', SELECTED_EVENTS_RULE);
  if (selectedEvents.length === 0) throw new RowError('selectedEvents', 'at least one event');
  return {
    _id: entryId(campaignId, userId),
    campaignId,
    userId,
    selectedEvents,
    updatedAt: optionalDate(row, 'updatedAt') ?? now,
  };
}

export async function loadDemand(
  db: Db,
  campaigns: CampaignCache,
  rows: ImportRow[],
  now: Date,
): Promise<BatchOutcome> {
  await campaigns.load(rows);
  const docs: DemandDoc[] = [];
  const rejects: UnreadableRow[] = [];
  for (const row of rows) {
    try {
      docs.push(demandOf(row, campaigns, now));
    } catch (error) {
      rejects.push(rowRefusal(row, error));
    }
  }
  const written = await insertMissing(db.collection<DemandDoc>(DEMAND), docs);
  return { loaded: written.inserted, existing: written.existing, rejects };
}

import type { Db } from '../../../datasources/store';
import { writtenTogether } from '../../writtenTogether';
import { formatSelectedEvents, SELECTED_EVENTS_RULE } from '../codes/codeFormat';
import { marketOf } from '../campaignDirectory';
import { FanMarketCounts, MarketCountChanges } from '../entries/marketCounts';
import { toE164 } from '../ingest/phone';
import { isEmail } from '../ingest/recordRules';
import { entryId, FAN_ENTRIES, type FanEntryDoc } from '../model';
import type { CampaignCache } from './campaignCache';
import type { ImportRow, UnreadableRow } from './importRows';
import { rowRefusal, type BatchOutcome } from './importResult';
import { insertMissing } from './insertMissing';
import {
  choice,
  date,
  list,
  optionalBoolean,
  optionalDate,
  optionalNumber,
  optionalText,
  RowError,
  text,
} from './rowValues';

/**
 * A fan's entry in a campaign: campaignId, userId, email (required), phone (read in the country of
 * the first market; invalid: kept as none), firstName, marketPreferences (market ids of the
 * campaign, in order, at least one), smsConsentSource, smsConsentAt, registeredAt (required),
 * score ([0, 1]), verdict (true/false), verdictReason, code, codeKind (NON_TM, TM, OFFER),
 * selectedEvents.
 */
export function entryOf(row: ImportRow, campaigns: CampaignCache, now: Date): FanEntryDoc {
  const campaignId = text(row, 'campaignId');
  const campaign = campaigns.get(campaignId);
  if (!campaign) throw new RowError('campaignId', `no fan campaign ${campaignId}`);
  const userId = text(row, 'userId', 200);
  const email = text(row, 'email', 320).toLowerCase();
  if (!isEmail(email)) throw new RowError('email', `${JSON.stringify(email)} is not an e-mail address`);
  const marketPreferences = [...new Set(list(row, 'marketPreferences'))];
  if (marketPreferences.length === 0) throw new RowError('marketPreferences', 'at least one market');
  const unknown = marketPreferences.find((market) => !marketOf(campaign, market));
  if (unknown) throw new RowError('marketPreferences', `campaign ${campaignId} has no market ${unknown}`);
  const score = optionalNumber(row, 'score');
  if (score !== null && (score < 0 || score > 1)) throw new RowError('score', `${score} is outside [0, 1]`);
  const consentSource = optionalText(row, 'smsConsentSource', 200);
  const consentAt = optionalDate(row, 'smsConsentAt');
  if (consentAt && !consentSource) throw new RowError('smsConsentSource', 'required with smsConsentAt');
  const registeredAt = date(row, 'registeredAt');
  const selectedEvents = formatSelectedEvents(list(row, 'selectedEvents'));
  if (!selectedEvents) throw new RowError('selectedEvents', SELECTED_EVENTS_RULE);
  const code = optionalText(row, 'code', 64);
  return {
    _id: entryId(campaignId, userId),
    campaignId,
    userId,
    email,
    phone: toE164(optionalText(row, 'phone', 40), marketOf(campaign, marketPreferences[0]!)!.country),
    firstName: optionalText(row, 'firstName', 200),
    marketPreferences,
    market: marketPreferences[0]!,
    smsConsent: consentSource ? { source: consentSource, at: consentAt ?? registeredAt } : null,
    registeredAt,
    score,
    verdict: optionalBoolean(row, 'verdict'),
    verdictReason: optionalText(row, 'verdictReason', 200),
    code,
    codeKind: code ? choice(row, 'codeKind', ['NON_TM', 'TM', 'OFFER'] as const, 'NON_TM') : null,
    selectedEvents,
    updatedAt: optionalDate(row, 'updatedAt') ?? now,
  };
}

export async function loadEntries(
  db: Db,
  campaigns: CampaignCache,
  rows: ImportRow[],
  now: Date,
  marketCounts = new FanMarketCounts(db),
): Promise<BatchOutcome> {
  await campaigns.load(rows);
  const docs: FanEntryDoc[] = [];
  const rejects: UnreadableRow[] = [];
  for (const row of rows) {
    try {
      docs.push(entryOf(row, campaigns, now));
    } catch (error) {
      rejects.push(rowRefusal(row, error));
    }
  }
  const inserted = await marketCounts.exclusive(
    docs.map((doc) => doc.campaignId),
    () => insertCounted(db, marketCounts, docs),
  );
  return { loaded: inserted, existing: docs.length - inserted, rejects };
}

/**
 * The entries not stored yet, inserted with the market counts they add in one commit (planned
 * from the entries stored before); answers how many it inserted. An entry another process
 * inserted meanwhile gives its planned count back.
 */
async function insertCounted(db: Db, marketCounts: FanMarketCounts, docs: FanEntryDoc[]): Promise<number> {
  const stored = await marketCounts.storedMarkets(docs.map((doc) => doc._id));
  const planned = new Map<string, FanEntryDoc>();
  for (const doc of docs) if (!stored.has(doc._id) && !planned.has(doc._id)) planned.set(doc._id, doc);
  const missing = [...planned.values()];
  const changes = new MarketCountChanges();
  for (const doc of missing) changes.add(doc.campaignId, doc.market, 1);
  const [written] = (await writtenTogether([
    insertMissing(db.collection<FanEntryDoc>(FAN_ENTRIES), missing),
    ...marketCounts.write(changes),
  ])) as [Awaited<ReturnType<typeof insertMissing>>];
  if (written.inserted < missing.length) {
    const inserted = new Set(written.insertedIndexes);
    const givenBack = new MarketCountChanges();
    missing.forEach((doc, index) => {
      if (!inserted.has(index)) givenBack.add(doc.campaignId, doc.market, -1);
    });
    await writtenTogether(marketCounts.write(givenBack));
  }
  return written.inserted;
}

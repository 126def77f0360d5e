import type { Db } from '../../../datasources/store';
import { formatSelectedEvents, SELECTED_EVENTS_RULE } from '../codes/codeFormat';
import { marketOf } from '../campaignDirectory';
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
  const written = await insertMissing(db.collection<FanEntryDoc>(FAN_ENTRIES), docs);
  return { loaded: written.inserted, existing: written.existing, rejects };
}

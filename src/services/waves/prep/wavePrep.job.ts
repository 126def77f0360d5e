import { z } from 'zod';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { AppError } from '../../../errors';
import { PermanentJobError, type JobType } from '../../../jobs/jobType';
import type { CampaignDirectory } from '../../fans/campaignDirectory';
import type { FanCodes } from '../../fans/codes/fanCodes';
import { FAN_ENTRIES, type FanEntryDoc } from '../../fans/model';
import type { UploadLimits } from '../../uploads/uploadLimits';
import { WAVE_PREPS, type WavePrepDoc } from '../model';
import { readMarketDetails, type MarketDetails } from './marketDetails';
import { prepFiles, type PrepEntry, type PreppedFan } from './prepFiles';
import { marketDetailsKey, prepRecipientsKey, prepZipKey } from './prepKeys';
import { selectFans } from './selectFans';
import { zipArchive } from './zipArchive';

export const WAVE_PREP_JOB = 'wave-prep';

export interface WavePrepDeps {
  db: Db;
  objects: ObjectStore;
  directory: CampaignDirectory;
  /** The fans feature's code pools: the prep's NON_TM codes are reserved for its wave. */
  codes: Pick<FanCodes, 'reserve' | 'release' | 'reservedCodes'>;
  limits: UploadLimits;
}

export interface WavePrepResult {
  prepId: string;
  selected: number;
  codesReserved: number;
  objectKey: string;
}

const PREP_FIELDS = {
  _id: 1,
  userId: 1,
  email: 1,
  phone: 1,
  firstName: 1,
  marketPreferences: 1,
  market: 1,
  smsConsent: 1,
  code: 1,
  codeKind: 1,
} as const;

/**
 * `wave-prep` (seed 004 processSmsWaveFiles): the campaign's markets merged with the operator's
 * details, eligible fans selected (score >= minScore, verdict true, not selected before unless
 * reassign) best score first into markets with room, NON_TM codes reserved for the fans without
 * one (for the wave the prep makes, whose id is the prep's), and the files zipped to the objects
 * port. Rerunnable: the prep's reservation is given back and taken again before the files are
 * written.
 */
export function wavePrepJob(deps: WavePrepDeps): JobType<{ prepId: string }> {
  const preps = deps.db.collection<WavePrepDoc>(WAVE_PREPS);
  return {
    name: WAVE_PREP_JOB,
    params: z.object({ prepId: z.string().min(1) }),
    async perform({ prepId }, context): Promise<WavePrepResult> {
      const prep = await preps.findOne({ _id: prepId });
      if (!prep) throw new PermanentJobError(`Wave prep ${prepId} was not found`, 'NOT_FOUND');
      const campaign = await deps.directory.require(prep.campaignId);
      const details = await storedDetails(deps, campaign);
      await context.progress(0.1, 'selecting fans');
      const { params } = prep;
      const entries = deps.db.collection<FanEntryDoc>(FAN_ENTRIES);
      const used = params.reassign ? new Map<string, number>() : await selectedPerMarket(deps.db, campaign._id);
      const candidates = (await entries
        .find(
          {
            campaignId: campaign._id,
            verdict: true,
            score: { $gte: params.minScore },
            ...(params.reassign ? {} : { code: null }),
          },
          { sort: { score: -1, registeredAt: 1, _id: 1 }, projection: PREP_FIELDS },
        )
        .toArray()) as PrepEntry[];
      const { selections, perMarket } = selectFans(candidates, campaign.markets, used, params);
      await context.progress(0.5, `${selections.length} fans selected; reserving codes`);
      const needing = selections.filter((selection) => !selection.entry.code).length;
      const reserved = await reserveFor(deps, prep, needing);
      let next = 0;
      const fans: PreppedFan[] = selections.map((selection) => {
        const { code, codeKind } = selection.entry;
        if (code && codeKind) return { selection, code, codeKind };
        return { selection, code: reserved[next++]!, codeKind: 'NON_TM' };
      });
      const files = prepFiles(fans, campaign, details);
      const objectKey = prepZipKey(prep);
      await deps.objects.put(prepRecipientsKey(prep), files.masterCodes, 'text/csv; charset=utf-8');
      const zip = zipArchive([
        { name: 'emails.csv', data: Buffer.from(files.emails) },
        { name: 'masterCodes.csv', data: Buffer.from(files.masterCodes) },
        { name: 'smsSELECTED.csv', data: Buffer.from(files.smsSelected) },
      ]);
      await deps.objects.put(objectKey, zip, 'application/zip');
      const counts = {
        selected: selections.length,
        perMarket: [...perMarket].map(([key, count]) => ({ key, count })),
        codesReserved: needing,
      };
      await preps.updateOne({ _id: prepId }, { $set: { status: 'PREPPED', objectKey, counts } });
      await context.setStats({ selected: selections.length, codesReserved: needing });
      return { prepId, selected: selections.length, codesReserved: needing, objectKey };
    },
  };
}

/** The codes for `count` fans, reserved afresh for the prep's wave; a pool too small fails the prep. */
async function reserveFor(deps: WavePrepDeps, prep: WavePrepDoc, count: number): Promise<string[]> {
  await deps.codes.release(prep._id);
  try {
    if (count > 0) await deps.codes.reserve(prep.campaignId, prep._id, count);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await deps.db.collection<WavePrepDoc>(WAVE_PREPS).updateOne({ _id: prep._id }, { $set: { status: 'FAILED' } });
    throw new PermanentJobError(error.message, error.code);
  }
  return deps.codes.reservedCodes(prep._id);
}

/** Places already taken in each market: fans holding a code, counted in each market they were selected for. */
async function selectedPerMarket(db: Db, campaignId: string): Promise<Map<string, number>> {
  const used = new Map<string, number>();
  const selected = db
    .collection<FanEntryDoc>(FAN_ENTRIES)
    .find({ campaignId, code: { $ne: null } }, { projection: { selectedEvents: 1, market: 1 } });
  for await (const entry of selected) {
    const markets = entry.selectedEvents.length > 0 ? entry.selectedEvents : entry.market ? [entry.market] : [];
    for (const market of markets) used.set(market, (used.get(market) ?? 0) + 1);
  }
  return used;
}

async function storedDetails(
  deps: WavePrepDeps,
  campaign: Parameters<typeof readMarketDetails>[2],
): Promise<MarketDetails> {
  const stored = await deps.objects.get(marketDetailsKey(campaign._id));
  return stored ? readMarketDetails(stored.body, 'details.csv', campaign, deps.limits) : new Map();
}

import type { Db } from '../../src/datasources/store';
import {
  CODES,
  FAN_CAMPAIGNS,
  FAN_ENTRIES,
  entryId,
  type CodeDoc,
  type CodeState,
  type FanCampaignDoc,
  type FanCampaignStatus,
  type FanEntryDoc,
  type MarketDoc,
} from '../../src/services/fans/model';

const created = new Date('2025-03-01T00:00:00Z');

export const market = (id: string, name: string, registrationLimit: number | null): MarketDoc => ({
  id,
  name,
  city: name,
  country: 'GB',
  timeZone: 'Europe/London',
  registrationLimit,
  selectionLimit: null,
});

/** A fan campaign written straight to the store (the stats read the store, not the API). */
export async function seedCampaign(
  db: Db,
  id: string,
  status: FanCampaignStatus,
  markets: MarketDoc[],
  artist = 'The Artist',
): Promise<FanCampaignDoc> {
  const doc: FanCampaignDoc = {
    _id: id,
    name: `Tour ${id}`,
    artist,
    status,
    scoringType: 'LINEAR',
    registrationOpensAt: null,
    registrationClosesAt: null,
    markets,
    createdAt: created,
    updatedAt: created,
  };
  await db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).insertOne(doc);
  return doc;
}

export interface EntrySeed {
  market: string | null;
  registeredAt: string;
  score?: number | null;
  verdict?: boolean | null;
  verdictReason?: string | null;
}

let nextUser = 0;

export async function seedEntries(db: Db, campaignId: string, seeds: EntrySeed[]): Promise<void> {
  const docs = seeds.map((seed): FanEntryDoc => {
    const userId = `u${++nextUser}`;
    return {
      _id: entryId(campaignId, userId),
      campaignId,
      userId,
      email: `${userId}@example.com`,
      phone: null,
      firstName: null,
      marketPreferences: seed.market ? [seed.market] : [],
      market: seed.market,
      smsConsent: null,
      registeredAt: new Date(seed.registeredAt),
      score: seed.score ?? null,
      verdict: seed.verdict ?? null,
      verdictReason: seed.verdictReason ?? null,
      code: null,
      codeKind: null,
      selectedEvents: [],
      updatedAt: new Date(seed.registeredAt),
    };
  });
  await db.collection<FanEntryDoc>(FAN_ENTRIES).insertMany(docs);
}

let nextCode = 0;

export async function seedCodes(db: Db, campaignId: string, counts: Partial<Record<CodeState, number>>): Promise<void> {
  const docs: CodeDoc[] = Object.entries(counts).flatMap(([state, count]) =>
    Array.from({ length: count }, () => ({
      _id: `CODE${++nextCode}`,
      campaignId,
      poolId: `${campaignId}:pool`,
      kind: 'NON_TM' as const,
      state: state as CodeState,
      waveId: null,
      entryId: null,
      userId: null,
      reservedAt: null,
      assignedAt: null,
      createdAt: created,
    })),
  );
  await db.collection<CodeDoc>(CODES).insertMany(docs);
}

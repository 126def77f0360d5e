import type { Db } from '../../src/datasources/store';
import { FanMarketCounts } from '../../src/services/fans/entries/marketCounts';
import { entryId, FAN_ENTRIES, type FanEntryDoc } from '../../src/services/fans/model';
import { graphql, type GraphQLResponse } from '../support/graphql';

/** The fields the fan-campaign tests read back. */
export const CAMPAIGN_FIELDS = `
  id name artist status scoringType registrationOpensAt registrationClosesAt createdAt updatedAt
  markets { id name city country timeZone registrationLimit selectionLimit registrations registrationsLeft }
`;

export interface MarketResult {
  id: string;
  name: string;
  city: string;
  country: string;
  timeZone: string;
  registrationLimit: number | null;
  selectionLimit: number | null;
  registrations: number;
  registrationsLeft: number | null;
}

export interface CampaignResult {
  id: string;
  name: string;
  artist: string;
  status: string;
  scoringType: string;
  registrationOpensAt: string | null;
  registrationClosesAt: string | null;
  markets: MarketResult[];
}

export const usMarket = (id = 'nyc', extra: Record<string, unknown> = {}) => ({
  id,
  name: `Madison Square Garden ${id}`,
  city: 'New York',
  country: 'US',
  timeZone: 'America/New_York',
  registrationLimit: 3,
  selectionLimit: 2,
  ...extra,
});

export const campaignInput = (extra: Record<string, unknown> = {}) => ({
  name: 'World tour presale',
  artist: 'The Testers',
  scoringType: 'LINEAR',
  markets: [usMarket('nyc'), usMarket('lon', { city: 'London', country: 'gb', timeZone: 'Europe/London' })],
  ...extra,
});

/** The error code (and reason, field) of the first error, for compact expectations. */
export function errorOf(response: GraphQLResponse<unknown>) {
  const error = response.errors?.[0];
  return { code: error?.extensions?.code, reason: error?.extensions?.reason, field: error?.extensions?.field };
}

/** GraphQL calls of the fan-campaign API, as one API key. */
export function campaignApi(url: string, key: string) {
  const call = <R>(query: string, variables?: Record<string, unknown>) => graphql<R>(url, query, variables, { key });
  return {
    call,
    create: (input: Record<string, unknown>) =>
      call<{ createFanCampaign: CampaignResult }>(
        `mutation ($input: FanCampaignInput!) { createFanCampaign(input: $input) { ${CAMPAIGN_FIELDS} } }`,
        { input },
      ),
    update: (id: string, input: Record<string, unknown>) =>
      call<{ updateFanCampaign: CampaignResult }>(
        `mutation ($id: ID!, $input: FanCampaignUpdateInput!) {
          updateFanCampaign(id: $id, input: $input) { ${CAMPAIGN_FIELDS} }
        }`,
        { id, input },
      ),
    open: (id: string) =>
      call<{ openFanCampaign: CampaignResult }>(`mutation ($id: ID!) { openFanCampaign(id: $id) { id status } }`, {
        id,
      }),
    close: (id: string) =>
      call<{ closeFanCampaign: CampaignResult }>(`mutation ($id: ID!) { closeFanCampaign(id: $id) { id status } }`, {
        id,
      }),
    get: (id: string) =>
      call<{ fanCampaign: CampaignResult }>(`query ($id: ID!) { fanCampaign(id: $id) { ${CAMPAIGN_FIELDS} } }`, {
        id,
      }),
  };
}

/** A stored entry as the registration pipeline writes it (the tests insert them directly). */
export function entryDoc(campaignId: string, userId: string, extra: Partial<FanEntryDoc> = {}): FanEntryDoc {
  const at = new Date('2025-03-01T12:00:00Z');
  return {
    _id: entryId(campaignId, userId),
    campaignId,
    userId,
    email: `${userId}@example.com`,
    phone: '+14155552671',
    firstName: 'Fan',
    marketPreferences: ['nyc'],
    market: 'nyc',
    smsConsent: { source: 'registration', at },
    registeredAt: at,
    score: null,
    verdict: null,
    verdictReason: null,
    code: null,
    codeKind: null,
    selectedEvents: [],
    updatedAt: at,
    ...extra,
  };
}

/** Stores entries directly, then counts their markets as `stats rebuild` does. */
export async function insertEntries(db: Db, entries: FanEntryDoc[]): Promise<void> {
  await db.collection<FanEntryDoc>(FAN_ENTRIES).insertMany(entries);
  await new FanMarketCounts(db).rebuild();
}

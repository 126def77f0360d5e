import type { Db } from '../../src/datasources/store';
import { FAN_CAMPAIGNS, type FanCampaignDoc, type MarketDoc } from '../../src/services/fans/model';
import type { TestServer } from '../support/server';

export const market = (id: string, country: string, extra: Partial<MarketDoc> = {}): MarketDoc => ({
  id,
  name: `Arena ${id}`,
  city: id,
  country,
  timeZone: 'UTC',
  registrationLimit: null,
  selectionLimit: null,
  ...extra,
});

/** Stores a fan campaign as the campaigns API would (OPEN, markets nyc (US) and lon (GB), no window). */
export async function storeCampaign(db: Db, id: string, extra: Partial<FanCampaignDoc> = {}): Promise<FanCampaignDoc> {
  const now = new Date();
  const doc: FanCampaignDoc = {
    _id: id,
    name: `Campaign ${id}`,
    artist: 'The Testers',
    status: 'OPEN',
    scoringType: 'LINEAR',
    registrationOpensAt: null,
    registrationClosesAt: null,
    markets: [market('nyc', 'US'), market('lon', 'GB')],
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
  await db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).insertOne(doc);
  return doc;
}

/** A registration record as an upstream producer sends it. */
export const registration = (campaignId: string, userId: string, extra: Record<string, unknown> = {}) => ({
  type: 'registration',
  campaignId,
  userId,
  email: `${userId}@example.com`,
  phone: '(212) 555-0123',
  firstName: 'Ann',
  marketPreferences: ['nyc'],
  registeredAt: Date.parse('2026-03-01T12:00:00Z'),
  ...extra,
});

export const ndjson = (records: unknown[]) => records.map((record) => JSON.stringify(record)).join('\n') + '\n';

export interface IngestAnswer {
  status: number;
  body: any;
}

/** POST /ingest/fans with `key` (none: no Authorization header). */
export async function postNdjson(server: TestServer, key: string | null, body: string | Buffer): Promise<IngestAnswer> {
  const response = await fetch(new URL('/ingest/fans', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  return { status: response.status, body: await response.json() };
}

import type { Db, Document } from '../../src/datasources/store';
import { campaignsFeature } from '../../src/features/campaigns';
import { campaignEventHorizon, expireCampaignEvents, utcDayOf } from '../../src/services/campaigns/campaignEventExpiry';
import { C, type CampaignDoc, type CampaignEventDoc } from '../../src/services/campaigns/model';
import { rebuildAllCampaignStats } from '../../src/services/campaigns/rebuildStats';
import { campaignStats } from '../../src/services/campaigns/stats';
import { STATS_COLLECTIONS } from '../../src/services/campaigns/statsRollup';
import { startTestServer, type TestServer } from '../support/server';

const batches = { size: 25, between: async () => {} };

/** A figure without its zero counts: the writes set a count once it is not zero, a rebuild sets all. */
function withoutZeros(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Document)
      .filter(([, inner]) => inner !== 0)
      .map(([key, inner]) => [key, withoutZeros(inner)]),
  );
}

async function figures(db: Db, campaignId: string) {
  const days = await db
    .collection(STATS_COLLECTIONS.days)
    .find({ campaignId }, { sort: { _id: 1 } })
    .toArray();
  return {
    totals: await db.collection(STATS_COLLECTIONS.totals).findOne({ _id: campaignId as never }),
    days: days.map(withoutZeros),
  };
}

describe('expiry of campaign events', () => {
  let server: TestServer;
  let db: Db;
  let campaign: CampaignDoc;
  let horizon: Date;
  const now = new Date();

  beforeAll(async () => {
    server = await startTestServer();
    await server.demo(campaignsFeature);
    db = server.app.db;
    campaign = (await db.collection<CampaignDoc>(C.campaigns).findOne({ status: 'SENT' }))!;
    const events = await db
      .collection<CampaignEventDoc>(C.events)
      .find({ campaignId: campaign._id }, { projection: { occurredAt: 1 } })
      .toArray();
    const days = [...new Set(events.map((e) => utcDayOf(e.occurredAt).getTime()))].sort((a, b) => a - b);
    horizon = new Date(days[Math.floor(days.length / 2)]!);
  }, 60_000);
  afterAll(() => server.stop());

  const recorder = () => server.servicesOf(campaignsFeature).tracking.recorder;

  it('deletes the events before the horizon and changes no figure', async () => {
    const kept = await figures(db, campaign._id);
    const stats = await campaignStats(db, campaign._id, {}, now);
    const events = db.collection<CampaignEventDoc>(C.events);
    const old = await events.countDocuments({ campaignId: campaign._id, occurredAt: { $lt: horizon } });
    expect(old).toBeGreaterThan(0);
    expect(await expireCampaignEvents(db, campaign._id, horizon, batches)).toBe(old);
    expect(await events.countDocuments({ campaignId: campaign._id, occurredAt: { $lt: horizon } })).toBe(0);
    expect(await campaignEventHorizon(db, campaign._id)).toEqual(horizon);
    expect(await figures(db, campaign._id)).toEqual(kept);
    expect(await campaignStats(db, campaign._id, {}, now)).toEqual(stats);
    expect(await expireCampaignEvents(db, campaign._id, horizon, batches)).toBe(0);
  });

  it('rebuilds the figures after expiry as they were kept, the days before the horizon included', async () => {
    const kept = await figures(db, campaign._id);
    await db.collection(STATS_COLLECTIONS.totals).deleteOne({ _id: campaign._id as never });
    await db.collection(STATS_COLLECTIONS.days).deleteMany({ campaignId: campaign._id, day: { $gte: horizon } });
    await rebuildAllCampaignStats(db, recorder());
    expect(await figures(db, campaign._id)).toEqual(kept);
  });

  it('counts later events of recipients who engaged before the horizon once', async () => {
    const before = (await campaignStats(db, campaign._id, {}, now)) as Document;
    const engaged = await db
      .collection(C.recipients)
      .find({ campaignId: campaign._id, clicked: true, firstClickedAt: { $lt: horizon } }, { limit: 5 })
      .toArray();
    expect(engaged.length).toBeGreaterThan(0);
    for (const recipient of engaged) {
      await recorder().record({
        type: 'CLICK',
        campaignId: campaign._id,
        memberId: String(recipient.memberId),
        linkIndex: 0,
      });
    }
    await recorder().drain();
    const after = (await campaignStats(db, campaign._id, {}, new Date())) as Document;
    expect(after.totalClicks).toBe(before.totalClicks + engaged.length);
    expect([after.uniqueOpens, after.uniqueClicks]).toEqual([before.uniqueOpens, before.uniqueClicks]);
    const kept = await figures(db, campaign._id);
    await rebuildAllCampaignStats(db, recorder());
    expect(await figures(db, campaign._id)).toEqual(kept);
  });

  it('seals days kept before they held values and links, so a later rebuild keeps them', async () => {
    const expected = await figures(db, campaign._id);
    const later = new Date(horizon.getTime() + 86_400_000);
    // a day as an earlier version kept it: event counts only
    await db
      .collection(STATS_COLLECTIONS.days)
      .updateMany(
        { campaignId: campaign._id, day: { $gte: horizon, $lt: later } },
        { $unset: { links: '', conversionValue: '' } },
      );
    expect(await figures(db, campaign._id)).not.toEqual(expected);
    await expireCampaignEvents(db, campaign._id, later, batches);
    expect(await figures(db, campaign._id)).toEqual(expected);
    await rebuildAllCampaignStats(db, recorder());
    expect(await figures(db, campaign._id)).toEqual(expected);
  });

  it('answers analytics over a range only from the horizon on', async () => {
    const current = await campaignEventHorizon(db, campaign._id);
    await expect(
      campaignStats(db, campaign._id, { from: new Date(current!.getTime() - 3_600_000), to: now }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const ranged = await campaignStats(db, campaign._id, { from: current, to: new Date() });
    expect(ranged.from).toEqual(current);
  });
});

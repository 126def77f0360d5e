import type { Db, Document } from '../../src/datasources/store';
import { campaignsFeature } from '../../src/features/campaigns';
import { getCampaign } from '../../src/services/campaigns/campaigns';
import { C, type CampaignDoc, type CampaignEventDoc, type RecipientDoc } from '../../src/services/campaigns/model';
import { rebuildAllCampaignStats } from '../../src/services/campaigns/rebuildStats';
import { storeEvents } from '../../src/services/campaigns/recordEvents';
import { campaignStats, computedStats } from '../../src/services/campaigns/stats';
import { STATS_COLLECTIONS } from '../../src/services/campaigns/statsRollup';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { withFault } from '../clicks/support/faults';

/** The stats the API answers (kept figures) beside the same stats computed from the events. */
async function bothWays(db: Db, campaignId: string) {
  const now = new Date();
  const campaign = await getCampaign(db, campaignId);
  return {
    kept: await campaignStats(db, campaignId, {}, now),
    computed: await computedStats(db, campaign, { from: campaign.createdAt, to: now }, now),
  };
}

async function figures(db: Db): Promise<Document[][]> {
  return Promise.all(
    Object.values(STATS_COLLECTIONS).map((name) =>
      db
        .collection(name)
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ),
  );
}

describe('campaign figures kept beside the events', () => {
  let server: TestServer;
  let db: Db;
  let campaign: CampaignDoc;
  let members: string[];

  beforeAll(async () => {
    server = await startTestServer();
    await server.demo(campaignsFeature);
    db = server.app.db;
    campaign = (await db.collection<CampaignDoc>(C.campaigns).findOne({ status: 'SENT' }))!;
    const recipients = await db.collection<RecipientDoc>(C.recipients).find({ campaignId: campaign._id }).toArray();
    members = recipients.map((r) => r.memberId);
  }, 60_000);
  afterAll(() => server.stop());

  const recorder = () => server.servicesOf(campaignsFeature).tracking.recorder;
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

  it('equal the stats computed from the events of the demo campaign', async () => {
    const { kept, computed } = await bothWays(db, campaign._id);
    expect(kept).toEqual(computed);
    expect(kept.uniqueOpens).toBeGreaterThan(0);
    expect(kept.links.some((link) => link.uniqueClickers > 0)).toBe(true);
  });

  it('stay exact through the group-committing recorder, with retried conversions and concurrent batches', async () => {
    const events = members.slice(0, 60).flatMap((memberId, i) => [
      { type: 'OPEN' as const, campaignId: campaign._id, memberId, occurredAt: minutesAgo(90 - i) },
      { type: 'CLICK' as const, campaignId: campaign._id, memberId, linkIndex: i % 3, occurredAt: minutesAgo(80 - i) },
      { type: 'CLICK' as const, campaignId: campaign._id, memberId, linkIndex: (i + 1) % 3 },
      ...(i % 4 === 0
        ? [
            {
              type: 'CONVERSION' as const,
              campaignId: campaign._id,
              memberId,
              value: 10 + i,
              id: `conversion:${campaign._id}:order-${i}`,
            },
          ]
        : []),
    ]);
    // every conversion sent twice at once, as a client retrying a timed-out call would
    const retries = events.filter((event) => event.type === 'CONVERSION');
    await Promise.all([...events, ...retries].map((event) => recorder().record(event)));
    await Promise.all(retries.map((event) => recorder().record(event)));
    await recorder().drain();
    const { kept, computed } = await bothWays(db, campaign._id);
    expect(kept).toEqual(computed);
    expect(kept.conversionValue).toBe(computed.conversionValue);
  });

  it('do not change when a batch of stored events is stored again', async () => {
    const before = await figures(db);
    const stored = await db
      .collection<CampaignEventDoc>(C.events)
      .find({ campaignId: campaign._id }, { limit: 200 })
      .toArray();
    await storeEvents(db, stored);
    expect(await figures(db)).toEqual(before);
  });

  it('are answered through GraphQL as kept', async () => {
    const viewer = await server.createApiKey('viewer');
    const answer = await graphql<{ campaignStats: { uniqueOpens: number; totalClicks: number; sent: number } }>(
      server.url,
      'query($id: ID!) { campaignStats(id: $id) { uniqueOpens totalClicks sent } }',
      { id: campaign._id },
      { key: viewer },
    );
    const { computed } = await bothWays(db, campaign._id);
    expect(answer.data?.campaignStats).toEqual({
      uniqueOpens: computed.uniqueOpens,
      totalClicks: computed.totalClicks,
      sent: computed.sent,
    });
  });

  it('are restored by the rebuild after events were stored without their figures', async () => {
    const lost = withFault(db, STATS_COLLECTIONS.totals, 'bulkWrite', async () => {
      throw new Error('the process died here');
    });
    const event = (memberId: string, i: number): CampaignEventDoc => ({
      _id: `lost-${i}`,
      type: 'CLICK',
      campaignId: campaign._id,
      memberId,
      recipientId: `${campaign._id}:${memberId}`,
      linkIndex: 2,
      value: null,
      occurredAt: minutesAgo(5),
      recordedAt: new Date(),
    });
    await expect(storeEvents(lost, members.slice(60, 90).map(event))).rejects.toThrow('the process died here');
    const drifted = await bothWays(db, campaign._id);
    expect(drifted.kept.totalClicks).toBeLessThan(drifted.computed.totalClicks);

    await rebuildAllCampaignStats(db, recorder());
    const { kept, computed } = await bothWays(db, campaign._id);
    expect(kept).toEqual(computed);
  });

  it('are rebuilt by `stats rebuild` run in the service', async () => {
    await db.collection(STATS_COLLECTIONS.totals).updateMany({}, { $inc: { uniqueClicks: 7 } });
    const admin = await server.createApiKey('admin');
    const response = await fetch(new URL('/admin/commands/stats', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ flags: { domain: 'campaigns' }, positional: ['rebuild'] }),
    });
    expect(await response.json()).toEqual({ exitCode: 0, output: 'campaigns: {"campaigns":2}\n' });
    const { kept, computed } = await bothWays(db, campaign._id);
    expect(kept).toEqual(computed);
  });

  it('rebuild to exactly what the writes kept', async () => {
    const kept = await figures(db);
    await db.collection(STATS_COLLECTIONS.days).deleteMany({});
    await db.collection(STATS_COLLECTIONS.totals).updateMany({}, { $inc: { uniqueOpens: 3, clicks: -2 } });
    await rebuildAllCampaignStats(db, recorder());
    const rebuilt = await figures(db);
    const sums = (docs: Document[][]) =>
      docs[1]!.map(({ _id, opens, clicks, conversions }) => ({ _id, opens, clicks, conversions }));
    expect(rebuilt[0]).toEqual(kept[0]);
    expect(sums(rebuilt)).toEqual(sums(kept));
  });
});

import type { ScoringRecord } from '../../src/services/fans/records';
import { LAKE_BUFFER } from '../../src/services/fans/lake/writerModel';
import { entryOf, seedCampaign, seedEntries, startScoringServer, type ScoringServer } from './scoringSupport';

const record = (fields: Partial<ScoringRecord>): ScoringRecord => ({
  type: 'scoring',
  campaignId: 'h1',
  userId: 'a',
  email: null,
  score: 0.5,
  verdict: null,
  reason: null,
  source: 'SCORED_FILE',
  scoredAt: Date.parse('2024-05-01T12:00:00Z'),
  ...fields,
});

/** The `scoring` record handler: each record checked, the good ones to the entries and the lake. */
describe('scoring record handler', () => {
  let t: ScoringServer;

  beforeAll(async () => {
    t = await startScoringServer({ FAN_LAKE_FLUSH_SECONDS: '3600' });
    await seedCampaign(t.server.app, 'h1');
    await seedEntries(t.server.app, 'h1', [
      { userId: 'a', email: 'a@example.com' },
      { userId: 'b', email: 'b@example.com' },
      { userId: 'sel', email: 'sel@example.com', verdict: true },
    ]);
  });
  afterAll(() => t.stop());

  const lakeRecords = async () => {
    const chunks = await t.server.app.db.collection(LAKE_BUFFER).find({ recordType: 'scoring' }).toArray();
    return chunks.reduce((sum, chunk) => sum + (chunk.count as number), 0);
  };

  it('applies good records and rejects each bad one with its reason, in order', async () => {
    const outcomes = await t.services.scoring.handle([
      record({ userId: 'a', score: 0.75 }),
      record({ userId: 'b', score: 0.25, verdict: false, reason: 'BLACKLISTED_DOMAIN' }),
      record({ campaignId: 'nope' }),
      record({ userId: 'ghost' }),
      record({ userId: 'sel' }),
      record({ score: 1.5 }),
      record({ score: Number.NaN }),
      record({ verdict: true }),
      record({ verdict: false, reason: null }),
      record({ userId: '' }),
    ]);
    expect(outcomes).toEqual([
      { accepted: true },
      { accepted: true },
      { accepted: false, reason: 'campaignId: fan campaign nope was not found', code: 'NOT_FOUND' },
      { accepted: false, reason: 'userId: ghost is not registered for fan campaign h1', code: 'NOT_FOUND' },
      {
        accepted: false,
        reason: 'userId: sel is selected already (verdict true): the score is not applied',
        code: 'CONFLICT',
      },
      { accepted: false, reason: 'score: 1.5 is not a number in [0, 1]', code: 'BAD_USER_INPUT' },
      { accepted: false, reason: 'score: NaN is not a number in [0, 1]', code: 'BAD_USER_INPUT' },
      { accepted: false, reason: 'verdict: true is given by code assignment, not by scoring', code: 'BAD_USER_INPUT' },
      { accepted: false, reason: 'reason: required with verdict false', code: 'BAD_USER_INPUT' },
      { accepted: false, reason: 'userId: required', code: 'BAD_USER_INPUT' },
    ]);
    const { app } = t.server;
    expect(await entryOf(app, 'h1', 'a')).toMatchObject({ score: 0.75, verdict: null, verdictReason: null });
    expect(await entryOf(app, 'h1', 'b')).toMatchObject({
      score: 0.25,
      verdict: false,
      verdictReason: 'BLACKLISTED_DOMAIN',
    });
    expect(await entryOf(app, 'h1', 'sel')).toMatchObject({ score: null, verdict: true });
    expect(await lakeRecords()).toBe(2);
  });

  it('takes scoring records from POST /ingest/fans', async () => {
    const lines = [record({ userId: 'a', score: 0.125 }), record({ userId: 'ghost' })].map((line) =>
      JSON.stringify(line),
    );
    const response = await fetch(new URL('/ingest/fans', t.server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${t.operator}` },
      body: `${lines.join('\n')}\n`,
    });
    const body = (await response.json()) as { accepted: number; rejected: number };
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect((await entryOf(t.server.app, 'h1', 'a'))!.score).toBe(0.125);
  });
});

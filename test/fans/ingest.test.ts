import { FAN_ENTRIES, type FanEntryDoc } from '../../src/services/fans/model';
import { LAKE_BUFFER } from '../../src/services/fans/lake/writerModel';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { ndjson, postNdjson, registration, storeCampaign } from './ingestSupport';

describe('POST /ingest/fans', () => {
  let server: TestServer;
  let operator: string;

  beforeAll(async () => {
    server = await startTestServer({ FAN_INGEST_MAX_BYTES: String(64 * 1024) });
    operator = await server.createApiKey('operator', 'ops');
    await storeCampaign(server.app.db, 'tour');
    await storeCampaign(server.app.db, 'closed', { status: 'CLOSED' });
  });
  afterAll(async () => {
    await server.stop();
  });

  const entries = () => server.app.db.collection<FanEntryDoc>(FAN_ENTRIES);

  it('keeps the good lines and rejects bad ones with their line numbers and reasons', async () => {
    const body = [
      JSON.stringify(registration('tour', 'u1', { email: '  Ann@Example.COM ' })),
      '{ not json',
      '',
      JSON.stringify(registration('tour', 'u2', { email: 'nope' })),
      JSON.stringify({ type: 'vote', campaignId: 'tour' }),
      JSON.stringify(registration('tour', 'u3', { marketPreferences: ['nyc', 'paris'] })),
      JSON.stringify(registration('nowhere', 'u4')),
      JSON.stringify(registration('closed', 'u5')),
      JSON.stringify(registration('tour', 'u6', { registeredAt: 'yesterday' })),
      JSON.stringify(registration('tour', 'u7', { phone: 'call me', marketPreferences: ['lon'] })),
    ].join('\n');
    const { status, body: answer } = await postNdjson(server, operator, body);
    expect(status).toBe(200);
    expect(answer).toMatchObject({ received: 9, accepted: 2, rejected: 7, rejectionsTruncated: false });
    expect(answer.byType).toEqual({
      registration: { accepted: 2, rejected: 5 },
      unknown: { accepted: 0, rejected: 2 },
    });
    expect(answer.rejections.map((r: any) => [r.line, r.code])).toEqual([
      [2, 'BAD_USER_INPUT'],
      [4, 'BAD_USER_INPUT'],
      [5, 'BAD_USER_INPUT'],
      [6, 'BAD_USER_INPUT'],
      [7, 'NOT_FOUND'],
      [8, 'CONFLICT'],
      [9, 'BAD_USER_INPUT'],
    ]);
    const reasons = answer.rejections.map((r: any) => r.reason);
    expect(reasons[0]).toMatch(/^not a JSON record/);
    expect(reasons[1]).toBe('email: "nope" is not an e-mail address');
    expect(reasons[2]).toMatch(/^type: "vote" is not one of/);
    expect(reasons[3]).toBe('marketPreferences: "paris" is not a market of fan campaign tour');
    expect(reasons[4]).toBe('Fan campaign nowhere was not found');
    expect(reasons[5]).toBe('Fan campaign closed is CLOSED, not OPEN');
    expect(reasons[6]).toMatch(/^registeredAt: expected "long", got "yesterday"/);

    const u1 = await entries().findOne({ _id: 'tour:u1' });
    expect(u1).toMatchObject({
      campaignId: 'tour',
      userId: 'u1',
      email: 'ann@example.com',
      phone: '+12125550123',
      market: 'nyc',
      marketPreferences: ['nyc'],
      score: null,
      verdict: null,
      code: null,
      registeredAt: new Date('2026-03-01T12:00:00Z'),
    });
    // An unreadable phone number does not refuse the fan: it is stored as none.
    expect(await entries().findOne({ _id: 'tour:u7' })).toMatchObject({ phone: null, market: 'lon' });
    expect(await entries().countDocuments({ campaignId: { $in: ['nowhere', 'closed'] } })).toBe(0);
  });

  it('refuses a body over FAN_INGEST_MAX_BYTES with 413 and keeps nothing of it', async () => {
    const records = Array.from({ length: 600 }, (_, i) => registration('tour', `big${i}`));
    const body = ndjson(records);
    expect(body.length).toBeGreaterThan(64 * 1024);
    const declared = await postNdjson(server, operator, body);
    expect(declared.status).toBe(413);
    expect(declared.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    // Without a Content-Length (chunked), the limit is found while reading.
    const response = await fetch(new URL('/ingest/fans', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < body.length; i += 8192)
            controller.enqueue(new TextEncoder().encode(body.slice(i, i + 8192)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await entries().countDocuments({ userId: /^big/ })).toBe(0);
  });

  it('updates a re-registration in place, keeping score, verdict, code and first registeredAt', async () => {
    await postNdjson(server, operator, ndjson([registration('tour', 'again')]));
    await entries().updateOne(
      { _id: 'tour:again' },
      { $set: { score: 0.75, verdict: true, code: 'CODE-1', codeKind: 'NON_TM' } },
    );
    const later = registration('tour', 'again', {
      email: 'new@example.com',
      phone: '+44 20 7946 0958',
      marketPreferences: ['lon', 'nyc'],
      smsConsentSource: 'form',
      registeredAt: Date.parse('2026-03-02T08:00:00Z'),
    });
    const { body } = await postNdjson(server, operator, ndjson([later]));
    expect(body).toMatchObject({ accepted: 1, rejected: 0 });
    expect(await entries().countDocuments({ campaignId: 'tour', userId: 'again' })).toBe(1);
    expect(await entries().findOne({ _id: 'tour:again' })).toMatchObject({
      email: 'new@example.com',
      phone: '+442079460958',
      marketPreferences: ['lon', 'nyc'],
      market: 'lon',
      smsConsent: { source: 'form', at: new Date('2026-03-02T08:00:00Z') },
      registeredAt: new Date('2026-03-01T12:00:00Z'),
      score: 0.75,
      verdict: true,
      code: 'CODE-1',
    });
  });

  it('rejects registrations outside the campaign registration window', async () => {
    await storeCampaign(server.app.db, 'window', {
      registrationOpensAt: new Date('2026-03-01T00:00:00Z'),
      registrationClosesAt: new Date('2026-03-08T00:00:00Z'),
    });
    const { body } = await postNdjson(
      server,
      operator,
      ndjson([
        registration('window', 'early', { registeredAt: '2026-02-28T23:59:59Z' }),
        registration('window', 'inside', { registeredAt: '2026-03-05T10:00:00Z' }),
        registration('window', 'late', { registeredAt: '2026-03-08T00:00:00Z' }),
      ]),
    );
    expect(body.accepted).toBe(1);
    expect(body.rejections.map((r: any) => [r.line, r.code, r.reason])).toEqual([
      [1, 'CONFLICT', 'Fan campaign window opens for registration at 2026-03-01T00:00:00.000Z'],
      [3, 'CONFLICT', 'Fan campaign window closed registration at 2026-03-08T00:00:00.000Z'],
    ]);
  });

  it('lists at most 1000 rejections and says so', async () => {
    const body = Array.from({ length: 1200 }, () => '[]').join('\n');
    const { status, body: answer } = await postNdjson(server, operator, body);
    expect(status).toBe(200);
    expect(answer).toMatchObject({ received: 1200, accepted: 0, rejected: 1200, rejectionsTruncated: true });
    expect(answer.rejections).toHaveLength(1000);
    expect(answer.rejections[999].line).toBe(1000);
  });

  it('checks scoring records against their contract before their pipeline', async () => {
    const scoring = {
      type: 'scoring',
      campaignId: 'tour',
      userId: 'u1',
      score: 0.5,
      source: 'SCORED_FILE',
      scoredAt: Date.now(),
    };
    const { body } = await postNdjson(server, operator, ndjson([scoring, { ...scoring, score: 1.5 }]));
    expect(body.rejections.find((r: any) => r.line === 2)).toMatchObject({
      type: 'scoring',
      reason: 'score: 1.5 is outside [0, 1]',
      code: 'BAD_USER_INPUT',
      field: 'score',
    });
  });

  it('needs an OPERATOR key: 401 without one, 403 for a viewer, an empty body is 400', async () => {
    const body = ndjson([registration('tour', 'nobody')]);
    const anonymous = await postNdjson(server, null, body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await postNdjson(server, 'not-a-key', body)).status).toBe(401);
    const viewer = await server.createApiKey('viewer');
    expect((await postNdjson(server, viewer, body)).status).toBe(403);
    expect(await entries().countDocuments({ userId: 'nobody' })).toBe(0);
    expect((await postNdjson(server, operator, '\n\n')).status).toBe(400);
  });

  it('counts records in, accepted and rejected per type in /metrics, and buffers accepted ones for the lake', async () => {
    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toMatch(/fan_records_in_total\{type="registration",source="http"\} \d+/);
    expect(metrics).toMatch(/fan_records_accepted_total\{type="registration",source="http"\} \d+/);
    expect(metrics).toMatch(/fan_records_rejected_total\{type="unknown",source="http"\} \d+/);
    const buffered = await server.app.db.collection(LAKE_BUFFER).find({}).toArray();
    expect(buffered.reduce((sum, chunk) => sum + chunk.count, 0)).toBeGreaterThan(0);
  });

  describe('registerFan', () => {
    const REGISTER = `mutation ($input: RegisterFanInput!) {
      registerFan(input: $input) { id campaignId userId email phone market marketPreferences score smsConsent { source } }
    }`;
    const input = (extra: Record<string, unknown> = {}) => ({
      campaignId: 'tour',
      userId: 'gql1',
      email: ' Fan@Example.com',
      phone: '020 7946 0958',
      marketPreferences: ['lon'],
      smsConsentSource: 'app',
      ...extra,
    });

    it('registers a fan and answers the entry', async () => {
      const response = await graphql(server.url, REGISTER, { input: input() }, { key: operator });
      expect(response.errors).toBeUndefined();
      expect(response.data!.registerFan).toEqual({
        id: 'tour:gql1',
        campaignId: 'tour',
        userId: 'gql1',
        email: 'fan@example.com',
        phone: '+442079460958',
        market: 'lon',
        marketPreferences: ['lon'],
        score: null,
        smsConsent: { source: 'app' },
      });
    });

    it.each([
      ['an unknown campaign', { campaignId: 'nowhere' }, 'NOT_FOUND'],
      ['a closed campaign', { campaignId: 'closed' }, 'CONFLICT'],
      ['a market the campaign lacks', { marketPreferences: ['paris'] }, 'BAD_USER_INPUT'],
      ['a bad e-mail', { email: 'fan.example.com' }, 'BAD_USER_INPUT'],
    ])('refuses %s with a coded error', async (_what, extra, code) => {
      const response = await graphql(
        server.url,
        REGISTER,
        { input: input({ userId: 'gql2', ...extra }) },
        { key: operator },
      );
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
      expect(await entries().countDocuments({ userId: 'gql2' })).toBe(0);
    });

    it('names the field of a bad e-mail and needs an OPERATOR key', async () => {
      const bad = await graphql(server.url, REGISTER, { input: input({ email: 'x' }) }, { key: operator });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
      const viewer = await server.createApiKey('viewer');
      const refused = await graphql(server.url, REGISTER, { input: input() }, { key: viewer });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
});

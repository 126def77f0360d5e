import { fansFeature } from '../../src/features/fans';
import { startTestServer, type TestServer } from '../support/server';
import {
  campaignApi,
  campaignInput,
  entryDoc,
  errorOf,
  insertEntries,
  usMarket,
  type CampaignResult,
} from './campaignSupport';

describe('fan campaigns through GraphQL', () => {
  let server: TestServer;
  let operator: ReturnType<typeof campaignApi>;
  let viewer: ReturnType<typeof campaignApi>;

  beforeAll(async () => {
    server = await startTestServer();
    operator = campaignApi(server.url, await server.createApiKey('operator'));
    viewer = campaignApi(server.url, await server.createApiKey('viewer'));
  });
  afterAll(() => server.stop());

  const created = async (extra: Record<string, unknown> = {}): Promise<CampaignResult> => {
    const response = await operator.create(campaignInput(extra));
    expect(response.errors).toBeUndefined();
    return response.data!.createFanCampaign;
  };

  it('creates a DRAFT campaign with its markets, which viewers read with registrations against limits', async () => {
    const campaign = await created({
      id: 'tour-2025',
      registrationOpensAt: '2025-03-01T00:00:00Z',
      registrationClosesAt: '2099-03-08T00:00:00Z',
    });
    expect(campaign).toMatchObject({
      id: 'tour-2025',
      status: 'DRAFT',
      scoringType: 'LINEAR',
      registrationOpensAt: '2025-03-01T00:00:00.000Z',
    });
    expect(campaign.markets.map((market) => [market.id, market.country, market.timeZone])).toEqual([
      ['nyc', 'US', 'America/New_York'],
      ['lon', 'GB', 'Europe/London'],
    ]);
    await insertEntries(server.app.db, [
      entryDoc('tour-2025', 'u1'),
      entryDoc('tour-2025', 'u2'),
      entryDoc('tour-2025', 'u3'),
      entryDoc('tour-2025', 'u4'),
      entryDoc('tour-2025', 'u5', { market: 'lon', marketPreferences: ['lon', 'nyc'] }),
    ]);
    const read = await viewer.get('tour-2025');
    expect(read.errors).toBeUndefined();
    expect(read.data!.fanCampaign.markets.map((m) => [m.id, m.registrations, m.registrationsLeft])).toEqual([
      ['nyc', 4, 0],
      ['lon', 1, 2],
    ]);
  });

  it('keeps limits null when absent and accepts a limit of 0', async () => {
    const campaign = await created({
      markets: [
        usMarket('a', { registrationLimit: null, selectionLimit: undefined }),
        usMarket('b', { selectionLimit: 0 }),
      ],
    });
    expect(campaign.markets.map((m) => [m.registrationLimit, m.selectionLimit, m.registrationsLeft])).toEqual([
      [null, null, null],
      [3, 0, 3],
    ]);
  });

  it.each([
    ['an empty name', { name: '  ' }, 'input.name'],
    ['an id with a colon', { id: 'a:b' }, 'input.id'],
    [
      'a country that is not ISO 3166 alpha-2',
      { markets: [usMarket('x', { country: 'USA' })] },
      'input.markets.0.country',
    ],
    ['an unknown country code', { markets: [usMarket('x', { country: 'XX' })] }, 'input.markets.0.country'],
    [
      'a time zone Intl does not know',
      { markets: [usMarket('x', { timeZone: 'Mars/Olympus' })] },
      'input.markets.0.timeZone',
    ],
    [
      'a negative registration limit',
      { markets: [usMarket('x', { registrationLimit: -1 })] },
      'input.markets.0.registrationLimit',
    ],
    [
      'a negative selection limit',
      { markets: [usMarket('x', { selectionLimit: -5 })] },
      'input.markets.0.selectionLimit',
    ],
    ['a market id twice', { markets: [usMarket('x'), usMarket('x')] }, 'input.markets.1.id'],
    ['an empty market id', { markets: [usMarket('')] }, 'input.markets.0.id'],
    [
      'a window closing before it opens',
      { registrationOpensAt: '2025-03-08T00:00:00Z', registrationClosesAt: '2025-03-01T00:00:00Z' },
      'input.registrationClosesAt',
    ],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_what, extra, field) => {
    const response = await operator.create(campaignInput(extra));
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(response.errors![0]!.message).toContain(field);
  });

  it('refuses an id already taken with CONFLICT', async () => {
    await created({ id: 'taken' });
    expect(errorOf(await operator.create(campaignInput({ id: 'taken' })))).toEqual({
      code: 'CONFLICT',
      reason: 'DUPLICATE_ID',
      field: undefined,
    });
  });

  it('answers NOT_FOUND for an unknown campaign on every call', async () => {
    for (const response of [
      await viewer.get('nope'),
      await operator.update('nope', { name: 'x' }),
      await operator.open('nope'),
      await operator.close('nope'),
    ]) {
      expect(errorOf(response).code).toBe('NOT_FOUND');
    }
  });

  it('lets only operators write', async () => {
    expect(errorOf(await viewer.create(campaignInput())).code).toBe('FORBIDDEN');
    const campaign = await created();
    expect(errorOf(await viewer.open(campaign.id)).code).toBe('FORBIDDEN');
    expect(errorOf(await viewer.update(campaign.id, { name: 'x' })).code).toBe('FORBIDDEN');
  });

  it('moves DRAFT -> OPEN -> CLOSED and refuses every other transition with CONFLICT', async () => {
    const campaign = await created();
    expect(errorOf(await operator.close(campaign.id))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_OPEN' });
    expect((await operator.open(campaign.id)).data!.openFanCampaign.status).toBe('OPEN');
    expect(errorOf(await operator.open(campaign.id))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_DRAFT' });
    expect((await operator.close(campaign.id)).data!.closeFanCampaign.status).toBe('CLOSED');
    expect(errorOf(await operator.close(campaign.id))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_OPEN' });
    expect(errorOf(await operator.open(campaign.id))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_DRAFT' });
    expect(errorOf(await operator.update(campaign.id, { name: 'late' }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'CAMPAIGN_CLOSED',
    });
  });

  it('opens only a campaign with markets whose window has not closed', async () => {
    const bare = await created({ markets: [] });
    expect(errorOf(await operator.open(bare.id))).toMatchObject({ code: 'CONFLICT', reason: 'NO_MARKETS' });
    const late = await created({ registrationClosesAt: '2020-01-01T00:00:00Z' });
    expect(errorOf(await operator.open(late.id))).toMatchObject({ code: 'CONFLICT', reason: 'WINDOW_CLOSED' });
  });

  it('tells the pipelines at once: the campaign directory forgets a changed campaign', async () => {
    const { directory } = server.servicesOf(fansFeature);
    const campaign = await created();
    expect((await directory.require(campaign.id)).status).toBe('DRAFT');
    await operator.open(campaign.id);
    expect((await directory.requireOpen(campaign.id)).status).toBe('OPEN');
    await operator.update(campaign.id, { markets: [...campaignInput().markets, usMarket('tor')] });
    expect((await directory.require(campaign.id)).markets.map((market) => market.id)).toEqual(['nyc', 'lon', 'tor']);
  });

  it('updates the fields given, adds and changes markets, and keeps markets that entries name', async () => {
    const campaign = await created();
    await operator.open(campaign.id);
    await insertEntries(server.app.db, [
      entryDoc(campaign.id, 'first-choice', { market: 'nyc', marketPreferences: ['nyc'] }),
      entryDoc(campaign.id, 'second-choice', { market: 'tor', marketPreferences: ['tor', 'lon'] }),
    ]);
    const torontoMarket = usMarket('tor', { city: 'Toronto', country: 'CA', timeZone: 'America/Toronto' });
    const updated = await operator.update(campaign.id, {
      artist: 'The Testers & Friends',
      scoringType: 'LOG',
      markets: [usMarket('nyc', { registrationLimit: 10 }), usMarket('lon'), torontoMarket],
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateFanCampaign).toMatchObject({
      name: 'World tour presale',
      artist: 'The Testers & Friends',
      scoringType: 'LOG',
      status: 'OPEN',
    });
    expect(updated.data!.updateFanCampaign.markets.map((m) => [m.id, m.registrationLimit])).toEqual([
      ['nyc', 10],
      ['lon', 3],
      ['tor', 3],
    ]);
    const removeFirstChoice = await operator.update(campaign.id, { markets: [usMarket('lon'), torontoMarket] });
    expect(errorOf(removeFirstChoice)).toEqual({
      code: 'CONFLICT',
      reason: 'MARKET_HAS_ENTRIES',
      field: 'input.markets',
    });
    expect(removeFirstChoice.errors![0]!.extensions!.markets).toEqual(['nyc']);
    const removeSecondChoice = await operator.update(campaign.id, { markets: [usMarket('nyc'), torontoMarket] });
    expect(errorOf(removeSecondChoice)).toMatchObject({ code: 'CONFLICT', reason: 'MARKET_HAS_ENTRIES' });
    expect(removeSecondChoice.errors![0]!.extensions!.markets).toEqual(['lon']);
    const unused = await operator.update(campaign.id, {
      markets: [usMarket('nyc'), usMarket('lon'), torontoMarket, usMarket('spare')],
    });
    expect(unused.errors).toBeUndefined();
    const removed = await operator.update(campaign.id, { markets: [usMarket('nyc'), usMarket('lon'), torontoMarket] });
    expect(removed.data!.updateFanCampaign.markets.map((m) => m.id)).toEqual(['nyc', 'lon', 'tor']);
  });

  it('checks an update whole: bad fields, the window with its stored end, an OPEN one keeps a market', async () => {
    const campaign = await created({ registrationClosesAt: '2099-01-10T00:00:00Z' });
    expect(errorOf(await operator.update(campaign.id, { markets: [usMarket('x', { country: 'ZZ' })] }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.markets.0.country',
    });
    expect(errorOf(await operator.update(campaign.id, { registrationOpensAt: '2099-02-01T00:00:00Z' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.registrationClosesAt',
    });
    expect((await operator.update(campaign.id, { registrationClosesAt: null })).data!.updateFanCampaign).toMatchObject({
      registrationClosesAt: null,
    });
    await operator.open(campaign.id);
    expect(errorOf(await operator.update(campaign.id, { markets: [] }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NO_MARKETS',
    });
  });
});

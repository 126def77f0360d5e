import { fansFeature } from '../../src/features/fans';
import { createDemoFanCampaigns } from '../../src/services/fans/campaigns/demo';
import { startTestServer, type TestServer } from '../support/server';
import { campaignApi } from './campaignSupport';

describe('demo fan campaigns', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('creates two valid OPEN campaigns once, however often the demo runs', async () => {
    const { campaigns } = server.servicesOf(fansFeature);
    expect(await createDemoFanCampaigns(campaigns)).toEqual(['demo-aurora-tour', 'demo-velvet-echo']);
    await createDemoFanCampaigns(campaigns);
    const viewer = campaignApi(server.url, await server.createApiKey('viewer'));
    const aurora = (await viewer.get('demo-aurora-tour')).data!.fanCampaign;
    const velvet = (await viewer.get('demo-velvet-echo')).data!.fanCampaign;
    expect([aurora.status, aurora.scoringType, aurora.markets.length]).toEqual(['OPEN', 'LINEAR', 4]);
    expect([velvet.status, velvet.scoringType, velvet.markets.length]).toEqual(['OPEN', 'LOG', 3]);
    const countries = [...aurora.markets, ...velvet.markets].map((market) => market.country);
    expect(new Set(countries)).toEqual(new Set(['US', 'GB', 'CA']));
    const list = await viewer.call<{ fanCampaigns: { totalCount: number } }>('{ fanCampaigns { totalCount } }');
    expect(list.data!.fanCampaigns.totalCount).toBe(2);
  });
});

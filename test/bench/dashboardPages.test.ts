import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDataset, type DatasetSizes } from '../../bench/dashboard/dataset';
import { dashboardPages, PAGE_IDS_QUERY, pageIdsOf } from '../../bench/dashboard/pages';
import { startTestServer, type TestServer } from '../support/server';

const TINY: DatasetSizes = {
  campaigns: 4,
  members: 60,
  sentCampaigns: 2,
  clickEvents: 300,
  performanceEntries: 300,
  fanEntries: 200,
};

async function post(server: TestServer, key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
}

describe('bench:dashboard pages', () => {
  let dataDir: string;
  let server: TestServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bench-dashboard-test-'));
    expect(await ensureDataset(dataDir, TINY, () => undefined)).toBe('written');
    expect(await ensureDataset(dataDir, TINY, () => undefined)).toBe('reused');
    server = await startTestServer({ DATA_DIR: dataDir });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers every page's document on the benchmark's data set, for a viewer, without errors", async () => {
    const key = await server.createApiKey('viewer');
    const found = await post(server, key, PAGE_IDS_QUERY);
    expect(found.errors).toBeUndefined();
    const pages = dashboardPages(pageIdsOf(found.data as unknown as Parameters<typeof pageIdsOf>[0]));
    expect(pages.map((page) => page.name)).toEqual([
      'home',
      'homeRates',
      'campaign',
      'tracking',
      'clicks',
      'leads',
      'jobs',
      'fanCampaign',
      'wave',
    ]);
    for (const page of pages) {
      const answer = await post(server, key, page.query, page.variables);
      expect({ page: page.name, errors: answer.errors }).toEqual({ page: page.name, errors: undefined });
    }
    const campaign = await post(server, key, pages[2]!.query, pages[2]!.variables);
    expect((campaign.data as { campaignStats: { sent: number } }).campaignStats.sent).toBeGreaterThan(0);
  });
});

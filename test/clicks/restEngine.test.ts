import { createRestSfmc } from '../../src/datasources/sfmc/rest/restClickLog';
import type { SfmcPort } from '../../src/datasources/sfmc';
import { SfmcError } from '../../src/datasources/sfmc';
import type { BusinessUnit } from '../../src/datasources/sfmc/businessUnits';
import { createLogger } from '../../src/logger';
import { FakeMarketingCloud } from './support/fakeMarketingCloud';

const unit: BusinessUnit = {
  name: 'NA',
  mid: '5100',
  subdomain: 'tenant1',
  clientIdEnv: 'NA_ID',
  clientSecretEnv: 'NA_SECRET',
  clickLogKey: 'ClickLog',
  source: 'config',
};

/** The environment a business unit's credentials are read from, as the fake tenant expects them. */
const secretsOf = (cloud: FakeMarketingCloud): Record<string, string> => ({
  NA_ID: cloud.credentials.clientId,
  NA_SECRET: cloud.credentials.clientSecret,
});

function row(i: number, minute: number) {
  const m = String(minute % 60).padStart(2, '0');
  return {
    eventid: `E${i}`,
    eventdate: `2026-03-08T0${Math.floor(minute / 60)}:${m}:00`,
    processed: false,
    jobid: '9001',
    subscriberkey: `s${i}`,
    url: 'https://x.test/a',
  };
}

async function readAll(port: SfmcPort, from: Date | null = null, onPage?: (keys: string[]) => Promise<void>) {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await port.readClickLog(unit, { from, cursor, pageSize: 3 });
    const pageKeys = page.rows.map((r) => JSON.parse(r.key).eventid as string);
    keys.push(...pageKeys);
    await onPage?.(page.rows.map((r) => r.key));
    cursor = page.next;
  } while (cursor);
  return keys;
}

describe('Marketing Cloud REST engine', () => {
  let cloud: FakeMarketingCloud;
  let port: SfmcPort;
  beforeEach(async () => {
    cloud = await new FakeMarketingCloud().start();
    port = createRestSfmc({
      units: [unit],
      authBaseUrl: `${cloud.url}/{subdomain}`,
      restBaseUrl: 'http://unused.invalid',
      retry: { attempts: 4, baseMs: 1, maxDelayMs: 60_000 },
      logger: createLogger({ level: 'silent' }),
      secret: (name) => secretsOf(cloud)[name],
      ackChunk: 2,
    });
    for (let i = 0; i < 8; i++) cloud.rows.push(row(i, 10 + i));
  });
  afterEach(() => cloud.stop());

  it('gets one token with the unit credentials and reads every page oldest first', async () => {
    const keys = await readAll(port);
    expect(keys).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7']);
    const token = cloud.requests.find((r) => r.path.endsWith('/v2/token'))!;
    expect(token.path).toBe('/tenant1/v2/token');
    expect(token.body).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: cloud.credentials.clientSecret,
      account_id: '5100',
    });
    expect(cloud.tokensIssued).toBe(1);
    const reads = cloud.dataRequests();
    expect(reads.every((r) => r.authorization === 'Bearer token-1')).toBe(true);
    expect(reads.every((r) => r.query.get('$pageSize') === '3' && r.query.get('$orderBy') === 'EventDate asc')).toBe(
      true,
    );
    expect(reads[0]!.query.get('$filter')).toBe('Processed eq false');
    expect(reads[0]!.query.get('$page')).toBe('1');
    // the next page starts from the last row's date (page 1 again), so rows acknowledged meanwhile cannot shift it
    expect(reads[1]!.query.get('$filter')).toBe("Processed eq false and EventDate gte '2026-03-08T00:12:00'");
  });

  it('reads from a date in SFMC system time', async () => {
    const keys = await readAll(port, new Date('2026-03-08T06:15:00Z'));
    expect(keys).toEqual(['E5', 'E6', 'E7']);
    expect(cloud.dataRequests()[0]!.query.get('$filter')).toBe(
      "Processed eq false and EventDate gte '2026-03-08T00:15:00'",
    );
  });

  it('misses no row when rows are acknowledged between pages', async () => {
    const seen = new Set(await readAll(port, null, (keys) => port.markProcessed(unit, keys).then(() => undefined)));
    expect(seen.size).toBe(8);
    expect(cloud.rows.every((r) => r.processed)).toBe(true);
  });

  it('pages by number within one EventDate second (after moving to that second)', async () => {
    cloud.rows.length = 0;
    for (let i = 0; i < 7; i++) cloud.rows.push({ ...row(i, 30), eventid: `S${i}` });
    const keys = await readAll(port);
    expect(new Set(keys).size).toBe(7);
    expect(cloud.dataRequests().map((r) => r.query.get('$page'))).toEqual(['1', '1', '2', '3']);
  });

  it('refreshes the token once on 401 and goes on', async () => {
    await port.readClickLog(unit, { from: null, cursor: null, pageSize: 3 });
    cloud.revokeTokens();
    const page = await port.readClickLog(unit, { from: null, cursor: null, pageSize: 3 });
    expect(page.rows).toHaveLength(3);
    expect(cloud.tokensIssued).toBe(2);
    expect(cloud.dataRequests().map((r) => r.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('retries 429 and 5xx, honouring Retry-After over its own backoff', async () => {
    // A one-minute backoff would time the test out: only Retry-After: 0 lets it finish.
    const slowBackoff = createRestSfmc({
      units: [unit],
      authBaseUrl: cloud.url,
      restBaseUrl: 'http://unused.invalid',
      retry: { attempts: 4, baseMs: 60_000, maxDelayMs: 60_000 },
      logger: createLogger({ level: 'silent' }),
      secret: (name) => secretsOf(cloud)[name],
    });
    cloud.failNext.push({ status: 429, retryAfter: '0' }, { status: 503, retryAfter: '0' });
    const page = await slowBackoff.readClickLog(unit, { from: null, cursor: null, pageSize: 3 });
    expect(page.rows).toHaveLength(3);
    expect(cloud.dataRequests()).toHaveLength(3);
  });

  it('gives up after the configured attempts with an SfmcError', async () => {
    cloud.failNext.push(...Array.from({ length: 4 }, () => ({ status: 500 })));
    await expect(port.readClickLog(unit, { from: null, cursor: null, pageSize: 3 })).rejects.toThrow(SfmcError);
    expect(cloud.dataRequests()).toHaveLength(4);
  });

  it('marks rows processed through the data-events rowset, in chunks, keyed by the row keys', async () => {
    const page = await port.readClickLog(unit, { from: null, cursor: null, pageSize: 3 });
    await port.markProcessed(
      unit,
      page.rows.map((r) => r.key),
    );
    const acks = cloud.dataRequests().filter((r) => r.method === 'POST');
    expect(acks).toHaveLength(2);
    expect(acks[0]!.path).toBe('/hub/v1/dataevents/key:ClickLog/rowset');
    expect(acks[0]!.body).toEqual([
      { keys: { eventid: 'E0' }, values: { Processed: true } },
      { keys: { eventid: 'E1' }, values: { Processed: true } },
    ]);
    expect(cloud.rows.filter((r) => r.processed).map((r) => r.eventid)).toEqual(['E0', 'E1', 'E2']);
  });

  it('reads the backlog from the rowset count', async () => {
    cloud.rows[0]!.processed = true;
    expect(await port.backlog(unit)).toBe(7);
  });

  it('refuses to call without the secrets the unit names', async () => {
    const bare = createRestSfmc({
      units: [unit],
      authBaseUrl: cloud.url,
      restBaseUrl: cloud.url,
      retry: { attempts: 1, baseMs: 1, maxDelayMs: 1 },
      logger: createLogger({ level: 'silent' }),
      secret: () => undefined,
    });
    await expect(bare.readClickLog(unit, { from: null, cursor: null, pageSize: 3 })).rejects.toThrow(
      /NA_ID and NA_SECRET must be set/,
    );
    expect(cloud.requests).toHaveLength(0);
  });
});

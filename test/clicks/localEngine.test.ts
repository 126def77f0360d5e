import { loadConfig } from '../../src/config';
import { createSfmcPort, type SfmcPort } from '../../src/datasources/sfmc';
import { eventDateOf } from '../../src/datasources/sfmc/clickLogRow';
import { READ_CHUNK_ROWS } from '../../src/datasources/sfmc/local/localClickLog';
import { applyFeatureIndexes } from '../../src/features';
import type { Store } from '../../src/datasources/store';
import { openTestStore } from '../support/store';
import { clickRow } from './support/harness';

describe('local Marketing Cloud engine', () => {
  let store: Store;
  let sfmc: SfmcPort;
  const configured = [
    {
      name: 'North America',
      mid: '5100',
      subdomain: 'mc1',
      clientIdEnv: 'NA_ID',
      clientSecretEnv: 'NA_SECRET',
      clickLogKey: 'ClickLog',
    },
  ];

  beforeEach(async () => {
    store = await openTestStore();
    await applyFeatureIndexes(store.db);
    sfmc = createSfmcPort(loadConfig({ SFMC_BUSINESS_UNITS: JSON.stringify(configured) }), store.db);
  });
  afterEach(() => store.close());

  it('lists configured units, then units registered by imports; finds them in any case', async () => {
    await sfmc.appendRows!('north america', [clickRow()]);
    await sfmc.appendRows!('Asia Pacific', [clickRow()]);
    expect((await sfmc.businessUnits()).map((u) => [u.name, u.source])).toEqual([
      ['North America', 'config'],
      ['Asia Pacific', 'local'],
    ]);
    expect((await sfmc.businessUnit('ASIA PACIFIC'))?.name).toBe('Asia Pacific');
    expect(await sfmc.businessUnit('Mars')).toBeNull();
  });

  it('pages unprocessed rows oldest first, from a date, and counts the backlog', async () => {
    await sfmc.appendRows!('North America', [
      clickRow({ EventID: 'late', EventDate: '3/9/2026 9:00:00 AM' }),
      clickRow({ EventID: 'early', EventDate: '3/7/2026 9:00:00 AM' }),
      clickRow({ EventID: 'broken', EventDate: 'soon' }),
      clickRow({ EventID: 'middle', EventDate: '2026-03-08T09:00:00' }),
    ]);
    const unit = (await sfmc.businessUnit('North America'))!;
    const first = await sfmc.readClickLog(unit, { from: null, cursor: null, pageSize: 2 });
    expect(first.rows.map((r) => r.values.EventID)).toEqual(['early', 'middle']);
    const second = await sfmc.readClickLog(unit, { from: null, cursor: first.next, pageSize: 2 });
    // a row whose date cannot be read comes last, so it is still read, rejected and acknowledged
    expect(second.rows.map((r) => r.values.EventID)).toEqual(['late', 'broken']);
    const fromDate = await sfmc.readClickLog(unit, {
      from: new Date('2026-03-08T16:00:00Z'),
      cursor: null,
      pageSize: 10,
    });
    expect(fromDate.rows.map((r) => r.values.EventID)).toEqual(['late', 'broken']);
    expect(fromDate.next).toBeNull();

    expect(await sfmc.backlog(unit)).toBe(4);
    expect(await sfmc.markProcessed(unit, [...first.rows.map((r) => r.key), 'not-an-id'])).toBe(2);
    expect(await sfmc.backlog(unit)).toBe(2);
    const rest = await sfmc.readClickLog(unit, { from: null, cursor: null, pageSize: 10 });
    expect(rest.rows.map((r) => r.values.EventID)).toEqual(['late', 'broken']);
  });

  it('reads a page of more rows than one query reads, in order, the next page after it', async () => {
    const total = READ_CHUNK_ROWS * 2 + 7;
    const rows = Array.from({ length: total }, (_, i) =>
      clickRow({
        EventID: `e${String(i).padStart(4, '0')}`,
        EventDate: `3/7/2026 9:${String(i % 60).padStart(2, '0')}:00 AM`,
      }),
    );
    await sfmc.appendRows!('North America', rows);
    const unit = (await sfmc.businessUnit('North America'))!;
    const pageSize = READ_CHUNK_ROWS * 2 + 1;
    const first = await sfmc.readClickLog(unit, { from: null, cursor: null, pageSize });
    const second = await sfmc.readClickLog(unit, { from: null, cursor: first.next, pageSize });
    expect(first.rows).toHaveLength(pageSize);
    expect(second.rows).toHaveLength(total - pageSize);
    expect(second.next).toBeNull();
    const read = [...first.rows, ...second.rows].map((r) => r.values);
    const expected = [...rows].sort(
      (a, b) => eventDateOf(a)!.getTime() - eventDateOf(b)!.getTime() || rows.indexOf(a) - rows.indexOf(b),
    );
    expect(read.map((row) => row.EventID)).toEqual(expected.map((row) => row.EventID));
  });

  it('refuses a malformed SFMC_BUSINESS_UNITS at start-up', () => {
    expect(() => createSfmcPort(loadConfig({ SFMC_BUSINESS_UNITS: '[{"name":"x"}]' }), store.db)).toThrow(
      /SFMC_BUSINESS_UNITS: \[0\.mid\]/,
    );
  });
});

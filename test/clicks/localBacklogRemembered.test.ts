import type { BusinessUnit } from '../../src/datasources/sfmc/businessUnits';
import { createLocalSfmc } from '../../src/datasources/sfmc/local/localClickLog';
import type { SfmcPort } from '../../src/datasources/sfmc';
import type { Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { openTestStore } from '../support/store';
import { clickRow } from './support/harness';

/** The local engine with the store's change clock answers as one that reads every time. */
describe('local Marketing Cloud engine, backlog and oldest row remembered while the log is unchanged', () => {
  let store: Store;
  let remembering: SfmcPort;
  let reading: SfmcPort;

  beforeEach(async () => {
    store = await openTestStore();
    await applyFeatureIndexes(store.db);
    remembering = createLocalSfmc(store.db, [], store.changeClock);
    reading = createLocalSfmc(store.db, []);
  });
  afterEach(() => store.close());

  async function statusOf(sfmc: SfmcPort) {
    const units = await sfmc.businessUnits();
    return Promise.all(
      units.map(async (unit) => ({
        unit: unit.name,
        backlog: await sfmc.backlog(unit),
        oldest: (await sfmc.readClickLog(unit, { from: null, cursor: null, pageSize: 1 })).rows.map(
          (row) => row.values.EventID,
        ),
      })),
    );
  }

  async function expectSameAnswers() {
    const expected = await statusOf(reading);
    expect(await statusOf(remembering)).toEqual(expected);
    // asked again with nothing changed: the remembered figures
    expect(await statusOf(remembering)).toEqual(expected);
    return expected;
  }

  it('follows appends, processing and new units', async () => {
    expect(await expectSameAnswers()).toEqual([]);
    await remembering.appendRows!('North America', [
      clickRow({ EventID: 'b', EventDate: '3/8/2026 9:00:00 AM' }),
      clickRow({ EventID: 'a', EventDate: '3/7/2026 9:00:00 AM' }),
    ]);
    expect(await expectSameAnswers()).toEqual([{ unit: 'North America', backlog: 2, oldest: ['a'] }]);

    await remembering.appendRows!('Asia Pacific', [clickRow({ EventID: 'c', EventDate: '3/6/2026 9:00:00 AM' })]);
    expect(await expectSameAnswers()).toEqual([
      { unit: 'Asia Pacific', backlog: 1, oldest: ['c'] },
      { unit: 'North America', backlog: 2, oldest: ['a'] },
    ]);

    const unit: BusinessUnit = (await remembering.businessUnit('North America'))!;
    const [oldest] = (await remembering.readClickLog(unit, { from: null, cursor: null, pageSize: 1 })).rows;
    await remembering.markProcessed(unit, [oldest!.key]);
    expect(await expectSameAnswers()).toEqual([
      { unit: 'Asia Pacific', backlog: 1, oldest: ['c'] },
      { unit: 'North America', backlog: 1, oldest: ['b'] },
    ]);

    // a page of the log past its head is read as asked, never the remembered head
    const page = await remembering.readClickLog(unit, { from: null, cursor: null, pageSize: 5 });
    expect(page.rows.map((row) => row.values.EventID)).toEqual(['b']);
  });
});

import { openTestStore } from '../support/store';
import { WriteHolds } from '../../src/datasources/store/embedded/writeHolds';
import { PassSizer } from '../../src/services/passSizer';

const options = { maxRows: 5000, minRows: 50, firstRows: 250, holdBudgetMs: 15, collections: ['events'] };

describe('pass sizing by how long writes hold the event loop', () => {
  it('starts at the first size, then sizes each pass to the budget from what the last ones held, within its bounds', async () => {
    const holds = new WriteHolds();
    const sizer = new PassSizer({ ...options, holds });
    expect(sizer.rows()).toBe(250);
    // 250 rows whose longest write group held 50 ms: 0.2 ms a row, so 75 rows fit in 15 ms
    await sizer.measure(250, async () => holds.record(50, ['events']));
    expect(sizer.rows()).toBe(75);
    // a cheaper pass is averaged in: (0.2 + 0.01) / 2 ms a row
    await sizer.measure(75, async () => holds.record(0.75, ['events']));
    expect(sizer.rows()).toBe(Math.floor(15 / 0.105));
    // far too slow: never under the fewest rows
    await sizer.measure(50, async () => holds.record(10_000, ['events']));
    expect(sizer.rows()).toBe(50);
    // very cheap passes: never over the most
    for (let i = 0; i < 20; i++) await sizer.measure(50, async () => holds.record(0.001, ['events']));
    expect(sizer.rows()).toBe(5000);
  });

  it("counts only the pass's own collections, and learns nothing from a pass that wrote none of them", async () => {
    const holds = new WriteHolds();
    const sizer = new PassSizer({ ...options, holds });
    await sizer.measure(250, async () => holds.record(500, ['other']));
    expect(sizer.rows()).toBe(250);
    holds.record(500, ['events']);
    await sizer.measure(250, async () => holds.record(5, ['events', 'other']));
    expect(sizer.rows()).toBe(750);
  });

  it('without a record of holds (MongoDB) every pass is the most rows', async () => {
    const sizer = new PassSizer(options);
    expect(sizer.rows()).toBe(5000);
    expect(await sizer.measure(5000, async () => 'done')).toBe('done');
    expect(sizer.rows()).toBe(5000);
  });

  it('the embedded store records each group of writes against the collections it changed', async () => {
    const store = await openTestStore();
    try {
      const holds = store.writeHolds!;
      const mark = holds.mark();
      await Promise.all([
        store.db.collection('a').insertMany([{ x: 1 }, { x: 2 }]),
        store.db.collection('b').insertOne({ y: 1 }),
      ]);
      expect(holds.mark()).toBeGreaterThan(mark);
      expect(holds.longestSince(mark, ['a'])).toBeGreaterThan(0);
      expect(holds.longestSince(mark, ['b'])).toBeGreaterThan(0);
      expect(holds.longestSince(mark, ['c'])).toBe(0);
      const later = holds.mark();
      await store.db.collection('a').find({}).toArray();
      expect(holds.longestSince(later, ['a', 'b'])).toBe(0);
    } finally {
      await store.close();
    }
  });
});

import { watchedChangeClock, type ChangeClock } from '../../../src/datasources/store/changeClock';
import type { Store } from '../../../src/datasources/store';
import { openTestStore } from '../../support/store';

/** Polls `read` until it gives something other than undefined (a change stream opening). */
async function eventually<T>(read: () => T | undefined): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no value in 2 s');
}

describe('change clocks', () => {
  let store: Store;

  beforeEach(async () => {
    store = await openTestStore();
  });

  afterEach(() => store.close());

  it("embedded: a collection's position moves when a write to it commits, not with other collections' writes", async () => {
    const clock = store.changeClock;
    const before = clock.position('campaigns');
    const other = clock.position('jobs');
    await store.db.collection('campaigns').insertOne({ _id: 'c1', name: 'Spring' } as never);
    const afterInsert = clock.position('campaigns');
    expect(afterInsert).not.toBe(before);
    expect(clock.position('jobs')).toBe(other);
    await store.db.collection('campaigns').updateOne({ _id: 'c1' } as never, { $set: { name: 'Summer' } });
    expect(clock.position('campaigns')).not.toBe(afterInsert);
    const unchanged = clock.position('campaigns');
    await store.db.collection('campaigns').updateMany({ name: 'nobody' }, { $set: { name: 'x' } });
    expect(clock.position('campaigns')).toBe(unchanged);
  });

  it('from change streams (MongoDB): no position until the stream is open, then one that moves with each change', async () => {
    const clock: ChangeClock = watchedChangeClock(store.db, (error) => {
      throw error;
    });
    try {
      expect(clock.position('campaigns')).toBeUndefined();
      const opened = await eventually(() => clock.position('campaigns'));
      await store.db.collection('campaigns').insertOne({ _id: 'c1', name: 'Spring' } as never);
      await eventually(() => (clock.position('campaigns') !== opened ? true : undefined));
      const moved = clock.position('campaigns');
      await store.db.collection('jobs').insertOne({ _id: 'j1' } as never);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(clock.position('campaigns')).toBe(moved);
    } finally {
      await clock.close();
    }
  });
});

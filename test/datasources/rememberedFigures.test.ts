import { RememberedFigures } from '../../src/datasources/rememberedFigures';
import type { Store } from '../../src/datasources/store';
import { openTestStore } from '../support/store';

describe('figures remembered while their collections are unchanged', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  /** A count that also says how many times the store was read for it. */
  function countOf(collection: string) {
    const counted = { reads: 0 };
    const read = () => {
      counted.reads += 1;
      return store.db.collection(collection).countDocuments({});
    };
    return { counted, read };
  }

  it('reads once while nothing changes, again after each committed change to any of its collections', async () => {
    const figures = new RememberedFigures(store.changeClock);
    const { counted, read } = countOf('a');
    expect(await figures.get('a', ['a', 'b'], read)).toBe(0);
    expect(await figures.get('a', ['a', 'b'], read)).toBe(0);
    expect(counted.reads).toBe(1);

    await store.db.collection('a').insertOne({ n: 1 });
    expect(await figures.get('a', ['a', 'b'], read)).toBe(1);
    expect(counted.reads).toBe(2);

    await store.db.collection('b').insertOne({ n: 1 });
    expect(await figures.get('a', ['a', 'b'], read)).toBe(1);
    expect(counted.reads).toBe(3);

    await store.db.collection('c').insertOne({ n: 1 });
    expect(await figures.get('a', ['a', 'b'], read)).toBe(1);
    expect(counted.reads).toBe(3);
  });

  it('shares one read between concurrent askers and keeps figures apart by key', async () => {
    const figures = new RememberedFigures(store.changeClock);
    const { counted, read } = countOf('a');
    await store.db.collection('a').insertMany([{ n: 1 }, { n: 2 }]);
    expect(await Promise.all([1, 2, 3].map(() => figures.get('a', ['a'], read)))).toEqual([2, 2, 2]);
    expect(counted.reads).toBe(1);
    expect(await figures.get('other', ['a'], async () => 'other figure')).toBe('other figure');
    expect(await figures.get('a', ['a'], read)).toBe(2);
    expect(counted.reads).toBe(1);
  });

  it('holds at most `most` figures, forgetting the one read longest ago', async () => {
    const figures = new RememberedFigures(store.changeClock, 2);
    const reads: string[] = [];
    const figure = (key: string) =>
      figures.get(key, ['a'], async () => {
        reads.push(key);
        return key;
      });
    for (const key of ['x', 'y', 'x', 'z', 'x', 'y']) await figure(key);
    expect(reads).toEqual(['x', 'y', 'z', 'x', 'y']);
  });

  it('forgets a read that failed, and reads every time without a change clock', async () => {
    const figures = new RememberedFigures(store.changeClock);
    await expect(figures.get('a', ['a'], () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await figures.get('a', ['a'], async () => 'read again')).toBe('read again');

    const unclocked = new RememberedFigures(undefined);
    const { counted, read } = countOf('a');
    await unclocked.get('a', ['a'], read);
    await unclocked.get('a', ['a'], read);
    expect(counted.reads).toBe(2);
  });
});

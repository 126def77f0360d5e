import type { Store } from '../../src/datasources/store';
import { PLACES_SUBSCRIBERS_PER_READ, storedPlaces } from '../../src/services/clicks/clickRollups';
import { openTestStore } from '../support/store';

describe('storedPlaces', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('reads every subscriber of a pass, a few subscribers per query', async () => {
    const subscribers = Array.from({ length: PLACES_SUBSCRIBERS_PER_READ * 2 + 5 }, (_, i) => `s${i}`);
    const day = new Date('2026-12-01T00:00:00Z');
    await store.db.collection('events').insertMany(
      subscribers.flatMap((subscriber, i) =>
        Array.from({ length: (i % 3) + 1 }, (_, n) => ({
          subscriber,
          day,
          send: `send${n}`,
          url: 'https://example.com/',
        })),
      ),
    );
    const last = subscribers.at(-1)!;
    await store.db.collection('history').insertOne({ subscriber: last, send: 'old', url: 'https://example.com/old' });
    const places = await storedPlaces(store.db, 'events', [...subscribers, 'nobody'], 'history');
    expect([...places.keys()].sort()).toEqual([...subscribers].sort());
    subscribers.forEach((subscriber, i) =>
      expect(places.get(subscriber)).toHaveLength((i % 3) + 1 + (subscriber === last ? 1 : 0)),
    );
    expect(places.get(last)).toContainEqual({ subscriber: last, send: 'old', url: 'https://example.com/old' });
  });
});

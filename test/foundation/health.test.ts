import type { Db } from '../../src/datasources/store';
import { pingStore, StoreHealth } from '../../src/services/system/storeHealth';

/** A Db whose every read behaves as `findOne` says: the store port as readiness sees it. */
function storeAnswering(findOne: () => Promise<unknown>) {
  return { db: { collection: () => ({ findOne }) } as unknown as Db };
}

describe('pingStore (readiness)', () => {
  it('is true when the store answers', async () => {
    await expect(pingStore(storeAnswering(async () => null))).resolves.toBe(true);
  });

  it('is false when the store fails', async () => {
    await expect(pingStore(storeAnswering(async () => Promise.reject(new Error('connection refused'))))).resolves.toBe(
      false,
    );
  });

  it('is false when the store does not answer in time (a hung MongoDB)', async () => {
    await expect(
      pingStore(
        storeAnswering(() => new Promise(() => undefined)),
        50,
      ),
    ).resolves.toBe(false);
  });
});

describe('StoreHealth (public health query)', () => {
  it('reads the store at most once a second', async () => {
    let reads = 0;
    const health = new StoreHealth(
      storeAnswering(async () => {
        reads += 1;
        return null;
      }),
    );
    await Promise.all([health.recentPing(1_000), health.recentPing(1_500), health.recentPing(1_999)]);
    expect(reads).toBe(1);
    await expect(health.recentPing(2_000)).resolves.toBe(true);
    expect(reads).toBe(2);
  });
});

import type { Db } from 'mongodb';
import { pingStore, recentStorePing } from '../../src/server/health';

/** A Db whose every read behaves as `findOne` says: the store port as readiness sees it. */
function storeAnswering(findOne: () => Promise<unknown>) {
  return { db: { collection: () => ({ findOne }) } as unknown as Db };
}

describe('pingStore (readiness)', () => {
  it('is true when the store answers', async () => {
    await expect(pingStore(storeAnswering(async () => null))).resolves.toBe(true);
  });

  it('is false when the store fails', async () => {
    await expect(pingStore(storeAnswering(async () => Promise.reject(new Error('connection refused'))))).resolves.toBe(false);
  });

  it('is false when the store does not answer in time (a hung MongoDB)', async () => {
    await expect(pingStore(storeAnswering(() => new Promise(() => undefined)), 50)).resolves.toBe(false);
  });
});

describe('recentStorePing (public health query)', () => {
  it('reads the store at most once a second', async () => {
    let reads = 0;
    const app = storeAnswering(async () => {
      reads += 1;
      return null;
    });
    await Promise.all([recentStorePing(app, 1_000), recentStorePing(app, 1_500), recentStorePing(app, 1_999)]);
    expect(reads).toBe(1);
    await expect(recentStorePing(app, 2_000)).resolves.toBe(true);
    expect(reads).toBe(2);
  });
});

import type { Db } from 'mongodb';
import { pingStore } from '../../src/server/health';

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

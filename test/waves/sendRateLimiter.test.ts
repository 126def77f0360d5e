import type { Store } from '../../src/datasources/store';
import { gcraTake, type RateLimit } from '../../src/services/rateLimiter/gcra';
import { SlidingWindow } from '../../src/services/rateLimiter/slidingWindow';
import { RateLimiter } from '../../src/services/rateLimiter/rateLimiter';
import { RATE_LIMITS, StoreBuckets, type RateLimitDoc } from '../../src/services/rateLimiter/storeBuckets';
import { openTestStore } from '../support/store';

/** The most units granted in any window of `windowMs` (windows ending at each grant). */
function maxInWindow(grants: { at: number; units: number }[], windowMs = 1000): number {
  const sorted = [...grants].sort((a, b) => a.at - b.at);
  let max = 0;
  let sum = 0;
  let tail = 0;
  for (const grant of sorted) {
    sum += grant.units;
    while (sorted[tail]!.at <= grant.at - windowMs) sum -= sorted[tail++]!.units;
    max = Math.max(max, sum);
  }
  return max;
}

describe('gcraTake (the bucket arithmetic)', () => {
  const limit: RateLimit = { ratePerSecond: 10, burst: 3 };

  it.each([
    // tat, now, wanted, minimum -> granted, tat after, wait
    ['a full bucket grants the burst at once', 0, 1000, 5, 1, 3, 1300, 0],
    ['a request within the burst', 0, 1000, 2, 2, 2, 1200, 0],
    ['an empty bucket: the wait for one unit', 1300, 1000, 1, 1, 0, 1300, 100],
    ['a partly refilled bucket grants what came back', 1100, 1000, 5, 1, 2, 1300, 0],
    ['all or nothing: not enough yet', 1250, 1000, 2, 2, 0, 1250, 150],
    ['a request above the burst goes once the bucket is full', 0, 1000, 10, 10, 10, 2000, 0],
    ['... and waits until it is', 1050, 1000, 10, 10, 0, 1050, 50],
  ])('%s', (_name, tat, now, wanted, minimum, granted, tatAfter, waitMs) => {
    const grant = gcraTake(tat, now, wanted, limit, minimum);
    expect(grant.granted).toBe(granted);
    expect(grant.tat).toBeCloseTo(tatAfter, 6);
    expect(grant.waitMs).toBeCloseTo(waitMs, 6);
  });

  it('holds any 1-second window to rate + burst, on a controlled clock, whatever the asking pattern', () => {
    const rate = { ratePerSecond: 1000, burst: 5 };
    let tat = 0;
    let now = 1_000_000;
    const grants: { at: number; units: number }[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let step = 0; step < 20_000; step += 1) {
      // callers ask for 1-3 units at irregular moments, sometimes after a long pause
      now += random() < 0.01 ? 200 * random() : 2 * random();
      const grant = gcraTake(tat, now, 1 + Math.floor(random() * 3), rate, 1);
      if (grant.granted > 0) {
        tat = grant.tat;
        grants.push({ at: now, units: grant.granted });
      }
    }
    expect(maxInWindow(grants)).toBeLessThanOrEqual(rate.ratePerSecond + rate.burst);
    expect(grants.reduce((sum, grant) => sum + grant.units, 0)).toBeGreaterThan(0);
  });
});

describe("SlidingWindow (the last second's log)", () => {
  it('grants up to the rate in any second, then waits for the oldest grants to leave it', () => {
    const window = new SlidingWindow(3, 1);
    expect(window.waitMs(1000, 2)).toBe(0);
    window.add(1000, 2);
    expect(window.waitMs(1100, 1)).toBe(0);
    window.add(1100, 1);
    expect(window.waitMs(1200, 1)).toBe(800); // the two of 1000 leave at 2000
    expect(window.waitMs(2000, 2)).toBe(0);
    expect(window.waitMs(2000, 3)).toBe(100); // the one of 1100 too
  });

  it('takes any amount into an empty window, and stretches the window below one unit a second', () => {
    const slow = new SlidingWindow(0.5, 1);
    expect(slow.waitMs(0, 5)).toBe(0);
    slow.add(0, 5);
    expect(slow.waitMs(1999, 1)).toBe(1);
    expect(slow.waitMs(2000, 1)).toBe(0);
  });

  it('holds every 1-second window to the rate, on a controlled clock, whatever the asking pattern', () => {
    const rate = 1000;
    const window = new SlidingWindow(rate, 20);
    const grants: { at: number; units: number }[] = [];
    let now = 5_000_000;
    let seed = 11;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let step = 0; step < 30_000; step += 1) {
      now += random() < 0.02 ? 50 * random() : 0.8 * random();
      const units = 1 + Math.floor(random() * 2);
      if (window.waitMs(now, units) === 0) {
        window.add(now, units);
        grants.push({ at: now, units });
      }
    }
    expect(maxInWindow(grants)).toBeLessThanOrEqual(rate);
    expect(maxInWindow(grants)).toBeGreaterThan(rate * 0.9);
  });
});

describe('RateLimiter (kept in the store)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('paces one process to the rate in every 1-second window, bursts included', async () => {
    const limiter = new RateLimiter({ db: store.db });
    const limit = { ratePerSecond: 200, burst: 2 };
    const grants: { at: number; units: number }[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 75; i += 1) {
          // the grant's own time: a promise may resolve a little later on a busy machine
          grants.push({ at: await limiter.acquire([{ key: 'test:one', limit }], 1), units: 1 });
        }
      }),
    );
    limiter.close();
    expect(grants).toHaveLength(300);
    expect(maxInWindow(grants)).toBeLessThanOrEqual(limit.ratePerSecond);
    const bucket = await store.db.collection<RateLimitDoc>(RATE_LIMITS).findOne({ _id: 'test:one' });
    // The store's bucket lets a process reserve a slice (50 ms of the rate) at once.
    expect(bucket).toMatchObject({ ratePerSecond: 200, burst: 10 });
  });

  it('shares one bucket between limiters of several processes (rate + burst + a slice each)', async () => {
    const limit = { ratePerSecond: 200, burst: 2 };
    const limiters = [new RateLimiter({ db: store.db }), new RateLimiter({ db: store.db })];
    const grants: { at: number; units: number }[] = [];
    await Promise.all(
      limiters.map(async (limiter) => {
        for (let i = 0; i < 150; i += 1) {
          grants.push({ at: await limiter.acquire([{ key: 'test:shared', limit }], 1), units: 1 });
        }
      }),
    );
    for (const limiter of limiters) limiter.close();
    // Each process may hold one reserved slice (50 ms of the rate) ahead of its pacing.
    const slice = Math.ceil(limit.ratePerSecond * 0.05);
    expect(maxInWindow(grants)).toBeLessThanOrEqual(limit.ratePerSecond + limit.burst + 2 * slice);
  });

  it('answers tryAcquire at once: granted, or refused with the wait (API rate limits)', async () => {
    const limiter = new RateLimiter({ db: store.db });
    const limit = { ratePerSecond: 1, burst: 2 };
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await limiter.tryAcquire('test:api', 1, limit));
    limiter.close();
    expect(answers.map((answer) => answer.granted)).toEqual([true, true, false]);
    expect(answers[2]!.retryAfterMs).toBeGreaterThan(0);
  });

  it('refuses rates it cannot hold, and callers once closed', async () => {
    const limiter = new RateLimiter({ db: store.db });
    await expect(limiter.acquire([{ key: 'test:bad', limit: { ratePerSecond: 0, burst: 1 } }], 1)).rejects.toThrow(
      /ratePerSecond/,
    );
    await expect(limiter.acquire([{ key: 'test:bad', limit: { ratePerSecond: 1, burst: 1 } }], 0)).rejects.toThrow(
      /amount/,
    );
    limiter.close();
    await expect(limiter.acquire([{ key: 'test:bad', limit: { ratePerSecond: 1, burst: 1 } }], 1)).rejects.toThrow(
      /closed/,
    );
  });

  it('takes from a store bucket atomically when two takers race (compare-and-set on tat)', async () => {
    const buckets = new StoreBuckets(store.db);
    const limit = { ratePerSecond: 1, burst: 10 };
    const now = () => 5_000_000;
    let granted = 0;
    for (let round = 0; round < 5; round += 1) {
      const grants = await Promise.all(Array.from({ length: 20 }, () => buckets.take('test:race', 1, 1, limit, now)));
      granted += grants.reduce((sum, grant) => sum + grant.granted, 0);
    }
    // A fixed clock: the bucket holds 10 units and not one more, however the takes interleave.
    expect(granted).toBe(10);
    expect((await buckets.take('test:race', 1, 1, limit, now)).waitMs).toBeGreaterThan(900);
  });
});

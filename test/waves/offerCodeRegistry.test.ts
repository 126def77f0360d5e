import { randomUUID } from 'node:crypto';
import {
  createOfferCodeRegistry,
  EmbeddedOfferCodes,
  OfferCodeRegistryError,
  type OfferCodeDocument,
  type OfferCodeGrant,
} from '../../src/datasources/offerCodes';
import type { Store } from '../../src/datasources/store';
import { createLogger } from '../../src/logger';
import { openTestStore } from '../support/store';
import { FakeOfferCodeService } from './fakeOfferCodeService';

const at = new Date('2026-05-01T12:00:00Z');
const grant = (code: string, waveId = 'w1', userId: string | null = 'u1', row = 2): OfferCodeGrant => ({
  code,
  campaignId: 'c1',
  waveId,
  row,
  userId,
  entryId: userId ? `c1:${userId}` : null,
  at,
});
const silent = createLogger({ level: 'silent' });
/** Made per run: no credential-looking literal in the tests. */
const apiKey = randomUUID();
const settings = (url?: string) => ({
  OFFER_CODES_URL: url,
  OFFER_CODES_API_KEY: url ? apiKey : undefined,
  OFFER_CODES_RETRY_ATTEMPTS: 3,
  OFFER_CODES_TIMEOUT_MS: 2000,
});

describe('offer-code registry', () => {
  let store: Store;
  const codes = () => store.db.collection<OfferCodeDocument>('codes');

  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  describe('embedded engine', () => {
    it('keeps each code ASSIGNED to its fan in the wave pool; a repeat registers nothing new', async () => {
      const registry = createOfferCodeRegistry(settings(), codes(), silent);
      expect(registry.engine).toBe('embedded');
      expect(await registry.register([grant('AAAA-BBBB-CCCC'), grant('AAAA-BBBB-CCCD', 'w1', 'u2', 3)])).toEqual({
        registered: 2,
        collisions: [],
      });
      expect(await registry.register([grant('AAAA-BBBB-CCCC')])).toEqual({ registered: 1, collisions: [] });
      expect(await codes().findOne({ _id: 'AAAA-BBBB-CCCC' })).toMatchObject({
        kind: 'OFFER',
        state: 'ASSIGNED',
        poolId: 'offer:w1',
        entryId: 'c1:u1',
        userId: 'u1',
      });
      expect(await codes().countDocuments({})).toBe(2);
    });

    it('answers a code another wave or row holds as a collision and leaves it as it is', async () => {
      const registry = new EmbeddedOfferCodes(codes());
      await registry.register([grant('AAAA-BBBB-CCCC')]);
      const outcome = await registry.register([grant('AAAA-BBBB-CCCC', 'w2'), grant('DDDD-EEEE-FFFF', 'w2')]);
      expect(outcome).toEqual({ registered: 1, collisions: ['AAAA-BBBB-CCCC'] });
      const sameWave = await registry.register([grant('AAAA-BBBB-CCCC', 'w1', null, 7)]);
      expect(sameWave).toEqual({ registered: 0, collisions: ['AAAA-BBBB-CCCC'] });
      expect((await codes().findOne({ _id: 'AAAA-BBBB-CCCC' }))?.waveId).toBe('w1');
    });

    it('looks codes up and redeems them once', async () => {
      const registry = new EmbeddedOfferCodes(codes());
      await registry.register([grant('AAAA-BBBB-CCCC')]);
      expect(await registry.lookup('AAAA-BBBB-CCCC')).toMatchObject({
        campaignId: 'c1',
        userId: 'u1',
        redeemed: false,
      });
      const first = await registry.redeem('AAAA-BBBB-CCCC');
      expect(first?.redeemed).toBe(true);
      const again = await registry.redeem('AAAA-BBBB-CCCC');
      expect(again?.redeemedAt).toEqual(first?.redeemedAt);
      expect(await registry.lookup('ZZZZ-ZZZZ-ZZZZ')).toBeNull();
      expect(await registry.redeem('ZZZZ-ZZZZ-ZZZZ')).toBeNull();
    });
  });

  describe('http engine', () => {
    let service: FakeOfferCodeService;

    beforeEach(async () => {
      service = await new FakeOfferCodeService().start();
    });
    afterEach(() => service.stop());

    it('registers codes locally and with the service, with its key; a conflict there drops the local record', async () => {
      const registry = createOfferCodeRegistry(settings(service.url), codes(), silent);
      expect(registry.engine).toBe('http');
      service.codes.set('AAAA-BBBB-CCCC', {
        code: 'AAAA-BBBB-CCCC',
        campaignId: 'c9',
        waveId: 'w9',
        row: 2,
        userId: 'x',
        redeemedAt: null,
      });
      const outcome = await registry.register([grant('AAAA-BBBB-CCCC'), grant('DDDD-EEEE-FFFF', 'w1', 'u2', 3)]);
      expect(outcome).toEqual({ registered: 1, collisions: ['AAAA-BBBB-CCCC'] });
      expect(service.requests[0]).toMatchObject({
        method: 'POST',
        path: '/codes',
        authorization: `Bearer ${apiKey}`,
      });
      expect(await codes().findOne({ _id: 'AAAA-BBBB-CCCC' })).toBeNull();
      expect(await codes().findOne({ _id: 'DDDD-EEEE-FFFF' })).toMatchObject({ waveId: 'w1' });
      expect(await registry.lookup('DDDD-EEEE-FFFF')).toMatchObject({
        campaignId: 'c1',
        waveId: 'w1',
        redeemed: false,
      });
      expect((await registry.redeem('DDDD-EEEE-FFFF'))?.redeemed).toBe(true);
      expect(await registry.lookup('QQQQ-QQQQ-QQQQ')).toBeNull();
    });

    it('retries 5xx and 429 with backoff, and a repeated registration is idempotent', async () => {
      const registry = createOfferCodeRegistry(settings(service.url), codes(), silent);
      service.failNext({ status: 503 }, { status: 429, retryAfter: '0' });
      expect(await registry.register([grant('AAAA-BBBB-CCCC')])).toEqual({ registered: 1, collisions: [] });
      expect(service.requests).toHaveLength(3);
      expect(await registry.register([grant('AAAA-BBBB-CCCC')])).toEqual({ registered: 1, collisions: [] });
    });

    it('gives up after its attempts, and at once on a 4xx refusal', async () => {
      const registry = createOfferCodeRegistry(settings(service.url), codes(), silent);
      service.failNext({ status: 500 }, { status: 500 }, { status: 500 });
      const exhausted = await registry.register([grant('AAAA-BBBB-CCCC')]).catch((error: unknown) => error);
      expect(exhausted).toBeInstanceOf(OfferCodeRegistryError);
      expect(exhausted).toMatchObject({ permanent: false, message: expect.stringContaining('after 3 attempts') });
      service.failNext({ status: 400 });
      const refused = await registry.lookup('AAAA-BBBB-CCCC').catch((error: unknown) => error);
      expect(refused).toMatchObject({ permanent: true, status: 400 });
    });
  });
});

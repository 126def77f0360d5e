import { ApiKeyLookup, createApiKey, revokeApiKey, API_KEYS_COLLECTION } from '../../src/auth/apiKeys';
import { Role } from '../../src/auth/roles';
import type { Store } from '../../src/datasources/store';
import { countingFinds, openTestStore } from '../support/store';

describe('API key lookups', () => {
  let store: Store;

  beforeEach(async () => {
    store = await openTestStore();
  });

  afterEach(() => store.close());

  it('reads a live key once, then answers from memory while the keys do not change', async () => {
    const { key, apiKey } = await createApiKey(store.db, { role: Role.VIEWER, name: 'dashboard' });
    const { db, finds: reads } = countingFinds(store.db, API_KEYS_COLLECTION);
    const lookup = new ApiKeyLookup(db, store.changeClock);
    expect(await lookup.principal(key)).toMatchObject({ keyId: apiKey._id, role: Role.VIEWER });
    // The first lookup records the key's use: once that write commits, the key is read again.
    let before = -1;
    for (let attempt = 0; attempt < 100 && reads() !== before; attempt++) {
      before = reads();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await lookup.principal(key);
    }
    const after = reads();
    expect(after).toBeLessThanOrEqual(3);
    for (let i = 0; i < 5; i++) expect(await lookup.principal(key)).toMatchObject({ keyId: apiKey._id });
    expect(reads()).toBe(after);
  });

  it('refuses a remembered key from the first request after its revocation commits', async () => {
    const { key, apiKey } = await createApiKey(store.db, { role: Role.OPERATOR, name: 'leaked' });
    const lookup = new ApiKeyLookup(store.db, store.changeClock);
    expect(await lookup.principal(key)).not.toBeNull();
    expect(await lookup.principal(key)).not.toBeNull();
    await revokeApiKey(store.db, apiKey._id);
    expect(await lookup.principal(key)).toBeNull();
  });

  it('refuses a remembered key once it has expired, with no change to the keys', async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const { key } = await createApiKey(store.db, { role: Role.VIEWER, name: 'short', expiresAt });
    const lookup = new ApiKeyLookup(store.db, store.changeClock);
    expect(await lookup.principal(key)).not.toBeNull();
    const now = jest.spyOn(Date, 'now').mockReturnValue(expiresAt.getTime() + 1);
    try {
      expect(await lookup.principal(key)).toBeNull();
    } finally {
      now.mockRestore();
    }
  });

  it('answers null for malformed and unknown keys, and remembers neither', async () => {
    const { db, finds: reads } = countingFinds(store.db, API_KEYS_COLLECTION);
    const lookup = new ApiKeyLookup(db, store.changeClock);
    expect(await lookup.principal('not-a-key')).toBeNull();
    expect(reads()).toBe(0);
    const unknown = `chk_${'x'.repeat(43)}`;
    expect(await lookup.principal(unknown)).toBeNull();
    expect(await lookup.principal(unknown)).toBeNull();
    expect(reads()).toBe(2);
  });
});

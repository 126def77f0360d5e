import { API_KEYS_COLLECTION } from '../../auth/apiKeys';
import type { Db } from '../../datasources/store';

/** How long a readiness probe waits for the store before calling it unreachable. */
const STORE_PING_TIMEOUT_MS = 2000;

/** How long a ping result answers the public `health` query. */
const HEALTH_CACHE_MS = 1000;

/**
 * True when the store answers a tiny read in time. A read through the driver API rather than a
 * `ping` command, because the embedded engine implements the collection API, not admin commands.
 */
export async function pingStore(store: { db: Db }, timeoutMs = STORE_PING_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const read = store.db
    .collection(API_KEYS_COLLECTION)
    .findOne({}, { projection: { _id: 1 } })
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the store answers, for the public `health` query of one app. */
export class StoreHealth {
  private recent: { at: number; reachable: Promise<boolean> } | undefined;

  constructor(private readonly store: { db: Db }) {}

  /**
   * pingStore shared for a second: anyone may ask without a key, so a flood of health queries
   * costs at most one store read per second.
   */
  recentPing(now = Date.now()): Promise<boolean> {
    if (this.recent && now - this.recent.at < HEALTH_CACHE_MS) return this.recent.reachable;
    const reachable = pingStore(this.store);
    this.recent = { at: now, reachable };
    return reachable;
  }
}

import type { Router } from 'express';
import type { App } from '../app';
import { API_KEYS_COLLECTION } from '../auth/apiKeys';

/** How long a readiness probe waits for the store before calling it unreachable. */
const STORE_PING_TIMEOUT_MS = 2000;

/**
 * True when the store answers a tiny read in time. A read through the driver API rather than a
 * `ping` command, because the embedded engine implements the collection API, not admin commands.
 */
export async function pingStore(app: Pick<App, 'db'>, timeoutMs = STORE_PING_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const read = app.db
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

/** How long a ping result answers the public `health` query. */
const HEALTH_CACHE_MS = 1000;
const recentPings = new WeakMap<object, { at: number; reachable: Promise<boolean> }>();

/**
 * pingStore for the public `health` query, shared for a second: anyone may call it without a
 * key, so a flood of health queries costs at most one store read per second.
 */
export function recentStorePing(app: Pick<App, 'db'>, now = Date.now()): Promise<boolean> {
  const recent = recentPings.get(app.db);
  if (recent && now - recent.at < HEALTH_CACHE_MS) return recent.reachable;
  const reachable = pingStore(app);
  recentPings.set(app.db, { at: now, reachable });
  return reachable;
}

/** /healthz: the process is alive. /readyz: it can serve, i.e. the store is reachable. */
export function mountHealthRoutes(router: Router, app: App, isStopping: () => boolean): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    // A stopping instance reports not-ready so the load balancer drains it before it closes.
    const storeReachable = !isStopping() && (await pingStore(app));
    res.status(storeReachable ? 200 : 503).json({
      status: storeReachable ? 'ready' : 'unavailable',
      store: { engine: app.store.engine, reachable: storeReachable },
      stopping: isStopping(),
    });
  });
}

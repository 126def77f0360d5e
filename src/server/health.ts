import type { Router } from 'express';
import type { App } from '../app';
import { pingStore } from '../services/system/storeHealth';

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

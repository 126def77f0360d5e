import type { Engine } from './engine';
import { trimOplog } from './oplog';

/**
 * Deletes documents whose TTL index date is older than expireAfterSeconds, as MongoDB's TTL
 * monitor does (an array of dates expires on its earliest). Runs as one write per collection,
 * through the normal delete path, so watchers see the deletes and indexes stay in step.
 */
export async function sweepExpired(engine: Engine, now = new Date()): Promise<number> {
  engine.refreshCatalog();
  let deleted = 0;
  for (const collection of Object.values(engine.catalog.collections)) {
    for (const spec of collection.indexes) {
      if (spec.expireAfterSeconds === undefined) continue;
      const [field] = spec.key[0]!;
      const cutoff = new Date(now.getTime() - spec.expireAfterSeconds * 1000);
      const { count } = await engine.write({
        kind: 'delete',
        collection: collection.name,
        filter: { [field]: { $lte: cutoff } },
        many: true,
        options: {},
        document: false,
      });
      deleted += count;
    }
  }
  return deleted;
}

/** Runs the TTL sweep and the oplog trim on a timer until stopped; errors go to `onError`. */
export function startMaintenance(engine: Engine, onError: (error: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running || engine.isClosed) return;
    running = true;
    sweepExpired(engine)
      .then(() => trimOplog(engine, engine.options.oplogRetentionMs, engine.options.oplogMaxEntries))
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, engine.options.ttlIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

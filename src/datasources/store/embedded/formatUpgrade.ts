import type { Engine } from './engine';
import { buildIndex, removeIndexEntries } from './indexAdmin';
import { LONG_KEYS_FORMAT, rekeyLongIds } from './longKeyUpgrade';

const FORMAT_KEY = 'format';

/**
 * Layout version of the tables. A data directory written with another one has its indexes
 * rebuilt and its oplog emptied (older change events cannot be resumed from after an upgrade).
 */
const FORMAT = 7;

/** On open: rebuilds every index of a data directory written with an older table layout. */
export function upgradeFormat(engine: Engine): void {
  const stored = engine.meta.get(FORMAT_KEY);
  if (stored && stored.readUInt32BE(0) === FORMAT) return;
  if (engine.options.readOnly) {
    void engine.env.close();
    throw new Error(`${engine.options.dataDir} has an older layout: open it for writing once (start the service)`);
  }
  engine.env.transactionSync(() => {
    engine.refreshCatalog();
    if (!stored || stored.readUInt32BE(0) < LONG_KEYS_FORMAT) rekeyLongIds(engine);
    for (const collection of Object.values(engine.catalog.collections)) {
      for (const spec of collection.indexes) {
        removeIndexEntries(engine, spec);
        buildIndex(engine, collection, spec);
      }
    }
    const oplogKeys = [...engine.oplog.getKeys({})];
    for (const key of oplogKeys) engine.oplog.removeSync(key as Buffer);
    const version = Buffer.alloc(4);
    version.writeUInt32BE(FORMAT);
    engine.meta.putSync(FORMAT_KEY, version);
  });
}

import { prefixOf } from './catalog';
import type { Engine } from './engine';
import { removeIndexEntries } from './indexAdmin';
import { appendOplog } from './oplog';

/** Inside a write transaction: drops the view of that name, if there is one. */
function dropView(engine: Engine, name: string): boolean {
  if (!engine.catalog.views?.[name]) return true;
  const { [name]: _dropped, ...others } = engine.catalog.views;
  engine.catalog.views = others;
  engine.saveCatalog();
  return true;
}

/** Inside the write transaction: drops a collection (or a view), its documents, its indexes' entries and its catalog entry. */
export function dropCollectionInTxn(engine: Engine, collectionName: string): boolean {
  const collection = engine.collectionEntry(collectionName);
  if (!collection) return dropView(engine, collectionName);
  // Collected first: removing entries while a cursor walks them would skip some.
  const keys = [...engine.docs.getKeys({ start: prefixOf(collection.id), end: prefixOf(collection.id + 1) })];
  for (const key of keys) engine.docs.removeSync(key as Buffer);
  for (const spec of collection.indexes) removeIndexEntries(engine, spec);
  delete engine.catalog.collections[collectionName];
  engine.saveCatalog();
  appendOplog(engine, { op: 'drop', coll: collectionName });
  return true;
}

/** Drops a collection (or a view) in one commit. */
export function dropCollection(engine: Engine, collectionName: string): Promise<boolean> {
  return engine.write({ kind: 'dropCollection', collection: collectionName });
}

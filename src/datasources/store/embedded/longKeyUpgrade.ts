import type { Engine } from './engine';
import { fitIdKey } from './longKeys';

/** The first table layout that stores long keys shortened (longKeys.ts). */
export const LONG_KEYS_FORMAT = 7;

/** Bytes of the collection prefix each documents-table key starts with. */
const COLLECTION_PREFIX_BYTES = 4;

/**
 * Inside the upgrade's write transaction, for a data directory written by an older layout: moves
 * the documents stored under a whole `_id` key that is now stored shortened, so that lookups by
 * `_id` find them. (Index entries are rebuilt from the documents afterwards.)
 */
export function rekeyLongIds(engine: Engine): void {
  const moves: Array<{ from: Buffer; to: Buffer; value: Buffer }> = [];
  for (const { key, value } of engine.docs.getRange({})) {
    const idKey = Buffer.from(key.subarray(COLLECTION_PREFIX_BYTES));
    const fitted = fitIdKey(idKey);
    if (fitted === idKey) continue;
    moves.push({
      from: Buffer.from(key),
      to: Buffer.concat([key.subarray(0, COLLECTION_PREFIX_BYTES), fitted]),
      value,
    });
  }
  for (const { from, to, value } of moves) {
    engine.docs.removeSync(from);
    engine.docs.putSync(to, value);
  }
}

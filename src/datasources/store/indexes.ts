import type { CreateIndexesOptions, Db, IndexSpecification } from './port';

/** One index of one collection, declared once here and created at start-up on either engine. */
export interface IndexDeclaration {
  collection: string;
  /** Ordered key pattern, e.g. `{ bu: 1, sendDate: -1 }`. */
  key: Record<string, 1 | -1>;
  /** unique, sparse, partialFilterExpression, expireAfterSeconds (TTL), name. */
  options?: Pick<CreateIndexesOptions, 'unique' | 'sparse' | 'partialFilterExpression' | 'expireAfterSeconds' | 'name'>;
}

/** An index earlier versions created and the current model no longer wants. */
export type RetiredIndex = Pick<IndexDeclaration, 'collection' | 'key'>;

/**
 * Drops the retired indexes a store still has, then creates every declared index (idempotent:
 * an existing identical index is left alone). A declaration that conflicts with an existing
 * index of the same name fails start-up with a message naming the collection, rather than
 * running with the wrong constraint.
 */
export async function applyIndexes(
  db: Db,
  declarations: readonly IndexDeclaration[],
  retired: readonly RetiredIndex[] = [],
): Promise<void> {
  for (const { collection, key } of retired) await dropIndexWithKey(db, collection, key);
  for (const { collection, key, options } of declarations) {
    try {
      await db.collection(collection).createIndex(key as IndexSpecification, options ?? {});
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot create index ${JSON.stringify(key)} on ${collection}: ${reason}`, { cause: error });
    }
  }
}

/** Drops the index of `collection` whose key pattern is `key`, if there is one. */
async function dropIndexWithKey(db: Db, collection: string, key: Record<string, 1 | -1>): Promise<void> {
  const existing = await db
    .collection(collection)
    .indexes()
    // MongoDB answers NamespaceNotFound for a collection that does not exist yet
    .catch((error: { code?: number }) => (error.code === 26 ? [] : Promise.reject(error)));
  const wanted = JSON.stringify(key);
  const index = existing.find((candidate) => JSON.stringify(candidate.key) === wanted);
  if (index?.name) await db.collection(collection).dropIndex(index.name);
}

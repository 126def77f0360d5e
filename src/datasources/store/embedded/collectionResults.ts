import type { Document } from './bson';
import { project } from './projection';
import type { FindOneAndReplaceOptions, ModifyResult, UpdateResult, WithId } from '../port';

/** The driver's answer to an update or replace, from what the write did. */
export function updateResult<TSchema extends Document>(outcome: {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}): UpdateResult<TSchema> {
  const upserted = outcome.upsertedId !== undefined;
  return {
    acknowledged: true,
    matchedCount: outcome.matched,
    modifiedCount: outcome.modified,
    upsertedCount: upserted ? 1 : 0,
    upsertedId: upserted ? (outcome.upsertedId as UpdateResult<TSchema>['upsertedId']) : null,
  };
}

/** The driver's answer to a findOneAnd* call: the document before or after, or with metadata. */
export function findAndModifyResult<TSchema extends Document>(
  outcome: { matched: number; upsertedId?: unknown; before?: Document; after?: Document },
  options: FindOneAndReplaceOptions,
): ModifyResult<TSchema> | WithId<TSchema> | null {
  const chosen = options.returnDocument === 'after' ? outcome.after : outcome.before;
  const value = chosen ? (project(chosen, options.projection) as WithId<TSchema>) : null;
  if (!options.includeResultMetadata) return value;
  const lastErrorObject: Document = {
    n: outcome.matched + (outcome.upsertedId !== undefined ? 1 : 0),
    updatedExisting: outcome.matched > 0,
  };
  if (outcome.upsertedId !== undefined) lastErrorObject.upserted = outcome.upsertedId;
  return { value, ok: 1, lastErrorObject };
}

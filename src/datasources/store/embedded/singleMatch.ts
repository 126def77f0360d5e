import type { Document } from './bson';
import type { CollectionEntry } from './catalog';
import type { Engine } from './engine';
import type { Evaluation } from './evaluation';
import { isExactScalar } from './exactPlan';
import { ID_KEY_LIMIT, isShortened, storedIdKey } from './longKeys';
import { isPointValue, planQuery } from './planner';
import { collationSafe, filterMatcher, holdsString } from './query';
import { lookupId, lookupPoint } from './scan';
import { isOperatorObject, isPlainObject } from './values';
import type { StoredDocument } from './writes';

/**
 * The lookup of single-document writes (updateOne, findOneAndUpdate, deleteOne...) whose filter
 * fixes `_id`, or a whole key of a unique index, beside other conditions (`{ _id, verdict:
 * { $ne: true } }`, `{ _id: code, state: 'AVAILABLE' }`): at most one document can match, so it
 * is read by that key and the whole filter tested on it, with the matcher (and collation) a
 * query uses. A query costs several times that per write: planning twice, then a cursor.
 */

/** `_id: v` or `_id: { $eq: v, ... }` at the top level: `{ value }`, or undefined when there is none. */
function idPoint(filter: Document, evaluation: Evaluation | undefined): { value: unknown } | undefined {
  if (!Object.hasOwn(filter, '_id')) return undefined;
  const condition: unknown = filter._id;
  let value = condition;
  if (isPlainObject(condition) && isOperatorObject(condition)) {
    if (!Object.hasOwn(condition, '$eq')) return undefined;
    value = condition.$eq;
  }
  if (!isPointValue(value)) return undefined;
  // Strings a collation calls equal have different keys.
  if (evaluation?.collation && holdsString(value)) return undefined;
  return { value };
}

/** `{ _id: v }` alone, whose key decides the match with no test (as the planner's exact plans). */
function isWholeFilter(filter: Document, id: unknown): boolean {
  return isExactScalar(id) && !isShortened(id, ID_KEY_LIMIT) && Object.keys(filter).length === 1;
}

function tested(stored: StoredDocument | undefined, filter: Document, evaluation: Evaluation | undefined) {
  return stored && filterMatcher(filter, evaluation)(stored.document) ? stored : undefined;
}

/**
 * `{ stored }` (undefined when nothing matches) when the filter fixes one key, or undefined when
 * it does not: the caller runs a query then. Inside or outside a write transaction.
 */
export function singleMatch(
  engine: Engine,
  collection: CollectionEntry,
  filter: Document,
  evaluation: Evaluation | undefined,
): { stored: StoredDocument | undefined } | undefined {
  const id = idPoint(filter, evaluation);
  if (id) {
    const stored = lookupId(engine, collection, storedIdKey(id.value));
    return { stored: isWholeFilter(filter, id.value) ? stored : tested(stored, filter, evaluation) };
  }
  const collation = evaluation?.collation;
  // Under a collation only conditions without strings may narrow, as in runQuery.
  const plan = planQuery(collection, collation ? collationSafe(filter) : filter);
  if (plan.stage !== 'IXSCAN' || !plan.point || plan.bounds.length !== 1) return undefined;
  const stored = lookupPoint(engine, collection, plan, plan.bounds[0]!.start);
  // An exact plan of the collation-safe part says nothing of the rest.
  return { stored: plan.exact && !collation ? stored : tested(stored, filter, evaluation) };
}

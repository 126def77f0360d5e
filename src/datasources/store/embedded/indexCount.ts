import type { Document } from './bson';
import { prefixOf, type CollectionEntry } from './catalog';
import type { Engine } from './engine';
import type { Evaluation } from './evaluation';
import { planCount } from './planner';
import type { IndexPlan } from './scan';

/**
 * countDocuments answered by an index alone: when every entry within the plan's bounds matches
 * the filter (an exact plan: equalities on a prefix of the index's fields, at most a range on
 * the next one, nothing else), the count is the number of documents those entries name. LMDB
 * counts the keys of a range without handing them over, where reading and decoding each
 * document cost about 8 µs. An index that may list a document twice (multikey) has its
 * entries' ids counted once each.
 */

function countEntries(engine: Engine, collection: CollectionEntry, plan: IndexPlan): number {
  const table = plan.spec ? engine.index : engine.docs;
  const prefix = prefixOf(plan.spec ? plan.spec.id : collection.id);
  // The planner's bounds are distinct points (each with the same range after it): they never overlap.
  const ranges = plan.bounds.map(({ start, end }) => ({
    start: Buffer.concat([prefix, start]),
    end: Buffer.concat([prefix, end]),
  }));
  if (!plan.spec?.multikey) return ranges.reduce((total, range) => total + table.getCount(range), 0);
  const ids = new Set<string>();
  for (const range of ranges) {
    for (const { value: idKey } of table.getRange(range)) ids.add(idKey.toString('latin1'));
  }
  return ids.size;
}

/** What skip and limit leave of `total`, as the query's window would (both whole numbers here). */
function windowed(total: number, skip: number, limit: number): number {
  const left = Math.max(0, total - skip);
  return limit > 0 ? Math.min(limit, left) : left;
}

/**
 * The count of a collection's documents matching `filter`, or undefined when no index answers
 * it whole (the documents are read then). Indexes compare strings by their bytes, as the simple
 * collation does: a count under another collation reads the documents, but for the empty filter.
 */
export function countByIndex(
  engine: Engine,
  collection: CollectionEntry,
  filter: Document,
  skip: number,
  limit: number,
  evaluation: Evaluation | undefined,
): number | undefined {
  if (!Number.isInteger(skip) || !Number.isInteger(limit) || skip < 0 || limit < 0) return undefined;
  if (Object.keys(filter).length === 0) {
    const all = { start: prefixOf(collection.id), end: prefixOf(collection.id + 1) };
    return windowed(engine.docs.getCount(all), skip, limit);
  }
  if (evaluation?.collation) return undefined;
  const plan = planCount(collection, filter);
  if (plan.stage !== 'IXSCAN' || !plan.exact) return undefined;
  return windowed(countEntries(engine, collection, plan), skip, limit);
}

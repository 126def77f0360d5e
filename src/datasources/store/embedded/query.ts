import { Query } from 'mingo';
import type { Document } from './bson';
import type { Engine } from './engine';
import { fromMingoError } from './errors';
import { compileFastFilter } from './fastFilter';
import { encodeKey } from './keyCodec';
import { mingoOptions } from './mingoOptions';
import { valuesAtPath } from './paths';
import { plainEqualityFields, planQuery, type Plan } from './planner';
import { scan, type Cover, type ScanStats } from './scan';
import type { SortPairs } from './values';
import type { StoredDocument } from './writes';

export interface QuerySpec {
  filter: Document;
  sort: SortPairs;
  skip: number;
  /** 0 means no limit, as in the driver. */
  limit: number;
  /** The only fields the caller reads (a projection's): an index holding them may answer alone. */
  cover?: Cover;
}

/** Rejects a filter mingo cannot compile (unknown operators) before any write starts. */
export function checkFilter(filter: Document): void {
  if (!plainEqualityFields(filter) && !compileFastFilter(filter)) compileFilter(filter);
}

/** Compiles a filter with mingo, turning its unknown-operator errors into the server's. */
export function compileFilter(filter: Document): Query {
  try {
    return new Query(filter, mingoOptions());
  } catch (error) {
    throw fromMingoError(error);
  }
}

/**
 * Tests documents against a filter: the fast test where it decides (fastFilter.ts), mingo,
 * compiled on first need, where it does not.
 */
export function filterMatcher(filter: Document): (document: Document) => boolean {
  const fast = compileFastFilter(filter);
  if (!fast) {
    const query = compileFilter(filter);
    return (document) => query.test(document);
  }
  let query: Query | undefined;
  return (document) => fast(document) ?? (query ??= compileFilter(filter)).test(document);
}

/**
 * Sort key of a document: per field, the lowest (ascending) or highest (descending) value the
 * path reaches (arrays sort by their extreme element, missing sorts as null), encoded so that
 * Buffer.compare orders documents as MongoDB does across BSON types.
 */
export function sortKeyOf(document: Document, sort: SortPairs): Buffer {
  const parts: Buffer[] = [];
  for (const [field, direction] of sort) {
    const { values } = valuesAtPath(document, field);
    let best: Buffer | undefined;
    for (const value of values) {
      const encoded = encodeKey(value);
      if (!best || Buffer.compare(encoded, best) * direction < 0) best = encoded;
    }
    const key = Buffer.from(best!);
    if (direction === -1) for (let i = 0; i < key.length; i++) key[i] = ~key[i]! & 0xff;
    parts.push(key);
  }
  return Buffer.concat(parts);
}

export interface QueryRun {
  plan: Plan;
  results: Generator<StoredDocument>;
}

/** Plans and runs a query: candidates from the plan, the filter's test, then sort, skip and limit. */
export function runQuery(engine: Engine, collectionName: string, spec: QuerySpec, stats: ScanStats): QueryRun {
  const collection = engine.collectionEntry(collectionName);
  const plan = planQuery(collection, spec.filter, spec.sort);
  const matchesEverything = Object.keys(spec.filter).length === 0 || (plan.stage === 'IXSCAN' && plan.exact);
  const matches = matchesEverything ? undefined : filterMatcher(spec.filter);
  const sorted = spec.sort.length === 0 || (plan.stage === 'IXSCAN' && plan.providesSort);
  // Covered only when nothing but the caller reads the documents: no filter test, no sort here.
  const cover = matchesEverything && sorted ? spec.cover : undefined;
  function* matching(): Generator<StoredDocument> {
    for (const stored of scan(engine, collection, plan, stats, cover)) {
      if (!matches || matches(stored.document)) yield stored;
    }
  }
  function* ordered(): Generator<StoredDocument> {
    if (sorted) {
      yield* matching();
      return;
    }
    // No index gives this order: sort in memory, as MongoDB does (a blocking SORT stage).
    const keyed = [...matching()].map((stored) => ({ stored, key: sortKeyOf(stored.document, spec.sort) }));
    keyed.sort((a, b) => Buffer.compare(a.key, b.key));
    for (const { stored } of keyed) yield stored;
  }
  if (sorted && spec.skip === 0 && spec.limit === 0) return { plan, results: matching() };
  if (plan.stage === 'IXSCAN' && plan.point && plan.bounds.length === 1 && spec.skip === 0) {
    // One key of a unique index: at most one document, nothing to sort or window.
    return { plan, results: matching() };
  }
  function* windowed(): Generator<StoredDocument> {
    let skipped = 0;
    let returned = 0;
    for (const stored of ordered()) {
      if (skipped < spec.skip) {
        skipped++;
        continue;
      }
      yield stored;
      returned++;
      if (spec.limit > 0 && returned >= spec.limit) return;
    }
  }
  return { plan, results: windowed() };
}

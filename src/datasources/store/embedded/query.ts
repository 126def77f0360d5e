import type { Document } from './bson';
import { sortCollated } from './collation';
import type { Engine } from './engine';
import { fromMingoError } from './errors';
import { queryFor, type Evaluation } from './evaluation';
import { compileFastFilter } from './fastFilter';
import { encodeKey } from './keyCodec';
import { inSortOrder } from './longKeyOrder';
import { valuesAtPath } from './paths';
import { plainEqualityFields, planQuery, type Plan } from './planner';
import { scan, type Cover, type ScanStats } from './scan';
import { refuseScripts } from './scripts';
import { isPlainObject, type SortPairs } from './values';
import type { StoredDocument } from './writes';

export interface QuerySpec {
  filter: Document;
  sort: SortPairs;
  skip: number;
  /** 0 means no limit, as in the driver. */
  limit: number;
  /** The only fields the caller reads (a projection's): an index holding them may answer alone. */
  cover?: Cover;
  /** The operation's collation and `let` variables, when it has either. */
  evaluation?: Evaluation;
}

/** Rejects a filter mingo cannot compile (unknown operators) before any write starts. */
export function checkFilter(filter: Document, evaluation?: Evaluation): void {
  if (evaluation || (!plainEqualityFields(filter) && !compileFastFilter(filter))) compileFilter(filter, evaluation);
}

type CompiledFilter = ReturnType<typeof queryFor>;

/** Compiles a filter with mingo, turning its unknown-operator errors into the server's. */
export function compileFilter(filter: Document, evaluation?: Evaluation): CompiledFilter {
  refuseScripts(filter);
  try {
    return queryFor(filter, evaluation);
  } catch (error) {
    throw fromMingoError(error);
  }
}

/** Runs a compiled filter, turning mingo's errors at evaluation (`$expr`) into the server's. */
function test(query: CompiledFilter, document: Document): boolean {
  try {
    return query.test(document);
  } catch (error) {
    throw fromMingoError(error);
  }
}

/**
 * Tests documents against a filter: the fast test where it decides (fastFilter.ts), mingo,
 * compiled on first need, where it does not. Under a collation, strings compare its way:
 * mingo with collated operators decides everything.
 */
export function filterMatcher(filter: Document, evaluation?: Evaluation): (document: Document) => boolean {
  const fast = evaluation?.collation ? undefined : compileFastFilter(filter);
  if (!fast) {
    const query = compileFilter(filter, evaluation);
    return (document) => test(query, document);
  }
  let query: CompiledFilter | undefined;
  return (document) => fast(document) ?? test((query ??= compileFilter(filter, evaluation)), document);
}

/** A value holding a string anywhere: index bounds, in binary order, cannot serve it under a collation. */
export function holdsString(value: unknown): boolean {
  if (typeof value === 'string' || value instanceof RegExp) return true;
  if (Array.isArray(value)) return value.some(holdsString);
  return isPlainObject(value) && Object.values(value).some(holdsString);
}

/** What an index may narrow under a collation: the top-level conditions without strings. */
export function collationSafe(filter: Document): Document {
  const safe: Document = {};
  for (const [field, condition] of Object.entries(filter)) {
    if (!field.startsWith('$') && !holdsString(condition)) safe[field] = condition;
  }
  return safe;
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
  const collation = spec.evaluation?.collation;
  // Under a collation an index only narrows the candidates: the filter and the sort decide.
  const plan = collation
    ? planQuery(collection, collationSafe(spec.filter))
    : planQuery(collection, spec.filter, spec.sort);
  const indexDecides = !collation && plan.stage === 'IXSCAN';
  const matchesEverything = Object.keys(spec.filter).length === 0 || (indexDecides && plan.exact);
  const matches = matchesEverything ? undefined : filterMatcher(spec.filter, spec.evaluation);
  const sorted = spec.sort.length === 0 || (indexDecides && plan.providesSort);
  // Covered only when nothing but the caller reads the documents: no filter test, no sort here.
  const cover = matchesEverything && sorted ? spec.cover : undefined;
  function* matching(): Generator<StoredDocument> {
    for (const stored of scan(engine, collection, plan, stats, cover)) {
      if (!matches || matches(stored.document)) yield stored;
    }
  }
  const inIndexOrder = () => inSortOrder(matching(), plan, spec.sort, (document) => sortKeyOf(document, spec.sort));
  function* ordered(): Generator<StoredDocument> {
    if (sorted) {
      yield* inIndexOrder();
      return;
    }
    // No index gives this order: sort in memory, as MongoDB does (a blocking SORT stage).
    if (collation) {
      yield* sortCollated([...matching()], spec.sort, collation, (stored) => stored.document);
      return;
    }
    const keyed = [...matching()].map((stored) => ({ stored, key: sortKeyOf(stored.document, spec.sort) }));
    keyed.sort((a, b) => Buffer.compare(a.key, b.key));
    for (const { stored } of keyed) yield stored;
  }
  if (sorted && spec.skip === 0 && spec.limit === 0) return { plan, results: inIndexOrder() };
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

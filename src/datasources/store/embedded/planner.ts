import type { Document } from './bson';
import type { CollectionEntry, IndexSpec } from './catalog';
import { isExact, isExactScalar } from './exactPlan';
import { AFTER, typeTag } from './keyCodec';
import { componentLimit, ID_KEY_LIMIT, isShortened, rangeEnd, rangeStart, storedKey } from './longKeys';
import { isOperatorObject, isPlainObject, type SortPairs } from './values';

/**
 * Chooses how a filter (and sort) is answered: a scan of the collection, or a scan of the
 * bounds of one index (the `_id` index being the documents table itself). Index bounds only
 * narrow the candidates: every candidate is still tested against the whole filter with mingo,
 * so the plan affects speed, never results.
 */

export interface IndexBounds {
  /** Inclusive start and exclusive end, relative to the index (or collection) prefix. */
  start: Buffer;
  end: Buffer;
}

export type Plan =
  | { stage: 'COLLSCAN' }
  | {
      stage: 'IXSCAN';
      indexName: string;
      /** Undefined for the `_id_` index, which is the documents table. */
      spec?: IndexSpec;
      bounds: IndexBounds[];
      reverse: boolean;
      /** The scan order already is the requested sort order. */
      providesSort: boolean;
      /** Every entry in the bounds matches the filter: no need to test documents against it. */
      exact: boolean;
      /** Each bound is one whole key of a unique index (or `_id`): a `get`, not a range scan. */
      point: boolean;
    };

export interface FieldPredicate {
  points?: unknown[];
  lower?: { value: unknown; inclusive: boolean };
  upper?: { value: unknown; inclusive: boolean };
}

/** Index points one filter may expand to: a point lookup each, far cheaper than a scan of a large collection. */
const MAX_POINTS = 100_000;

/**
 * `{ a: 'x', b: 3 }`: top-level equalities on scalars only. Such a filter has nothing mingo
 * would reject, and an index whose equality prefix covers all its fields answers it exactly.
 */
export function plainEqualityFields(filter: Document): string[] | undefined {
  const fields = Object.keys(filter);
  for (const field of fields) {
    if (field.startsWith('$') || !isExactScalar(filter[field])) return undefined;
  }
  return fields;
}

const ID_INDEX: IndexSpec = { name: '_id_', id: 0, key: [['_id', 1]], unique: true, sparse: false, multikey: false };

/** Longest key component of an index (the `_id` index is the documents table). */
export function keyLimitOf(spec: IndexSpec | undefined): number {
  return !spec || spec === ID_INDEX ? ID_KEY_LIMIT : componentLimit(spec.key.length);
}

/** Whether a bound of the candidate is stored shortened (longKeys.ts): its documents are tested whole then. */
function boundsShortened(candidate: Candidate, predicates: Map<string, FieldPredicate>): boolean {
  const limit = keyLimitOf(candidate.spec);
  const equalities = candidate.spec.key.slice(0, candidate.equalityCount);
  const values = equalities.flatMap(([field]) => predicates.get(field)!.points!);
  if (candidate.range?.lower) values.push(candidate.range.lower.value);
  if (candidate.range?.upper) values.push(candidate.range.upper.value);
  return values.some((value) => isShortened(value, limit));
}

/** A value an index point can stand for: not a regex, an array, or an object of operators. */
export function isPointValue(value: unknown): boolean {
  if (value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  if (isPlainObject(value) && isOperatorObject(value)) return false;
  const bsonType = (value as { _bsontype?: string } | null)?._bsontype;
  return bsonType !== 'BSONRegExp';
}

function isRangeValue(value: unknown): boolean {
  return value !== null && isPointValue(value) && !isPlainObject(value);
}

function predicateFor(condition: unknown): FieldPredicate | undefined {
  if (!isPlainObject(condition) || !isOperatorObject(condition)) {
    return isPointValue(condition) ? { points: [condition] } : undefined;
  }
  const predicate: FieldPredicate = {};
  if ('$eq' in condition && isPointValue(condition.$eq)) predicate.points = [condition.$eq];
  else if (Array.isArray(condition.$in) && condition.$in.length <= MAX_POINTS && condition.$in.every(isPointValue)) {
    predicate.points = condition.$in;
  }
  for (const op of ['$gt', '$gte'] as const) {
    if (op in condition && isRangeValue(condition[op]))
      predicate.lower = { value: condition[op], inclusive: op === '$gte' };
  }
  for (const op of ['$lt', '$lte'] as const) {
    if (op in condition && isRangeValue(condition[op]))
      predicate.upper = { value: condition[op], inclusive: op === '$lte' };
  }
  return predicate.points || predicate.lower || predicate.upper ? predicate : undefined;
}

/** Per-field predicates an index can serve: top-level fields and those inside a top-level $and. */
export function extractPredicates(
  filter: Document,
  out = new Map<string, FieldPredicate>(),
): Map<string, FieldPredicate> {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) extractPredicates(clause, out);
      continue;
    }
    if (field.startsWith('$') || out.has(field)) continue;
    const predicate = predicateFor(condition);
    if (predicate) out.set(field, predicate);
  }
  return out;
}

/** A partial index answers only filters that repeat its whole partialFilterExpression. */
function coversPartialFilter(filter: Document, partial: Document): boolean {
  const clauses = Array.isArray(filter.$and) ? [filter, ...filter.$and] : [filter];
  return Object.entries(partial).every(([field, condition]) =>
    clauses.some((clause) => isPlainObject(clause) && JSON.stringify(clause[field]) === JSON.stringify(condition)),
  );
}

export interface Candidate {
  spec: IndexSpec;
  equalityCount: number;
  range?: FieldPredicate;
  direction?: 1 | -1;
  score: number;
}

function sortDirection(
  spec: IndexSpec,
  predicates: Map<string, FieldPredicate>,
  equalityCount: number,
  sort: SortPairs,
): 1 | -1 | undefined {
  const fixed = new Set(
    spec.key
      .slice(0, equalityCount)
      .filter(([field]) => predicates.get(field)?.points?.length === 1)
      .map(([f]) => f),
  );
  const pending = sort.filter(([field]) => !fixed.has(field));
  if (pending.length === 0) return 1;
  if (spec.multikey || fixed.size < equalityCount) return undefined;
  const rest = spec.key.slice(equalityCount);
  if (pending.length > rest.length) return undefined;
  let direction: 1 | -1 | undefined;
  for (let i = 0; i < pending.length; i++) {
    const [field, order] = pending[i]!;
    const [indexField, indexOrder] = rest[i]!;
    if (field !== indexField) return undefined;
    const relative = order === indexOrder ? 1 : -1;
    if (direction !== undefined && relative !== direction) return undefined;
    direction = relative;
  }
  return direction;
}

function evaluate(
  spec: IndexSpec,
  filter: Document,
  predicates: Map<string, FieldPredicate>,
  sort: SortPairs,
): Candidate | undefined {
  if (spec.partialFilterExpression && !coversPartialFilter(filter, spec.partialFilterExpression)) return undefined;
  let equalityCount = 0;
  for (const [field] of spec.key) {
    const points = predicates.get(field)?.points;
    if (!points) break;
    // A sparse index holds no entry for a missing field, which {field: null} must match.
    if (spec.sparse && points.some((point) => point === null)) return undefined;
    equalityCount++;
  }
  const rangeField = spec.key[equalityCount]?.[0];
  const rangePredicate = rangeField === undefined ? undefined : predicates.get(rangeField);
  let range = rangePredicate && (rangePredicate.lower || rangePredicate.upper) ? rangePredicate : undefined;
  // On a multikey index each bound may be met by a different element ([1, 9] matches
  // { $gt: 6, $lt: 4 }), so only one side can narrow the scan, as in MongoDB.
  if (range?.lower && range.upper && spec.multikey) range = { lower: range.lower };
  const direction = sort.length > 0 ? sortDirection(spec, predicates, equalityCount, sort) : undefined;
  const usable =
    equalityCount > 0 ||
    range !== undefined ||
    (direction !== undefined && !spec.sparse && !spec.partialFilterExpression);
  if (!usable) return undefined;
  // A whole key of a unique index (or `_id`) reaches at most one document per point: no other
  // index narrows more, whatever its equality prefix ({ _id, queue } on a { queue, _id } index
  // would scan a range per point).
  const fullUniqueMatch = spec.unique && equalityCount === spec.key.length;
  const score = (fullUniqueMatch ? 100 : 0) + equalityCount * 4 + (range ? 2 : 0) + (direction !== undefined ? 1 : 0);
  return { spec, equalityCount, range, direction, score };
}

/**
 * Index choices for plain-equality filters, per field set: the hot path of upserts and lookups
 * by key plans once per shape. Keyed by the catalog's collection entry, which is replaced when
 * the catalog is read again, and kept while the entry's index list is the same one, as long:
 * this process's createIndex adds to the list in place and dropIndex replaces it (a choice kept
 * past a drop read the dropped index's removed entries, and found nothing). A partial index
 * the filter could choose depends on its values: such shapes are not cached.
 */
interface EqualityChoices {
  indexes: IndexSpec[];
  size: number;
  byShape: Map<string, { candidate: Candidate; exact: boolean } | null>;
}

const equalityChoices = new WeakMap<CollectionEntry, EqualityChoices>();

function choicesOf(collection: CollectionEntry): EqualityChoices['byShape'] {
  const cached = equalityChoices.get(collection);
  if (cached && cached.indexes === collection.indexes && cached.size === collection.indexes.length) {
    return cached.byShape;
  }
  const fresh = { indexes: collection.indexes, size: collection.indexes.length, byShape: new Map() };
  equalityChoices.set(collection, fresh);
  return fresh.byShape;
}

function planPlainEquality(collection: CollectionEntry, filter: Document, fields: string[]): Plan | undefined {
  // a partial index whose filter fields are all among the filter's may answer some values only
  if (
    collection.indexes.some(
      (spec) =>
        spec.partialFilterExpression &&
        Object.keys(spec.partialFilterExpression).every((field) => fields.includes(field)),
    )
  ) {
    return undefined;
  }
  const choices = choicesOf(collection);
  const shape = fields.join('\0');
  let choice = choices.get(shape);
  if (choice === undefined) {
    const predicates = extractPredicates(filter);
    const candidate = bestCandidate(collection, filter, predicates, []);
    choice = candidate ? { candidate, exact: isExact(filter, candidate) } : null;
    choices.set(shape, choice);
  }
  if (!choice) return { stage: 'COLLSCAN' };
  const { candidate, exact } = choice;
  const limit = keyLimitOf(candidate.spec);
  const equalities = candidate.spec.key.slice(0, candidate.equalityCount);
  const values = equalities.map(([field, direction]) => [filter[field], direction] as const);
  const parts = values.map(([value, direction]) => storedKey(value, direction === -1, limit));
  const start = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return {
    stage: 'IXSCAN',
    indexName: candidate.spec.name,
    spec: candidate.spec === ID_INDEX ? undefined : candidate.spec,
    bounds: [{ start, end: Buffer.concat([start, Buffer.from([AFTER])]) }],
    reverse: false,
    providesSort: true,
    exact: exact && !values.some(([value]) => isShortened(value, limit)),
    point: candidate.spec.unique && candidate.equalityCount === candidate.spec.key.length,
  };
}

function bestCandidate(
  collection: CollectionEntry,
  filter: Document,
  predicates: Map<string, FieldPredicate>,
  sort: SortPairs,
): Candidate | undefined {
  let best: Candidate | undefined;
  for (const spec of [ID_INDEX, ...collection.indexes]) {
    const candidate = evaluate(spec, filter, predicates, sort);
    if (
      candidate &&
      (!best ||
        candidate.score > best.score ||
        (candidate.score === best.score && spec.key.length < best.spec.key.length))
    ) {
      best = candidate;
    }
  }
  return best;
}

export function planQuery(collection: CollectionEntry | undefined, filter: Document, sort: SortPairs = []): Plan {
  if (!collection) return { stage: 'COLLSCAN' };
  const fields = sort.length === 0 ? plainEqualityFields(filter) : undefined;
  const cached = fields && fields.length > 0 ? planPlainEquality(collection, filter, fields) : undefined;
  if (cached) return cached;
  return planByCandidates(collection, filter, sort, false);
}

function planByCandidates(collection: CollectionEntry, filter: Document, sort: SortPairs, nullsExact: boolean): Plan {
  const predicates = extractPredicates(filter);
  const best = bestCandidate(collection, filter, predicates, sort);
  if (!best) return { stage: 'COLLSCAN' };
  const bounds = buildBounds(best, predicates);
  if (!bounds) return { stage: 'COLLSCAN' };
  return {
    stage: 'IXSCAN',
    indexName: best.spec.name,
    spec: best.spec === ID_INDEX ? undefined : best.spec,
    bounds,
    reverse: best.direction === -1,
    providesSort: best.direction !== undefined && (bounds.length === 1 || sort.length === 0),
    exact: isExact(filter, best, nullsExact) && !boundsShortened(best, predicates),
    point: best.spec.unique && best.equalityCount === best.spec.key.length,
  };
}

/** `null`, `{ $eq: null }` or `{ $in: [..., null] }`: a condition an equality to null takes part in. */
function equalsNull(condition: unknown): boolean {
  if (condition === null) return true;
  if (!isPlainObject(condition)) return false;
  return condition.$eq === null || (Array.isArray(condition.$in) && condition.$in.includes(null));
}

/**
 * The plan of a count: planQuery's, where equalities to null may also be exact (exactPlan.ts).
 * That holds while the index holds no array, which a count reads in one synchronous pass, in
 * the same snapshot as the catalog saying so (a cursor's later batches could see an array a
 * later write added).
 */
export function planCount(collection: CollectionEntry | undefined, filter: Document): Plan {
  const plan = planQuery(collection, filter);
  if (!collection || plan.stage !== 'IXSCAN' || plan.exact || !Object.values(filter).some(equalsNull)) return plan;
  return planByCandidates(collection, filter, [], true);
}

function buildBounds(candidate: Candidate, predicates: Map<string, FieldPredicate>): IndexBounds[] | undefined {
  const limit = keyLimitOf(candidate.spec);
  let prefixes: Buffer[] = [Buffer.alloc(0)];
  for (const [field, direction] of candidate.spec.key.slice(0, candidate.equalityCount)) {
    const points = predicates.get(field)!.points!;
    if (prefixes.length * points.length > MAX_POINTS) return undefined;
    const encoded = points.map((point) => storedKey(point, direction === -1, limit));
    encoded.sort(Buffer.compare);
    // Points equal as keys (`$in: [1, 1.0]`) once: a point lookup would read the document twice.
    const distinct = encoded.filter((component, index) => index === 0 || !component.equals(encoded[index - 1]!));
    prefixes = prefixes.flatMap((prefix) => distinct.map((component) => Buffer.concat([prefix, component])));
  }
  const rangeDirection = candidate.spec.key[candidate.equalityCount]?.[1] ?? 1;
  const suffix = candidate.range ? rangeSuffix(candidate.range, rangeDirection === -1, limit) : undefined;
  return prefixes.map((prefix) => ({
    start: suffix ? Buffer.concat([prefix, suffix.start]) : prefix,
    end: Buffer.concat([prefix, suffix ? suffix.end : Buffer.from([AFTER])]),
  }));
}

/**
 * Start and end of a range on one index component. Ranges are bracketed by type, as in MongoDB:
 * {$gt: 5} only reaches numbers. Bounds sitting right after a whole component use the AFTER byte
 * (no component continues with 0xFF); bounds at a type's edge are bare first bytes; a bound
 * stored shortened takes in every key sharing its kept bytes (longKeys.ts).
 */
function rangeSuffix(range: FieldPredicate, descending: boolean, limit: number): { start: Buffer; end: Buffer } {
  const tag = typeTag(range.lower?.value ?? range.upper!.value);
  const lower = range.lower && typeTag(range.lower.value) === tag ? range.lower : undefined;
  const upper = range.upper && typeTag(range.upper.value) === tag ? range.upper : undefined;
  if (!descending) {
    const start = lower ? rangeStart(lower.value, lower.inclusive, false, limit) : Buffer.from([tag]);
    const end = upper ? rangeEnd(upper.value, upper.inclusive, false, limit) : Buffer.from([tag + 1]);
    return { start, end };
  }
  const start = upper ? rangeStart(upper.value, upper.inclusive, true, limit) : Buffer.from([0xff - tag]);
  const end = lower ? rangeEnd(lower.value, lower.inclusive, true, limit) : Buffer.from([0xff - tag + 1]);
  return { start, end };
}

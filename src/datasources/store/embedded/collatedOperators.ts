import type { Document } from './bson';
import { compareCollated, sortCollated, type Collation } from './collation';
import { normalizeSort } from './values';

/**
 * mingo's operators, with those that compare values (query comparisons, expression comparisons,
 * `$sort`) replaced by ones that compare strings by a collation. Run through mingo's base Query
 * and Aggregator classes, which take the context as given (the package root's classes merge
 * their own operators over any replacement).
 */

type Predicate = (document: Document) => boolean;
type QueryOperator = (selector: string, value: unknown, options: object) => Predicate;
type ExpressionOperator = (document: Document, expression: unknown, options: object) => unknown;
type PipelineOperator = (collection: LazyCollection, expression: unknown, options: object) => LazyCollection;
interface LazyCollection {
  transform(f: (items: Document[]) => Iterator<Document>): LazyCollection;
}
type QueryLike = Pick<import('mingo').Query, 'test'>;
type AggregatorLike = Pick<import('mingo').Aggregator, 'run' | 'stream'>;
type Operators = Record<string, unknown>;

/** mingo's subpaths are in its package exports, which node module resolution (tsconfig) does not read. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: no typings to import from
const load = <T>(path: string): T => require(path) as T;

const operators = (kind: string) => load<Operators>(`mingo/operators/${kind}`);
const { Context, evalExpr } = load<{
  Context: { init(ops: Record<string, Operators>): object };
  evalExpr(document: Document, expression: unknown, options: object): unknown;
}>('mingo/core');
const { resolve } = load<{ resolve(document: Document, selector: string, options: { unwrapArray: boolean }): unknown }>(
  'mingo/util',
);
const { Query } = load<{ Query: new (filter: Document, options: object) => QueryLike }>('mingo/query');
const { Aggregator } = load<{ Aggregator: new (pipeline: Document[], options: object) => AggregatorLike }>(
  'mingo/aggregator',
);

export type { AggregatorLike, QueryLike };

/** Ranges only match values of the bound's type, as in MongoDB (null and missing being one). */
function sameType(a: unknown, b: unknown): boolean {
  const numeric = (value: unknown) =>
    typeof value === 'number' ||
    ['Long', 'Int32', 'Double', 'Decimal128'].includes((value as { _bsontype?: string } | null)?._bsontype ?? '');
  if (numeric(a) || numeric(b)) return numeric(a) && numeric(b);
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object') return true;
  return (
    Array.isArray(a) === Array.isArray(b) &&
    a instanceof Date === b instanceof Date &&
    (a as { _bsontype?: string })._bsontype === (b as { _bsontype?: string })._bsontype
  );
}

function queryOperators(collation: Collation): Record<string, QueryOperator> {
  const equal = (a: unknown, b: unknown) => compareCollated(a, b, collation) === 0;
  const matchesValue = (found: unknown, wanted: unknown): boolean => {
    if (wanted instanceof RegExp) {
      const strings = Array.isArray(found) ? found : [found];
      return strings.some((value) => typeof value === 'string' && wanted.test(value));
    }
    if (equal(found, wanted)) return true;
    return (
      Array.isArray(found) &&
      found.some(
        (element) =>
          equal(element, wanted) || (Array.isArray(element) && element.some((inner) => equal(inner, wanted))),
      )
    );
  };
  const field =
    (selector: string, test: (found: unknown) => boolean): Predicate =>
    (document) =>
      test(resolve(document, selector, { unwrapArray: true }));
  const range =
    (accepts: (order: number) => boolean): QueryOperator =>
    (selector, bound) =>
      field(selector, (found) => {
        const candidates = Array.isArray(found) ? (Array.isArray(bound) ? [found, ...found] : found) : [found];
        return candidates.some(
          (value) => sameType(value ?? null, bound) && accepts(compareCollated(value ?? null, bound, collation)),
        );
      });
  return {
    $eq: (selector, wanted) => field(selector, (found) => matchesValue(found, wanted)),
    $ne: (selector, wanted) => field(selector, (found) => !matchesValue(found, wanted)),
    $in: (selector, list) =>
      field(selector, (found) => (list as unknown[]).some((wanted) => matchesValue(found, wanted))),
    $nin: (selector, list) =>
      field(selector, (found) => !(list as unknown[]).some((wanted) => matchesValue(found, wanted))),
    $gt: range((order) => order > 0),
    $gte: range((order) => order >= 0),
    $lt: range((order) => order < 0),
    $lte: range((order) => order <= 0),
    $all: (selector, list, options) => {
      // `{ f: { $all: [a, b] } }` is `{ $and: [{ f: a }, { f: b }] }`, each compared by the collation.
      const clauses = (list as unknown[]).map((wanted) => new Query({ [selector]: wanted }, options));
      return (document) => clauses.length > 0 && clauses.every((clause) => clause.test(document));
    },
  };
}

/** Aggregation comparisons: a missing value is lower than null there, unlike in filters. */
function expressionOperators(collation: Collation): Record<string, ExpressionOperator> {
  const order = (a: unknown, b: unknown): number => {
    if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
    return Math.sign(compareCollated(a, b, collation));
  };
  const pair = (document: Document, expression: unknown, options: object, name: string): [unknown, unknown] => {
    const values = evalExpr(document, expression, options);
    if (!Array.isArray(values) || values.length !== 2) throw new Error(`Expression ${name} takes exactly 2 arguments.`);
    return [values[0], values[1]];
  };
  const comparison =
    (name: string, accepts: (order: number) => boolean): ExpressionOperator =>
    (document, expression, options) =>
      accepts(order(...pair(document, expression, options, name)));
  return {
    $eq: comparison('$eq', (o) => o === 0),
    $ne: comparison('$ne', (o) => o !== 0),
    $gt: comparison('$gt', (o) => o > 0),
    $gte: comparison('$gte', (o) => o >= 0),
    $lt: comparison('$lt', (o) => o < 0),
    $lte: comparison('$lte', (o) => o <= 0),
    $cmp: (document, expression, options) => order(...pair(document, expression, options, '$cmp')),
    $in: (document, expression, options) => {
      const [value, list] = pair(document, expression, options, '$in');
      if (!Array.isArray(list)) throw new Error('$in requires an array as a second argument');
      return list.some((element) => order(value, element) === 0);
    },
  };
}

function sortStage(collation: Collation): PipelineOperator {
  return (collection, sort) =>
    collection.transform((items) =>
      sortCollated(items, normalizeSort(sort), collation, (item) => item)[Symbol.iterator](),
    );
}

const contexts = new Map<string, object>();

function contextOf(collation: Collation): object {
  let context = contexts.get(collation.key);
  if (!context) {
    context = Context.init({
      query: { ...operators('query'), ...queryOperators(collation) },
      expression: { ...operators('expression'), ...expressionOperators(collation) },
      pipeline: { ...operators('pipeline'), $sort: sortStage(collation) },
      accumulator: operators('accumulator'),
      projection: operators('projection'),
      window: operators('window'),
    });
    contexts.set(collation.key, context);
  }
  return context;
}

function optionsOf(collation: Collation, variables: Document | undefined, extra: object): object {
  return { useStrictMode: true, context: contextOf(collation), collation: collation.spec, variables, ...extra };
}

export function collatedQuery(filter: Document, collation: Collation, variables: Document | undefined): QueryLike {
  return new Query(filter, optionsOf(collation, variables, {}));
}

export function collatedAggregator(
  pipeline: Document[],
  collation: Collation,
  variables: Document | undefined,
  collectionResolver?: (name: string) => Document[],
): AggregatorLike {
  return new Aggregator(pipeline, optionsOf(collation, variables, collectionResolver ? { collectionResolver } : {}));
}

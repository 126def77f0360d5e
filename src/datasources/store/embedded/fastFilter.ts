import type { Document } from './bson';
import { isExactScalar } from './exactPlan';
import { isPlainObject } from './values';

/**
 * Filters the services repeat on every call (`{ _id, receipt }`, `{ _id: { $in }, queue,
 * visibleAt: { $lte } }`, `{ status: { $ne } }`...) tested without mingo, which spends tens of
 * microseconds compiling each filter and leaves as much again to the garbage collector.
 * Supported: top-level fields (and `$and` of such clauses) compared with a plain value, `$eq`,
 * `$ne`, `$gt/$gte/$lt/$lte`, `$in/$nin` and `$exists`, on strings, numbers, booleans, dates,
 * ObjectIds (and null for the equalities). A test answers true or false only where MongoDB's
 * answer is certain from such values, with its type bracketing, array elements and missing
 * fields; a document holding anything else there (sub-documents under `$eq null`, Long,
 * Decimal128, nested arrays...) answers undefined and is tested by mingo, as before.
 */

/** true or false when decided here, undefined when mingo must decide. */
export type Verdict = boolean | undefined;
export type FastFilter = (document: Document) => Verdict;
type ValueTest = (value: unknown) => Verdict;

/** Equality of a stored scalar with a filter value (never an array or a plain object). */
function scalarEquals(stored: unknown, wanted: unknown): Verdict {
  if (stored === null) return wanted === null;
  switch (typeof stored) {
    case 'string':
    case 'number':
    case 'boolean':
      return stored === wanted;
    case 'object':
      if (stored instanceof Date) return wanted instanceof Date && stored.getTime() === wanted.getTime();
      if (isObjectId(stored)) return isObjectId(wanted) && stored.equals(wanted);
      return Array.isArray(stored) || isPlainObject(stored) ? false : undefined;
    default:
      return undefined;
  }
}

/** Stored values whose equality with an exact scalar or null is decided here. */
function isDecidable(stored: unknown): boolean {
  if (stored === null || typeof stored !== 'object') return true;
  return stored instanceof Date || isObjectId(stored) || Array.isArray(stored) || isPlainObject(stored);
}

function isObjectId(
  value: unknown,
): value is { equals(other: unknown): boolean; toHexString(): string; id: Uint8Array } {
  return (value as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
}

/** A field equals `wanted` when it holds it, or holds an array with an element equal to it. */
function equalsTest(wanted: unknown): ValueTest {
  return (value) => {
    if (value === undefined) return wanted === null;
    if (!Array.isArray(value)) return scalarEquals(value, wanted);
    // `{ f: null }` against arrays has rules of its own: mingo decides.
    if (wanted === null) return undefined;
    return someElement(value, (element) => scalarEquals(element, wanted));
  };
}

/** True when an element passes, false when none does, undefined when only undecided ones might. */
function someElement(elements: unknown[], test: ValueTest): Verdict {
  let verdict: Verdict = false;
  for (const element of elements) {
    const passed = test(element);
    if (passed) return true;
    if (passed === undefined) verdict = undefined;
  }
  return verdict;
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * `$in`: strings, numbers, booleans, ObjectIds and dates looked up in sets (lists of ids run to
 * tens of thousands, and a linear search per document made a long list quadratic).
 */
function inTest(list: unknown[]): ValueTest {
  const primitives = new Set<unknown>();
  const objectIds = new Set<string>();
  const dates = new Set<number>();
  const others: unknown[] = [];
  for (const wanted of list) {
    if (isPrimitive(wanted)) primitives.add(wanted);
    else if (isObjectId(wanted)) objectIds.add(wanted.toHexString());
    else if (wanted instanceof Date) dates.add(wanted.getTime());
    else others.push(wanted);
  }
  const hasNull = others.includes(null);
  const scalar = (stored: unknown): Verdict => {
    if (isPrimitive(stored)) return primitives.has(stored);
    if (isObjectId(stored)) return objectIds.has(stored.toHexString());
    if (stored instanceof Date) return dates.has(stored.getTime());
    if (!isDecidable(stored)) return undefined;
    return others.some((wanted) => scalarEquals(stored, wanted));
  };
  return (value) => {
    if (value === undefined) return hasNull;
    if (!Array.isArray(value)) return scalar(value);
    if (hasNull) return undefined;
    return someElement(value, scalar);
  };
}

/**
 * Strings compared in UTF-8 byte order, MongoDB's (simple collation): UTF-16 code units order
 * the same way except surrogates, which must sort after U+E000..U+FFFF.
 */
function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Order of a stored scalar against a bound of one of the exact types, or null when they are in
 * different type brackets (no range matches across types), undefined when mingo must decide.
 */
function compareToBound(stored: unknown, bound: unknown): number | null | undefined {
  if (stored === null || stored === undefined) return null;
  switch (typeof stored) {
    case 'string':
      return typeof bound === 'string' ? compareStrings(stored, bound) : null;
    case 'number':
      if (Number.isNaN(stored)) return undefined;
      return typeof bound === 'number' ? stored - bound : null;
    case 'boolean':
      return typeof bound === 'boolean' ? Number(stored) - Number(bound) : null;
    case 'object':
      if (stored instanceof Date) return bound instanceof Date ? stored.getTime() - bound.getTime() : null;
      if (isObjectId(stored)) return isObjectId(bound) ? Buffer.compare(stored.id, bound.id) : null;
      return Array.isArray(stored) || isPlainObject(stored) ? null : undefined;
    default:
      return undefined;
  }
}

const RANGE_ACCEPTS: Partial<Record<string, (order: number) => boolean>> = {
  $gt: (order) => order > 0,
  $gte: (order) => order >= 0,
  $lt: (order) => order < 0,
  $lte: (order) => order <= 0,
};

/** A range matches a field when its value, or one element of its array, is within it. */
function rangeTest(accepts: (order: number) => boolean, bound: unknown): ValueTest {
  const scalar = (stored: unknown): Verdict => {
    const order = compareToBound(stored, bound);
    return order === undefined ? undefined : order !== null && accepts(order);
  };
  return (value) => {
    return Array.isArray(value) ? someElement(value, scalar) : scalar(value);
  };
}

function not(test: ValueTest): ValueTest {
  return (value) => {
    const verdict = test(value);
    return verdict === undefined ? undefined : !verdict;
  };
}

/** A value the equality operators compare here: an exact scalar or null. */
function isEqualityValue(value: unknown): boolean {
  return value === null || isExactScalar(value);
}

function isEqualityList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.every(isEqualityValue);
}

/** The test of one operator, or undefined when it is not one of those handled here. */
function operatorTest(operator: string, argument: unknown): ValueTest | undefined {
  if (operator === '$eq') return isEqualityValue(argument) ? equalsTest(argument) : undefined;
  if (operator === '$ne') return isEqualityValue(argument) ? not(equalsTest(argument)) : undefined;
  if (operator === '$in') return isEqualityList(argument) ? inTest(argument) : undefined;
  if (operator === '$nin') return isEqualityList(argument) ? not(inTest(argument)) : undefined;
  if (operator === '$exists')
    return typeof argument === 'boolean' ? (value) => (value !== undefined) === argument : undefined;
  const accepts = RANGE_ACCEPTS[operator];
  return accepts && isExactScalar(argument) ? rangeTest(accepts, argument) : undefined;
}

function conditionTest(condition: unknown): ValueTest | undefined {
  if (!isPlainObject(condition)) return isEqualityValue(condition) ? equalsTest(condition) : undefined;
  const operators = Object.keys(condition);
  if (operators.length === 0) return undefined;
  const tests: ValueTest[] = [];
  for (const operator of operators) {
    const test = operatorTest(operator, condition[operator]);
    if (!test) return undefined;
    tests.push(test);
  }
  return tests.length === 1 ? tests[0] : (value) => allOf(tests, value);
}

function allOf(tests: ValueTest[], value: unknown): Verdict {
  let verdict: Verdict = true;
  for (const test of tests) {
    const passed = test(value);
    if (passed === false) return false;
    if (passed === undefined) verdict = undefined;
  }
  return verdict;
}

/** Adds one clause's field tests to `tests`; false when the clause has anything not handled here. */
function collectClause(clause: Document, tests: Array<[field: string, test: ValueTest]>): boolean {
  for (const field of Object.keys(clause)) {
    const condition = clause[field];
    if (field === '$and') {
      if (!Array.isArray(condition) || condition.length === 0) return false;
      for (const inner of condition) if (!isPlainObject(inner) || !collectClause(inner, tests)) return false;
      continue;
    }
    if (field.length === 0 || field.startsWith('$') || field.includes('.')) return false;
    const test = conditionTest(condition);
    if (!test) return false;
    tests.push([field, test]);
  }
  return true;
}

/** The filter as a fast test, or undefined when some part of it needs mingo. */
export function compileFastFilter(filter: Document): FastFilter | undefined {
  const tests: Array<[field: string, test: ValueTest]> = [];
  if (!collectClause(filter, tests) || tests.length === 0) return undefined;
  return (document) => {
    let verdict: Verdict = true;
    for (const [field, test] of tests) {
      const passed = test(document[field]);
      if (passed === false) return false;
      if (passed === undefined) verdict = undefined;
    }
    return verdict;
  };
}

import type { Document } from './bson';
import { notSupported } from './errors';
import { REFUSED_UNDER_COLLATION } from './operatorSupport';
import { isPlainObject } from './values';

/**
 * Refuses, before anything runs, what would compare values under a collation without it: the
 * stages and operators of REFUSED_UNDER_COLLATION, `$group` by a computed key, `$elemMatch`
 * and positional projections, and the update operators that compare array elements.
 */

const STAGES = new Set<string>(REFUSED_UNDER_COLLATION.stages);
const OPERATORS = new Set<string>(REFUSED_UNDER_COLLATION.operators);
const UPDATE_OPERATORS = new Set<string>(REFUSED_UNDER_COLLATION.updateOperators);

const withCollation = (what: string) => notSupported(`${what} with a collation`);

function isConstant(value: unknown): boolean {
  if (typeof value === 'string') return !value.startsWith('$');
  return value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean';
}

/** Every `$name` key of a pipeline, filter or expression, however deep. */
function walk(value: unknown): void {
  if (Array.isArray(value)) {
    for (const element of value) walk(element);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (STAGES.has(key)) throw withCollation(`the ${key} stage`);
    if (OPERATORS.has(key)) throw withCollation(`the ${key} operator`);
    if (key === '$group' && isPlainObject(inner) && !isConstant(inner._id))
      throw withCollation('$group by a computed key');
    walk(inner);
  }
}

export function guardPipeline(pipeline: unknown): void {
  walk(pipeline);
}

export function guardFilter(filter: Document): void {
  walk(filter);
}

export function guardProjection(projection: Document | undefined): void {
  if (!projection) return;
  for (const [path, value] of Object.entries(projection)) {
    if (path.endsWith('.$')) throw withCollation('a positional projection');
    if (isPlainObject(value) && '$elemMatch' in value) throw withCollation('an $elemMatch projection');
  }
}

export function guardUpdate(update: Document | Document[], arrayFilters: Document[] | undefined): void {
  if (arrayFilters !== undefined && arrayFilters.length > 0) throw withCollation('arrayFilters');
  if (Array.isArray(update)) {
    walk(update);
    return;
  }
  for (const [operator, fields] of Object.entries(update)) {
    if (UPDATE_OPERATORS.has(operator)) throw withCollation(`the ${operator} update operator`);
    if (!isPlainObject(fields)) continue;
    for (const [path, value] of Object.entries(fields)) {
      if (/(^|\.)\$(\.|$)/.test(path)) throw withCollation('the positional $ update operator');
      if (operator === '$push' && isPlainObject(value) && '$sort' in value) throw withCollation('$push with $sort');
    }
  }
}

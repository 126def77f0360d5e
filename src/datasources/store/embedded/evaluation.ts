import { Aggregator, Query } from 'mingo';
import type { Document } from './bson';
import { collatedAggregator, collatedQuery, type AggregatorLike, type QueryLike } from './collatedOperators';
import { parseCollation, type Collation } from './collation';
import { badValue, fromMingoError, serverError } from './errors';
import { mingoOptions } from './mingoOptions';
import { isPlainObject } from './values';

/**
 * How an operation compares and what it may refer to: its collation and its `let` variables.
 * Undefined for the common call that has neither, which keeps every fast path.
 */
export interface Evaluation {
  readonly collation?: Collation;
  readonly variables?: Document;
}

/** A user variable name as MongoDB accepts it: a lowercase or non-ASCII letter first. */
const VARIABLE_NAME = /^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;

/** `let` as MongoDB takes it: each value an expression, evaluated once, before the operation. */
function evaluateLet(variables: unknown): Document | undefined {
  if (variables === undefined) return undefined;
  if (!isPlainObject(variables)) {
    throw serverError(
      14,
      'TypeMismatch',
      `BSON field 'let' is the wrong type '${typeof variables}', expected type 'object'`,
    );
  }
  for (const name of Object.keys(variables)) {
    if (!VARIABLE_NAME.test(name))
      throw badValue(`'${name}' starts with an invalid character for a user variable name`);
  }
  try {
    return new Aggregator([{ $set: variables }], mingoOptions()).run([{}])[0] as Document;
  } catch (error) {
    throw fromMingoError(error);
  }
}

export function evaluationOf(options: { collation?: unknown; let?: unknown }): Evaluation | undefined {
  const collation = parseCollation(options.collation);
  const variables = evaluateLet(options.let);
  if (!collation && !variables) return undefined;
  return { collation, variables };
}

/** One operation's evaluation with another's variables (bulkWrite's `let` for each operation). */
export function withVariables(
  evaluation: Evaluation | undefined,
  variables: Document | undefined,
): Evaluation | undefined {
  if (!variables) return evaluation;
  return { collation: evaluation?.collation, variables };
}

export function queryFor(filter: Document, evaluation: Evaluation | undefined): QueryLike {
  if (evaluation?.collation) return collatedQuery(filter, evaluation.collation, evaluation.variables);
  return new Query(filter, mingoOptions(undefined, evaluation?.variables));
}

export function aggregatorFor(
  pipeline: Document[],
  evaluation: Evaluation | undefined,
  collectionResolver?: (name: string) => Document[],
): AggregatorLike {
  if (evaluation?.collation)
    return collatedAggregator(pipeline, evaluation.collation, evaluation.variables, collectionResolver);
  return new Aggregator(pipeline, mingoOptions(collectionResolver, evaluation?.variables));
}

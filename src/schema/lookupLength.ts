import {
  getNullableType,
  isInputObjectType,
  isListType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputType,
} from 'graphql';
import type { ResolverData, ValidatorFn } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { AppError } from '../errors';

/**
 * Filters, lookups and cursors end up as store keys and index bounds, so their length is bounded
 * (GRAPHQL_MAX_LOOKUP_LENGTH) before any resolver runs: every String and ID in the arguments of a
 * query or subscription field, and every ID in a mutation's (a mutation's other text, such as a
 * template, has its own checks in its service). The field's GraphQL arguments are walked, input
 * objects and lists included, so no args class has to declare it.
 */

interface Walk {
  limit: number;
  /** Whether String values are bounded too (queries and subscriptions), or only IDs. */
  strings: boolean;
  fieldName: string;
}

function tooLong(walk: Walk, path: string, actual: number): AppError {
  return new AppError(
    'BAD_USER_INPUT',
    `Argument ${path} of ${walk.fieldName} has ${actual} characters; at most ${walk.limit} are accepted`,
    { field: path, limit: walk.limit, actual },
  );
}

function check(walk: Walk, value: unknown, type: GraphQLInputType, path: string): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value)) value.forEach((element, i) => check(walk, element, nullable.ofType, `${path}.${i}`));
    return;
  }
  if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields()) as GraphQLInputField[]) {
      check(walk, (value as Record<string, unknown>)[field.name], field.type, `${path}.${field.name}`);
    }
    return;
  }
  const bounded = isScalarType(nullable) && (nullable.name === 'ID' || (walk.strings && nullable.name === 'String'));
  if (bounded && typeof value === 'string' && value.length > walk.limit) throw tooLong(walk, path, value.length);
}

/** Argument objects already checked: type-graphql calls the validator once per parameter of a call. */
const checked = new WeakSet<object>();

/** type-graphql's `validateFn`: checks the whole arguments of the field being resolved, once. */
export const checkLookupLengths: ValidatorFn = (_value, _type, resolverData: ResolverData) => {
  const { args, info } = resolverData;
  const context = resolverData.context as GraphQLContext;
  if (checked.has(args)) return;
  checked.add(args);
  const walk: Walk = {
    limit: context.app.config.GRAPHQL_MAX_LOOKUP_LENGTH,
    strings: info.operation.operation !== 'mutation',
    fieldName: info.fieldName,
  };
  const definitions: readonly GraphQLArgument[] = info.parentType.getFields()[info.fieldName]?.args ?? [];
  for (const argument of definitions) check(walk, args[argument.name], argument.type, argument.name);
};

import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

/**
 * graphql-scalars' DateTime (RFC 3339 in UTC, same name, description and parsing), answering its
 * ISO 8601 text rather than a Date object: JSON.stringify then writes each time as it is instead
 * of calling every Date's toJSON, a fifth of the work of writing a page of figures over time.
 */
export const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize(value) {
    const serialized = DateTimeResolver.serialize(value) as unknown;
    return serialized instanceof Date ? serialized.toISOString() : serialized;
  },
});

import { DateTime } from './dateTime';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType, type NonEmptyArray, type PubSub } from 'type-graphql';
import type { ResolverClassRef } from '../context';
import { authChecker } from './authChecker';
import { checkLookupLengths } from './lookupLength';

/**
 * Subscriptions are fed by the store's change streams through `@Subscription({ subscribe })`,
 * so events reach clients of every instance; an in-process topic would reach only one.
 * type-graphql still asks for a PubSub, so this one refuses topics.
 */
const changeStreamsOnly: PubSub = {
  publish() {
    throw new Error('Publish to the store (a change stream feeds subscriptions), not to a PubSub topic');
  },
  subscribe(topic) {
    throw new Error(`Subscription topic ${topic}: use @Subscription({ subscribe }) over a change stream`);
  },
};

/**
 * The one GraphQL schema of the given resolver classes. `container` constructs the resolvers
 * that execute (each with its feature's services); the SDL alone needs none. Input validation
 * is done by each service with zod (clear BAD_USER_INPUT naming the field), so type-graphql's
 * class-validator pass is off; its `validateFn` only bounds filters and lookups (lookupLength.ts).
 */
export async function buildAppSchema(
  resolvers: readonly ResolverClassRef[],
  container?: ContainerType,
): Promise<GraphQLSchema> {
  if (resolvers.length === 0) throw new Error('the schema needs at least one resolver');
  return buildSchema({
    resolvers: resolvers as unknown as NonEmptyArray<ResolverClassRef & (new () => object)>,
    container,
    authChecker,
    validate: false,
    validateFn: checkLookupLengths,
    scalarsMap: [{ type: Date, scalar: DateTime }],
    pubSub: changeStreamsOnly,
  });
}

/** The SDL committed as schema.graphql: sorted, so the file changes only when the API does. */
export async function printAppSchema(resolvers: readonly ResolverClassRef[]): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema(resolvers)))}\n`;
}

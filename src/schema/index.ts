import { DateTimeResolver } from 'graphql-scalars';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray, type PubSub } from 'type-graphql';
import type { Feature } from '../app';
import { authChecker } from '../auth/authChecker';
import { ApiKeyResolver } from '../resolvers/system/apiKey.resolver';
import { SystemResolver } from '../resolvers/system/system.resolver';

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
 * The one GraphQL schema: the system resolvers (health, me, API keys) plus every feature's.
 * Input validation is done by each service with zod (clear BAD_USER_INPUT naming the field), so
 * type-graphql's class-validator pass is off.
 */
export async function buildAppSchema(features: readonly Feature[]): Promise<GraphQLSchema> {
  const resolvers: NonEmptyArray<Function> = [
    SystemResolver,
    ApiKeyResolver,
    ...features.flatMap((feature) => (feature.resolvers ?? []) as Function[]),
  ];
  return buildSchema({
    resolvers,
    authChecker,
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    pubSub: changeStreamsOnly,
  });
}

/** The SDL committed as schema.graphql: sorted, so the file changes only when the API does. */
export async function printAppSchema(features: readonly Feature[]): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema(features)))}\n`;
}

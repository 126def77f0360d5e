import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { execute, printSchema, type GraphQLSchema } from 'graphql';
import { CompiledQueries } from './compiledQueries';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
export type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type SchemaListener = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];

export interface ExecutionOptions {
  /** GRAPHQL_JIT: compile queries with graphql-jit. */
  jit: boolean;
  /** GRAPHQL_JIT_MAX_DOCUMENTS: compiled documents kept. */
  maxDocuments: number;
}

/**
 * Runs each operation Apollo has parsed, validated and admitted: a query through its compiled
 * form, anything else (mutations, a subscription sent over HTTP) and any query graphql-jit
 * cannot compile through graphql's own execute. Mutations stay on execute: their cost is their
 * work, and their fields must run one after another as graphql-js runs them.
 */
export function createExecutor(schema: GraphQLSchema, options: ExecutionOptions): GatewayExecutor {
  const compiled = options.jit ? new CompiledQueries(schema, options.maxDocuments) : undefined;
  return async ({ source, document, operation, request, context }) => {
    // The name the client sent: Apollo's own operationName is that of the operation it matched.
    const operationName = request.operationName ?? null;
    // Without an operation (an unknown operationName), graphql's execute reports the error
    // Apollo expects, as it does without a gateway.
    const query = (operation as typeof operation | undefined)?.operation === 'query';
    const answer =
      compiled && query
        ? compiled.execute({ source, document, operationName, variables: request.variables, context })
        : null;
    const result = await answer;
    // No data: the variables were refused before any resolver ran. graphql's own execute
    // reports that with the error Apollo turns into BAD_USER_INPUT.
    if (result && result.data !== undefined) return result;
    return execute({ schema, document, operationName, variableValues: request.variables, contextValue: context });
  };
}

/**
 * Apollo Server 5 takes a custom executor only from a gateway: this one serves a fixed schema.
 * Apollo calls onSchemaLoadOrUpdate, then load(), which must have announced the schema before
 * it resolves.
 */
export function executionGateway(schema: GraphQLSchema, executor: GatewayExecutor): GatewayInterface {
  const listeners = new Set<SchemaListener>();
  return {
    onSchemaLoadOrUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async load() {
      const coreSupergraphSdl = printSchema(schema);
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl });
      return { executor };
    },
    async stop() {
      listeners.clear();
    },
  };
}

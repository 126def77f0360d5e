import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  GraphQLError,
  getOperationAST,
  specifiedRules,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, type Context, type SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app';
import { isApiKeyLive } from '../auth/apiKeys';
import { resolvePrincipal } from '../auth/principal';
import type { Principal } from '../auth/roles';
import type { GraphQLContext, ResolverInstances } from '../context';
import { operationLabel, type GraphQLMetrics } from '../datasources/metrics';
import { unauthenticated } from '../errors';
import { Loaders } from '../services/loaders';
import { clientAddressOf } from './clientAddress';
import { complexityError, queryComplexity, type QueryLimits } from './limits';
import { KeySockets } from './keySockets';
import type { ApiRateLimits } from './rateLimits';
import { isDocument, ValidatedDocuments } from './validatedDocuments';

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** What each connection carries beside the socket: who it is, decided once at connection_init. */
interface ConnectionState {
  socketId: string;
  principal: Principal | null;
  clientAddress: string;
}
type SocketContext = Context<Record<string, unknown> | undefined, Extra & Partial<ConnectionState>>;

/**
 * Admits (query limits), validates, prices and counts (rate limits) one operation received on a
 * socket, then gives it a per-operation context: the HTTP pipeline's checks, for WebSocket clients.
 */
async function prepareOperation(
  setup: {
    schema: GraphQLSchema;
    app: App;
    resolvers: ResolverInstances;
    limits: QueryLimits;
    documents: ValidatedDocuments;
    rateLimits: ApiRateLimits;
  },
  payload: SubscribePayload,
  connection: Pick<ConnectionState, 'principal' | 'clientAddress'>,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const { schema, app, resolvers, limits } = setup;
  const { principal, clientAddress } = connection;
  // The query limits first: a costly document is refused before any store read on its behalf.
  const document = setup.documents.check(payload.query);
  if (!isDocument(document)) return document;
  // The key was checked at connection_init; a socket lives for hours, so a revoked key must stop
  // working for the next operation too.
  if (principal && !principal.anonymous && !(await isApiKeyLive(app.db, principal.keyId))) {
    return [unauthenticated('The API key of this connection was revoked or has expired')];
  }
  const variables = payload.variables ?? undefined;
  const complexity = queryComplexity(schema, document, payload.operationName, variables);
  const tooComplex = complexityError(complexity, limits.maxComplexity);
  if (tooComplex) return [tooComplex];
  const limited = await setup.rateLimits.admit(connection, complexity ?? 1);
  if (limited) return [limited];
  const contextValue: GraphQLContext = {
    app,
    principal,
    loaders: new Loaders(app.db),
    requestId: randomUUID(),
    clientAddress,
    resolvers,
  };
  return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue };
}

/**
 * connection_init checks the key once and names the socket; open and close reach features
 * through app.sockets (presence of agents), and keySockets, which closes them if the key is revoked
 * or expires.
 */
function connectionHooks(app: App, keySockets: KeySockets) {
  return {
    onConnect: async (ctx: SocketContext) => {
      let principal: Principal | null;
      try {
        // Some clients copy the HTTP header's capitalisation into the params.
        const params = ctx.connectionParams ?? {};
        principal = await resolvePrincipal(app.apiKeys, params.authorization ?? params.Authorization, {
          allowAnonymousViewer: app.config.ALLOW_ANONYMOUS_VIEWER,
        });
      } catch {
        return false;
      }
      ctx.extra.socketId = randomUUID();
      ctx.extra.principal = principal;
      ctx.extra.clientAddress = clientAddressOf(ctx.extra.request);
      if (principal && !principal.anonymous) keySockets.add(principal.keyId, ctx.extra.socket, principal.expiresAt);
      app.sockets.emit('connected', { socketId: ctx.extra.socketId, principal });
      return true;
    },
    onClose: (ctx: SocketContext, code?: number) => {
      if (!ctx.extra.socketId) return;
      if (ctx.extra.principal) keySockets.remove(ctx.extra.principal.keyId, ctx.extra.socket);
      app.sockets.emit('closed', {
        socketId: ctx.extra.socketId,
        principal: ctx.extra.principal ?? null,
        code: code ?? CloseCode.InternalServerError,
      });
    },
  };
}

export interface WebSocketHandle {
  /** Closes every socket (1001 Going Away) and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * graphql-ws on the HTTP server's port and /graphql path. The API key comes in
 * connectionParams.authorization; a wrong key closes the socket with 4403 Forbidden at
 * connection_init, and so does revoking the key later, on any instance, or its expiry. Operations
 * go through the same query limits, rate limits and error shaping as HTTP.
 */
export function attachWebSocketServer(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  app: App;
  resolvers: ResolverInstances;
  limits: QueryLimits;
  formatError: FormatError;
  /** The HTTP layer's GraphQL metrics: socket operations count under the same names. */
  metrics: GraphQLMetrics;
  /** The HTTP layer's rate limits: a key's operations count alike over either. */
  rateLimits: ApiRateLimits;
}): WebSocketHandle {
  const { httpServer, schema, app, resolvers, limits, formatError, metrics, rateLimits } = options;
  // A message is held whole before graphql-ws reads it: the HTTP body limit applies (1009 beyond it).
  const maxPayload = app.config.BODY_LIMIT_BYTES;
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload });
  const documents = new ValidatedDocuments(schema, specifiedRules, limits);
  const keySockets = new KeySockets(app);
  // Shapes errors like HTTP does and counts them under the same metric, by operation and code.
  const format = (errors: readonly GraphQLError[], operationName: string | null | undefined) =>
    errors.map((error) => {
      const formatted = formatError(error.toJSON(), error);
      const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : 'INTERNAL_SERVER_ERROR';
      metrics.errors.inc({ operation: operationLabel(operationName), code });
      return formatted;
    });
  const disposable = useServer<Record<string, unknown> | undefined, Partial<ConnectionState>>(
    {
      schema,
      ...connectionHooks(app, keySockets),
      // Errors returned here reach the client through onError below, which shapes them.
      onSubscribe: (ctx: SocketContext, _id, payload) =>
        prepareOperation({ schema, app, resolvers, limits, documents, rateLimits }, payload, {
          principal: ctx.extra.principal ?? null,
          clientAddress: ctx.extra.clientAddress ?? 'unknown',
        }),
      onOperation: (_ctx, _id, payload, args) => {
        const operation = getOperationAST(args.document, args.operationName);
        const name = operation?.name?.value ?? payload.operationName;
        metrics.requests.inc({ operation: operationLabel(name), type: operation?.operation ?? 'unknown' });
      },
      onNext: (_ctx, _id, payload, args, result) => {
        (args.contextValue as GraphQLContext).loaders.clear();
        return result.errors ? { ...result, errors: format(result.errors, payload.operationName) } : undefined;
      },
      onError: (_ctx, _id, payload, errors) => format(errors, payload.operationName),
    },
    wsServer,
  );
  return {
    async close() {
      // graphql-ws closes every client with 1001 Going Away, then the WebSocket server.
      await disposable.dispose();
      await keySockets.close();
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Express } from 'express';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import type { App } from '../app';
import type { WiredFeature } from '../features';
import { resolvePrincipal } from '../auth/principal';
import type { GraphQLContext, ResolverInstances } from '../context';
import { Loaders, loadsRememberedBy } from '../services/loaders';
import { processUploadRequest } from '../resolvers/uploadedFile';
import { largestUploadBytes } from '../services/uploads/uploadKinds';
import { AppError } from '../errors';
import { admitHttpQueries, queryAdmission } from './admitHttpQueries';
import { graphqlJsonRoute } from './graphqlJsonRoute';
import { answerHttpError, jsonError, sendJson } from './httpErrors';
import { clientAddressOf } from './clientAddress';
import { mountCommandRoute } from './commandRoute';
import { mountDashboard } from './dashboard';
import { mountExplorer } from './explorer';
import { mountHealthRoutes } from './health';
import { queryLimitsOf } from './limits';
import type { ApiRateLimits } from './rateLimits';

/** Most files one multipart GraphQL request may carry. */
const MAX_UPLOAD_FILES = 10;

/** A request id from a trusted proxy when it is sane, else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(header) ? header : randomUUID();
}

async function graphqlContext(
  app: App,
  resolvers: ResolverInstances,
  rateLimits: ApiRateLimits,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<GraphQLContext> {
  // Echoed to the client so a support request can name the log lines of its call.
  const requestId = requestIdOf(req);
  res.setHeader('x-request-id', requestId);
  const clientAddress = clientAddressOf(req);
  try {
    const principal = await resolvePrincipal(app.apiKeys, req.headers.authorization, {
      allowAnonymousViewer: app.config.ALLOW_ANONYMOUS_VIEWER,
    });
    // on MongoDB the change streams of every collection loaded would cost more than the loads
    const remembered = app.store.engine === 'embedded' ? loadsRememberedBy(app.store.changeClock) : undefined;
    return { app, principal, loaders: new Loaders(app.db, remembered), requestId, clientAddress, resolvers };
  } catch (error) {
    if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
      throw (await rateLimits.admitUnauthenticated(clientAddress)) ?? error;
    }
    throw error;
  }
}

/** Errors that reach Express (body parsing, uploads, feature routes): answerHttpError. */
function errorHandler(app: App): ErrorRequestHandler {
  return (error, req, res, _next) => answerHttpError(app, error, req, res);
}

/**
 * The HTTP surface: the features' fast routes and GraphQL's JSON POSTs on the raw request, then
 * Express with health, metrics, the explorer, the dashboard, GraphQL (GET and multipart uploads,
 * and whatever the raw route leaves), the CLI's command route and every feature's plain routes,
 * in that order.
 */
export function createHttpApp(options: {
  app: App;
  apollo: ApolloServer<GraphQLContext>;
  features: readonly WiredFeature[];
  resolvers: ResolverInstances;
  rateLimits: ApiRateLimits;
  isStopping: () => boolean;
}): RequestListener {
  const fastRoutes = options.features.flatMap(
    ({ feature, services }) => feature.fastRoutes?.(options.app, services) ?? [],
  );
  const admission = queryAdmission(queryLimitsOf(options.app.config));
  const context = (req: IncomingMessage, res: ServerResponse) =>
    graphqlContext(options.app, options.resolvers, options.rateLimits, req, res);
  fastRoutes.push(graphqlJsonRoute({ app: options.app, apollo: options.apollo, admission, context }));
  const rest = expressApp(options, admission, context);
  return (req, res) => {
    for (const route of fastRoutes) if (route(req, res)) return;
    rest(req, res);
  };
}

function expressApp(
  options: Parameters<typeof createHttpApp>[0],
  admission: ReturnType<typeof queryAdmission>,
  context: (req: IncomingMessage, res: ServerResponse) => Promise<GraphQLContext>,
): Express {
  const { app, apollo, features } = options;
  const http = express();
  http.disable('x-powered-by');
  // GraphQL answers are POSTed and change with the data: an ETag would hash every answer for nothing.
  http.disable('etag');
  // Behind one proxy (load balancer), req.protocol and req.ip come from X-Forwarded-*.
  http.set('trust proxy', 1);
  mountHealthRoutes(http, app, options.isStopping);
  http.get('/metrics', async (_req, res) => {
    res.type(app.metrics.contentType).send(await app.metrics.metrics());
  });
  mountExplorer(http, { publicBaseUrl: app.config.PUBLIC_BASE_URL });
  mountDashboard(http);
  http.use(
    '/graphql',
    // Each kind of upload applies its own, smaller limit as its resolver reads the file; the
    // middleware's cap sits one byte past the largest of them so that it never cuts a file first.
    graphqlUploadExpress({
      processRequest: processUploadRequest,
      maxFileSize: largestUploadBytes(app.config) + 1,
      maxFiles: MAX_UPLOAD_FILES,
    }),
    express.json({ limit: app.config.BODY_LIMIT_BYTES }),
    admitHttpQueries(admission),
    expressMiddleware(apollo, { context: ({ req, res }) => context(req, res) }),
  );
  mountCommandRoute(http, app, features);
  const featureRouter = express.Router();
  for (const { feature, services } of features) feature.routes?.(featureRouter, app, services);
  http.use(featureRouter);
  http.use((req, res) => {
    sendJson(res, 404, jsonError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
  });
  http.use(errorHandler(app));
  return http;
}

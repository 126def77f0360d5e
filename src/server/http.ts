import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import type { App } from '../app';
import type { WiredFeature } from '../features';
import { resolvePrincipal } from '../auth/principal';
import type { GraphQLContext, ResolverInstances } from '../context';
import { Loaders, loadsRememberedBy } from '../services/loaders';
import { processUploadRequest } from '../resolvers/uploadedFile';
import { largestUploadBytes } from '../services/uploads/uploadKinds';
import { AppError } from '../errors';
import { admitHttpQueries } from './admitHttpQueries';
import { clientAddressOf } from './clientAddress';
import { mountCommandRoute } from './commandRoute';
import { mountDashboard } from './dashboard';
import { mountExplorer } from './explorer';
import { mountHealthRoutes } from './health';
import { queryLimitsOf } from './limits';
import type { ApiRateLimits } from './rateLimits';

/** Most files one multipart GraphQL request may carry. */
const MAX_UPLOAD_FILES = 10;

function jsonError(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** A request id from a trusted proxy when it is sane, else a new one. */
function requestIdOf(req: Request): string {
  const header = req.get('x-request-id');
  return header && /^[A-Za-z0-9._-]{1,128}$/.test(header) ? header : randomUUID();
}

async function graphqlContext(
  app: App,
  resolvers: ResolverInstances,
  rateLimits: ApiRateLimits,
  req: Request,
  res: Response,
): Promise<GraphQLContext> {
  // Echoed to the client so a support request can name the log lines of its call.
  const requestId = requestIdOf(req);
  res.setHeader('x-request-id', requestId);
  const clientAddress = clientAddressOf(req);
  try {
    const principal = await resolvePrincipal(app.apiKeys, req.get('authorization'), {
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

/**
 * Errors that reach Express (body parsing, uploads, feature routes) answer in the GraphQL error
 * shape with a code, never an HTML page or a stack.
 */
function errorHandler(app: App): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (error?.type === 'entity.too.large') {
      res
        .status(413)
        .json(
          jsonError(
            'PAYLOAD_TOO_LARGE',
            `The request body is larger than the limit of ${app.config.BODY_LIMIT_BYTES} bytes`,
          ),
        );
    } else if (status === 413) {
      // A multipart request over the upload middleware's caps (files, fields) or a feature route's own limit.
      res
        .status(413)
        .json(jsonError('PAYLOAD_TOO_LARGE', error?.expose ? String(error.message) : 'The request is too large'));
    } else if (error?.type === 'entity.parse.failed') {
      res.status(400).json(jsonError('BAD_USER_INPUT', 'The request body is not valid JSON'));
    } else if (status >= 400 && status < 500 && error?.expose) {
      res.status(status).json(jsonError('BAD_USER_INPUT', String(error.message)));
    } else {
      app.logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error in an HTTP request');
      res.status(500).json(jsonError('INTERNAL_SERVER_ERROR', 'Internal server error'));
    }
  };
}

/**
 * The HTTP surface: the features' fast routes on the raw request, then Express with health,
 * metrics, the explorer, the dashboard, GraphQL (JSON and multipart uploads), the CLI's command route and every
 * feature's plain routes, in that order.
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
  const rest = expressApp(options);
  return (req, res) => {
    for (const route of fastRoutes) if (route(req, res)) return;
    rest(req, res);
  };
}

function expressApp(options: Parameters<typeof createHttpApp>[0]): Express {
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
    admitHttpQueries(queryLimitsOf(app.config)),
    expressMiddleware(apollo, {
      context: ({ req, res }) => graphqlContext(app, options.resolvers, options.rateLimits, req, res),
    }),
  );
  mountCommandRoute(http, app, features);
  const featureRouter = express.Router();
  for (const { feature, services } of features) feature.routes?.(featureRouter, app, services);
  http.use(featureRouter);
  http.use((req, res) => {
    res.status(404).json(jsonError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
  });
  http.use(errorHandler(app));
  return http;
}

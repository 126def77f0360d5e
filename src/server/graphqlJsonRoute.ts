import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import express from 'express';
import type { App } from '../app';
import type { GraphQLContext } from '../context';
import type { FastRoute } from '../resolvers/routes';
import { queriesOfBody, type queryAdmission } from './admitHttpQueries';
import { answerHttpError, sendJson } from './httpErrors';

type ContextOf = (req: IncomingMessage, res: ServerResponse) => Promise<GraphQLContext>;

/** True for a POST to /graphql whose body is JSON (any query string, any charset parameter). */
function isJsonGraphqlPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  const queryAt = url.indexOf('?');
  if ((queryAt < 0 ? url : url.slice(0, queryAt)) !== '/graphql') return false;
  const type = req.headers['content-type'];
  if (type === undefined) return false;
  const semicolon = type.indexOf(';');
  return (semicolon < 0 ? type : type.slice(0, semicolon)).trim().toLowerCase() === 'application/json';
}

/**
 * POST /graphql with a JSON body on the raw request, ahead of Express, as Apollo's own standalone
 * server serves it: the JSON body parser, the query limits, then Apollo's HTTP handling. Nearly
 * every request a dashboard or the CLI sends is one, and Express's routing and response helpers
 * cost more than answering it from the response cache. Uploads (multipart) and GET reach the
 * Express route, which answers the same way.
 */
export function graphqlJsonRoute(options: {
  app: App;
  apollo: ApolloServer<GraphQLContext>;
  admission: ReturnType<typeof queryAdmission>;
  context: ContextOf;
}): FastRoute {
  const { app, apollo, admission, context } = options;
  const parseJson = express.json({ limit: app.config.BODY_LIMIT_BYTES });
  const answer = async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const refusal = admission(queriesOfBody(req.body));
    if (refusal) {
      sendJson(res, 400, refusal);
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: 'POST',
        headers,
        search: queryAt < 0 ? '' : url.slice(queryAt),
        body: req.body,
      },
      context: () => context(req, res),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return (req, res) => {
    if (!isJsonGraphqlPost(req)) return false;
    parseJson(req as express.Request, res as express.Response, (error?: unknown) => {
      if (error) answerHttpError(app, error, req, res);
      else answer(req, res).catch((failure: unknown) => answerHttpError(app, failure, req, res));
    });
    return true;
  };
}

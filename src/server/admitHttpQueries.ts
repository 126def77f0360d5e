import type { Request, RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { admitQuery } from './admitQuery';
import type { QueryLimits } from './limits';

/** The query texts of a GraphQL request: GET `?query=`, a JSON or multipart body, or a batch of them. */
function queriesOf(req: Request): unknown[] {
  if (req.method === 'GET') return [req.query.query];
  const body: unknown = req.body;
  return (Array.isArray(body) ? body : [body]).map(
    (operation) => (operation as { query?: unknown } | undefined)?.query,
  );
}

/**
 * Refuses, with 400 BAD_USER_INPUT, a request whose query passes a query limit, before Apollo
 * looks up its API key, validates or runs it. A syntax error is Apollo's to report.
 */
export function admitHttpQueries(limits: QueryLimits): RequestHandler {
  return (req, res, next) => {
    for (const query of queriesOf(req)) {
      if (typeof query !== 'string') continue;
      const admitted = admitQuery(query, limits);
      if (!(admitted instanceof GraphQLError) || admitted.extensions.code !== 'BAD_USER_INPUT') continue;
      const { http: _status, ...extensions } = admitted.extensions;
      res.status(400).json({ errors: [{ message: admitted.message, extensions }] });
      return;
    }
    next();
  };
}

import type { Request, RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { admitQuery } from './admitQuery';
import { BoundedLru } from './execution/boundedLru';
import type { QueryLimits } from './limits';

/** The query texts of a GraphQL request: GET `?query=`, a JSON or multipart body, or a batch of them. */
function queriesOf(req: Request): unknown[] {
  if (req.method === 'GET') return [req.query.query];
  const body: unknown = req.body;
  return (Array.isArray(body) ? body : [body]).map(
    (operation) => (operation as { query?: unknown } | undefined)?.query,
  );
}

/** Query texts admitted lately, remembered so a dashboard's repeated documents are checked once. */
const ADMITTED_TEXTS = { entries: 1000, bytes: 10_000_000 };

/**
 * Refuses, with 400 BAD_USER_INPUT, a request whose query passes a query limit, before Apollo
 * looks up its API key, validates or runs it. A syntax error is Apollo's to report. A text
 * admitted before is admitted again without a second look (the limits do not change).
 */
export function admitHttpQueries(limits: QueryLimits): RequestHandler {
  const admittedTexts = new BoundedLru<string, true>(ADMITTED_TEXTS.entries, ADMITTED_TEXTS.bytes);
  return (req, res, next) => {
    for (const query of queriesOf(req)) {
      if (typeof query !== 'string' || admittedTexts.get(query)) continue;
      const admitted = admitQuery(query, limits);
      if (!(admitted instanceof GraphQLError)) admittedTexts.set(query, true, query.length);
      if (!(admitted instanceof GraphQLError) || admitted.extensions.code !== 'BAD_USER_INPUT') continue;
      const { http: _status, ...extensions } = admitted.extensions;
      res.status(400).json({ errors: [{ message: admitted.message, extensions }] });
      return;
    }
    next();
  };
}

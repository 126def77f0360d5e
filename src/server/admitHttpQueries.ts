import type { Request, RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { admitQuery } from './admitQuery';
import { BoundedLru } from './execution/boundedLru';
import { sendJson } from './httpErrors';
import type { QueryLimits } from './limits';

/** The query texts of a GraphQL request body: one operation or a batch of them. */
export function queriesOfBody(body: unknown): unknown[] {
  return (Array.isArray(body) ? body : [body]).map(
    (operation) => (operation as { query?: unknown } | undefined)?.query,
  );
}

/** The query texts of a GraphQL request: GET `?query=`, a JSON or multipart body, or a batch of them. */
function queriesOf(req: Request): unknown[] {
  return req.method === 'GET' ? [req.query.query] : queriesOfBody(req.body);
}

/** Query texts admitted lately, remembered so a dashboard's repeated documents are checked once. */
const ADMITTED_TEXTS = { entries: 1000, bytes: 10_000_000 };

/** A refusal's body: the GraphQL error of the first query past a limit. */
export interface QueryRefusal {
  errors: { message: string; extensions: Record<string, unknown> }[];
}

/**
 * Checks a request's query texts against the query limits: answers the body of a 400
 * BAD_USER_INPUT for the first that passes one, or null. A syntax error is Apollo's to report.
 * A text admitted before is admitted again without a second look (the limits do not change).
 */
export function queryAdmission(limits: QueryLimits): (queries: readonly unknown[]) => QueryRefusal | null {
  const admittedTexts = new BoundedLru<string, true>(ADMITTED_TEXTS.entries, ADMITTED_TEXTS.bytes);
  return (queries) => {
    for (const query of queries) {
      if (typeof query !== 'string' || admittedTexts.get(query)) continue;
      const admitted = admitQuery(query, limits);
      if (!(admitted instanceof GraphQLError)) admittedTexts.set(query, true, query.length);
      if (!(admitted instanceof GraphQLError) || admitted.extensions.code !== 'BAD_USER_INPUT') continue;
      const { http: _status, ...extensions } = admitted.extensions;
      return { errors: [{ message: admitted.message, extensions }] };
    }
    return null;
  };
}

/**
 * Refuses, with 400 BAD_USER_INPUT, a request whose query passes a query limit, before Apollo
 * looks up its API key, validates or runs it (queryAdmission).
 */
export function admitHttpQueries(admission: ReturnType<typeof queryAdmission>): RequestHandler {
  return (req, res, next) => {
    const refusal = admission(queriesOf(req));
    if (refusal) sendJson(res, 400, refusal);
    else next();
  };
}

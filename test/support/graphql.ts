import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface GraphQLResponse<R> {
  status: number;
  data?: R | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> & { code?: string } }[];
}

/**
 * POSTs a typed document (from test/generated/graphql.ts) or a query string to `url` and returns
 * the HTTP status with the parsed body. `key` goes as `Authorization: Bearer <key>`.
 */
export async function graphql<R = Record<string, unknown>, V = Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<R, V> | string,
  variables?: V,
  options: { key?: string; headers?: Record<string, string>; operationName?: string } = {},
): Promise<GraphQLResponse<R>> {
  const query = typeof document === 'string' ? document : print(document);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables, operationName: options.operationName }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<R>, 'status'>;
  return { status: response.status, ...body };
}

import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { graphql } from '../support/graphql';
import type { TestServer } from '../support/server';
import type { DocExample } from './markdownExamples';

export interface ExampleAnswer {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

const FIRST_EVENT_TIMEOUT_MS = 20_000;

/** Queries and mutations go over HTTP; a subscription over graphql-ws, up to its first event. */
export async function runExample(
  server: TestServer,
  key: string,
  example: DocExample,
  variables?: Record<string, unknown>,
): Promise<ExampleAnswer> {
  if (example.operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    const answer = await graphql(server.url, example.query, variables, { key });
    if (answer.status !== 200 && !answer.errors) return { errors: [{ message: `HTTP ${answer.status}` }] };
    return answer;
  }
  return firstEvent(server.wsUrl, key, example.query, variables);
}

async function firstEvent(
  url: string,
  key: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<ExampleAnswer> {
  const connectionParams = { authorization: `Bearer ${key}` };
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
  try {
    return await new Promise<ExampleAnswer>((resolve, reject) => {
      const timeout = () => reject(new Error(`no event within ${FIRST_EVENT_TIMEOUT_MS} ms`));
      const timer = setTimeout(timeout, FIRST_EVENT_TIMEOUT_MS);
      const unsubscribe = client.subscribe(
        { query, variables },
        {
          next: (event) => {
            clearTimeout(timer);
            unsubscribe();
            resolve(event as ExampleAnswer);
          },
          error: (error) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
          complete: () => undefined,
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

export interface SocketClose {
  code: number;
  reason: string;
}

/** A graphql-ws client that does not retry and keeps its socket open, recording how it closes. */
export function openSocket(wsUrl: string, key?: string): { client: Client; closes: SocketClose[] } {
  const closes: SocketClose[] = [];
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    on: {
      closed: (event) => {
        const { code, reason } = event as SocketClose;
        closes.push({ code, reason });
      },
    },
  });
  return { client, closes };
}

export type SocketOutcome = ExecutionResult | { refused: { message: string; extensions?: Record<string, unknown> }[] };

/** Runs one operation over the socket: its single result, or the errors it was refused with. */
export function runOnce(client: Client, query: string, variables?: Record<string, unknown>): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    let result: ExecutionResult | undefined;
    client.subscribe(
      { query, variables },
      {
        next: (value) => {
          result = value as ExecutionResult;
        },
        error: (error) => resolve({ refused: error as { message: string; extensions?: Record<string, unknown> }[] }),
        complete: () => resolve(result!),
      },
    );
  });
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { createClient, type Client } from 'graphql-ws/client';
import type { TypedDocumentString } from './generated/graphql';

/** A GraphQL error, or a refusal of the request, with the service's `extensions.code`. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLAnswer<R> {
  data?: R | null;
  errors?: readonly { message: string; extensions?: { code?: unknown } }[];
}

/** The socket's close code for a key the service refuses (see docs/api.md, Subscriptions). */
const FORBIDDEN_CLOSE = 4403;

function answerError<R>(answer: GraphQLAnswer<R>, fallback: string): ApiError | undefined {
  const error = answer.errors?.[0];
  if (error)
    return new ApiError(error.message, typeof error.extensions?.code === 'string' ? error.extensions.code : 'ERROR');
  return answer.data ? undefined : new ApiError(fallback, 'ERROR');
}

function socketError(error: unknown): ApiError {
  if (Array.isArray(error)) return answerError({ errors: error }, 'The subscription failed')!;
  if (error instanceof CloseEvent) {
    const code = error.code === FORBIDDEN_CLOSE ? 'UNAUTHENTICATED' : 'CONNECTION_CLOSED';
    return new ApiError(error.reason || 'The live connection closed', code);
  }
  return new ApiError('The live connection to the service was lost', 'CONNECTION_CLOSED');
}

/**
 * The dashboard's only way to the service: queries and mutations over HTTP POST /graphql and
 * subscriptions over one graphql-ws socket on the same path, all with the signed-in key.
 */
export class Api {
  private socket: Client | undefined;

  constructor(
    private readonly key: string,
    /** Called when the service no longer accepts the key (revoked, or never valid). */
    private readonly onUnauthenticated: () => void,
  ) {}

  async request<R, V>(document: TypedDocumentString<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}` },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal,
    });
    const answer = (await response.json().catch(() => ({}))) as GraphQLAnswer<R>;
    const error = answerError(answer, `The service answered HTTP ${response.status}`);
    if (error) {
      if (error.code === 'UNAUTHENTICATED') this.onUnauthenticated();
      throw error;
    }
    return answer.data as R;
  }

  /** Sends every result of the subscription to `onData` until `signal` aborts. */
  subscribe<R, V>(
    document: TypedDocumentString<R, V>,
    variables: V,
    handlers: { onData: (data: R) => void; onError: (error: ApiError) => void },
    signal: AbortSignal,
  ): void {
    if (signal.aborted) return;
    const stop = this.sockets().subscribe<R>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          const error = answerError(result as GraphQLAnswer<R>, 'The subscription sent no data');
          if (error) handlers.onError(error);
          else handlers.onData(result.data as R);
        },
        error: (error) => {
          const apiError = socketError(error);
          if (apiError.code === 'UNAUTHENTICATED') this.onUnauthenticated();
          handlers.onError(apiError);
        },
        complete: () => undefined,
      },
    );
    signal.addEventListener('abort', stop, { once: true });
  }

  /** Closes the socket (on sign-out). */
  close(): void {
    void this.socket?.dispose();
    this.socket = undefined;
  }

  private sockets(): Client {
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
    this.socket ??= createClient({
      url,
      connectionParams: { authorization: `Bearer ${this.key}` },
      lazy: true,
      retryAttempts: 20,
      shouldRetry: (event) => !(event instanceof CloseEvent && event.code === FORBIDDEN_CLOSE),
    });
    return this.socket;
  }
}

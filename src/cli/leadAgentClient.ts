import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What myLeadAssignments delivers, as the simulated agents read it. */
export interface AssignmentMessage {
  kind: 'ASSIGNED' | 'TIMED_OUT' | 'RELEASED' | 'PRESENCE_CHANGED';
  at: string;
  presence: string | null;
  reason: string | null;
  lead: {
    id: string;
    email: string;
    status: string;
    assignedTo: string | null;
    assignedAt: string | null;
    expiresAt: string | null;
  } | null;
}

const ASSIGNMENTS = `subscription {
  myLeadAssignments { kind at presence reason lead { id email status assignedTo assignedAt expiresAt } }
}`;

/**
 * An agent's side of the protocol over one graphql-ws connection: subscribe to
 * myLeadAssignments, set presence, answer or decline. Used by `npm run demo:agents`, the
 * WebSocket tests and the benchmark. No automatic reconnect: callers decide when to come back.
 */
export class LeadAgentClient {
  private readonly client: Client;
  private readonly opened: Promise<void>;

  constructor(wsUrl: string, key: string) {
    let markOpen: () => void = () => undefined;
    let markFailed: (error: unknown) => void = () => undefined;
    this.opened = new Promise<void>((resolve, reject) => {
      markOpen = resolve;
      markFailed = reject;
    });
    this.opened.catch(() => undefined);
    this.client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => markOpen(), closed: (event) => markFailed(event) },
    });
  }

  /** Resolves once the server acknowledged the connection (the key was accepted). */
  connected(): Promise<void> {
    return this.opened;
  }

  /** Runs a query or mutation over the socket and returns its data, or throws its first error. */
  execute<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let result: T | undefined;
      this.client.subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            if (value.errors?.length)
              reject(Object.assign(new Error(value.errors[0]!.message), { extensions: value.errors[0]!.extensions }));
            else result = value.data as T;
          },
          error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
          complete: () => resolve(result as T),
        },
      );
    });
  }

  /** Calls `onMessage` for every event; the returned function unsubscribes. */
  subscribeAssignments(
    onMessage: (message: AssignmentMessage) => void,
    onError?: (error: unknown) => void,
  ): () => void {
    return this.client.subscribe<{ myLeadAssignments: AssignmentMessage }>(
      { query: ASSIGNMENTS },
      {
        next: (value) => {
          if (value.data) onMessage(value.data.myLeadAssignments);
          else if (value.errors?.length) onError?.(value.errors);
        },
        error: (error) => onError?.(error),
        complete: () => undefined,
      },
    );
  }

  async setPresence(status: 'ONLINE' | 'AWAY' | 'BUSY' | 'OFFLINE'): Promise<void> {
    await this.execute(`mutation ($status: AgentPresence!) { setPresence(status: $status) { id presence } }`, {
      status,
    });
  }

  async resolveLead(
    id: string,
    outcome: 'POSITIVE_REPLY' | 'NEUTRAL_REPLY' | 'NOT_A_LEAD',
    note?: string,
  ): Promise<void> {
    await this.execute(
      `mutation ($id: ID!, $outcome: LeadOutcome!, $note: String) { resolveLead(id: $id, outcome: $outcome, note: $note) { id status } }`,
      {
        id,
        outcome,
        note,
      },
    );
  }

  async declineLead(id: string, reason: string): Promise<void> {
    await this.execute(
      `mutation ($id: ID!, $reason: String!) { declineLead(id: $id, reason: $reason) { id status } }`,
      { id, reason },
    );
  }

  /** Closes the WebSocket (what a browser tab closing does). */
  async close(): Promise<void> {
    await this.client.dispose();
  }
}

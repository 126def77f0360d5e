import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { z } from 'zod';
import { EventEmitter } from 'node:events';
import { findPrincipalByKey } from '../../src/auth/apiKeys';
import { watchKeyRevocations } from '../../src/auth/keyRevocations';
import type { Db } from '../../src/datasources/store';
import type { JobType } from '../../src/jobs';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

interface Closed {
  code: number;
  reason: string;
  at: number;
}

/** A socket following every job change with `key`, recording what it receives and how it closes. */
function follow(wsUrl: string, key: string) {
  const received: string[] = [];
  const socket: { closed?: Closed; client?: Client } = {};
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    connectionParams: { authorization: `Bearer ${key}` },
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        socket.closed = { code, reason, at: Date.now() };
      },
    },
  });
  client.subscribe<{ jobsUpdated: { id: string } }>(
    { query: 'subscription { jobsUpdated(type: "test-noop") { id } }' },
    { next: ({ data }) => void received.push(data!.jobsUpdated.id), error: () => undefined, complete: () => undefined },
  );
  return Object.assign(socket, { client, received });
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('revoking an API key', () => {
  let dataDir: string;
  let first: TestServer;
  let second: TestServer;
  const noop: JobType<Record<string, never>, null> = {
    name: 'test-noop',
    params: z.object({}),
    perform: async () => null,
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-revoke-'));
    first = await startTestServer({ DATA_DIR: dataDir });
    second = await startTestServer({ DATA_DIR: dataDir, JOB_WORKERS: 'false' });
    first.app.jobs.register(noop);
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('closes its sockets on every instance with 4403 within a second, and leaves other keys alone', async () => {
    const admin = await first.createApiKey('admin');
    const revoked = await first.createApiKey('viewer', 'revoked soon');
    const kept = await first.createApiKey('viewer', 'kept');
    const sockets = [follow(first.wsUrl, revoked), follow(second.wsUrl, revoked)];
    const bystander = follow(second.wsUrl, kept);
    // Each subscription is live once it sees a job change.
    const warmUp = await first.app.jobs.enqueue(noop, {});
    await waitFor(
      () => [...sockets, bystander].every(({ received }) => received.includes(warmUp._id)),
      10_000,
      'subscriptions',
    );

    const { keyId } = (await findPrincipalByKey(first.app.db, revoked))!;
    const revokedAt = Date.now();
    const answer = await graphql(
      first.url,
      'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
      { id: keyId },
      { key: admin },
    );
    expect(answer.errors).toBeUndefined();
    // The issue asks for a second; a loaded 2-core machine gets a margin.
    await waitFor(
      () => sockets.every(({ closed }) => closed !== undefined),
      3000,
      "the revoked key's sockets to close",
    );
    for (const { closed } of sockets) {
      expect(closed).toMatchObject({ code: 4403, reason: expect.stringMatching(/revoked/i) });
      expect(closed!.at - revokedAt).toBeLessThan(3000);
    }

    const later = await first.app.jobs.enqueue(noop, {});
    await waitFor(() => bystander.received.includes(later._id), 10_000, "the other key's socket to go on");
    expect(bystander.closed).toBeUndefined();
    for (const { received } of sockets) expect(received).not.toContain(later._id);
    for (const { client } of [...sockets, bystander]) await client!.dispose();
  });
});

describe('following revocations', () => {
  it("opens a failed change stream again and asks for the open sockets' keys to be checked", async () => {
    // A store whose change streams can be made to fail, as a MongoDB stream does on a lost primary.
    const streams: Array<EventEmitter & { close(): Promise<void> }> = [];
    const db = {
      collection: () => ({
        watch: () => {
          const stream = Object.assign(new EventEmitter(), { close: async () => undefined });
          streams.push(stream);
          return stream;
        },
      }),
    } as unknown as Db;
    const events: string[] = [];
    const revocations = watchKeyRevocations(db, {
      onRevoked: (keyId) => events.push(`revoked ${keyId}`),
      onReopened: () => events.push('reopened'),
      onError: (error) => events.push(`error ${error.message}`),
    });
    streams[0]!.emit('change', {
      operationType: 'update',
      documentKey: { _id: 'k1' },
      updateDescription: { updatedFields: { name: 'x' } },
    });
    streams[0]!.emit('change', {
      operationType: 'update',
      documentKey: { _id: 'k1' },
      updateDescription: { updatedFields: { revokedAt: new Date() } },
    });
    streams[0]!.emit('error', new Error('primary stepped down'));
    await waitFor(() => streams.length === 2, 3000, 'the stream to open again');
    streams[1]!.emit('change', { operationType: 'delete', documentKey: { _id: 'k2' } });
    expect(events).toEqual(['revoked k1', 'error primary stepped down', 'reopened', 'revoked k2']);
    await revocations.close();
  });
});

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { z } from 'zod';
import type { Store } from '../../src/datasources/store';
import type { JobType } from '../../src/jobs';
import { watchJobs } from '../../src/jobs/jobChanges';
import { JobStore } from '../../src/jobs/jobStore';
import type { JobRecord } from '../../src/jobs/jobType';
import { startTestServer, type TestServer } from '../support/server';
import { openTestStore } from '../support/store';
import { waitFor } from './support';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function queuedJob(id: string): JobRecord {
  return {
    _id: id,
    type: 'test-steps',
    params: {},
    status: 'QUEUED',
    progress: { fraction: 0 },
    stats: {},
    attempts: 0,
    maxAttempts: 3,
    trigger: 'MANUAL',
    createdAt: new Date(),
  };
}

/** Reads what a watcher delivers until `quietMs` pass without a new state. */
async function collect(changes: AsyncIterableIterator<JobRecord>, quietMs: number): Promise<JobRecord[]> {
  const seen: JobRecord[] = [];
  for (;;) {
    const next = await Promise.race([changes.next(), sleep(quietMs).then(() => null)]);
    if (!next || next.done) break;
    seen.push(next.value);
  }
  await changes.return!();
  return seen;
}

describe('job change events', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('delivers two updates written in the same turn once, not the final state twice', async () => {
    const jobs = new JobStore(store.db);
    await jobs.collection.insertOne(queuedJob('same-turn'));
    const changes = watchJobs(jobs.collection, { id: 'same-turn' });
    await Promise.all([
      jobs.collection.updateOne({ _id: 'same-turn' }, { $set: { status: 'RUNNING', runId: 'r1' } }),
      jobs.collection.updateOne({ _id: 'same-turn' }, { $set: { progress: { fraction: 0.5 } } }),
    ]);
    const seen = await collect(changes, 300);
    expect(seen.map((job) => [job.status, job.progress.fraction])).toEqual([['RUNNING', 0.5]]);
  });

  it('does not deliver a write that changes nothing a subscriber sees (a heartbeat)', async () => {
    const jobs = new JobStore(store.db);
    await jobs.collection.insertOne({ ...queuedJob('beating'), status: 'RUNNING', runId: 'r1' });
    const changes = watchJobs(jobs.collection, { id: 'beating' });
    await jobs.heartbeat('beating', 'r1');
    await sleep(50);
    await jobs.heartbeat('beating', 'r1');
    await sleep(50);
    await jobs.progress('beating', 'r1', 0.5, 'half');
    const seen = await collect(changes, 300);
    expect(seen.map((job) => job.progress)).toEqual([{ fraction: 0.5, message: 'half' }]);
  });
});

interface JobView {
  status: string;
  attempts: number;
  progress: { fraction: number; message: string | null };
  stats: Record<string, number>;
}

describe('jobUpdated over graphql-ws', () => {
  let server: TestServer;
  let viewer: string;
  const steps: JobType<Record<string, never>, string> = {
    name: 'test-steps',
    params: z.object({}),
    async perform(_params, ctx) {
      await ctx.progress(0.25, 'first');
      // Long enough for the runner's heartbeats (every 333 ms with a 1 s visibility) to write.
      await sleep(900);
      await ctx.progress(0.5, 'second');
      await ctx.setStats({ rows: 10 });
      await ctx.progress(0.75, 'third');
      return 'done';
    },
  };

  beforeAll(async () => {
    server = await startTestServer({
      JOB_VISIBILITY_TIMEOUT_SECONDS: '1',
      JOB_POLL_WAIT_SECONDS: '1',
      QUEUE_POLL_INTERVAL_MS: '50',
    });
    server.app.jobs.register(steps);
    viewer = await server.createApiKey('viewer');
  });
  afterAll(() => server.stop());

  function subscribe(client: Client, id: string, seen: JobView[]): () => void {
    return client.subscribe<{ jobUpdated: JobView }>(
      {
        query: 'subscription($id: ID!) { jobUpdated(id: $id) { status attempts progress { fraction message } stats } }',
        variables: { id },
      },
      { next: ({ data }) => void seen.push(data!.jobUpdated), error: () => undefined, complete: () => undefined },
    );
  }

  it('gives every subscriber each state once, in order', async () => {
    const job = await server.app.jobs.enqueue(steps, {}, { delaySeconds: 1 });
    const clients = [0, 1].map(() =>
      createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${viewer}` },
      }),
    );
    const seen: JobView[][] = [[], []];
    const unsubscribes = clients.map((client, i) => subscribe(client, job._id, seen[i]!));
    await waitFor(
      async () => seen.every((states) => states.some((state) => state.status === 'SUCCEEDED')),
      15_000,
      'SUCCEEDED on both',
    );
    // Whatever arrives late is a duplicate of the final state.
    await sleep(500);
    for (const unsubscribe of unsubscribes) unsubscribe();
    for (const client of clients) await client.dispose();

    for (const states of seen) {
      const texts = states.map((state) => JSON.stringify(state));
      expect(texts.filter((text, i) => text === texts[i - 1])).toEqual([]);
      expect(states.filter((state) => state.status === 'SUCCEEDED')).toHaveLength(1);
      expect(states.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: { fraction: 1 }, stats: { rows: 10 } });
      const fractions = states.map((state) => state.progress.fraction);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    }
  });
});

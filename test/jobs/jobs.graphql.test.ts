import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { z } from 'zod';
import type { JobType } from '../../src/jobs';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { waitFor } from './support';

interface JobView {
  id: string;
  type: string;
  status: string;
  attempts: number;
  params: unknown;
  result: unknown;
  progress: { fraction: number; message: string | null };
  error: { message: string; code: string } | null;
}
const JOB_FIELDS = 'id type status attempts params result progress { fraction message } error { message code }';

describe('jobs over GraphQL', () => {
  let server: TestServer;
  let viewer: string;
  let operator: string;
  let failing = true;
  const double: JobType<{ n: number }, number> = {
    name: 'test-double',
    params: z.object({ n: z.number().int() }),
    async perform({ n }, ctx) {
      await ctx.progress(0.5, 'halfway');
      return n * 2;
    },
  };
  const brittle: JobType<Record<string, never>, string> = {
    name: 'test-brittle',
    params: z.object({}),
    options: { attempts: 1 },
    async perform() {
      if (failing) throw new Error('the partner API is down');
      return 'recovered';
    },
  };
  const query = <R>(document: string, variables: Record<string, unknown> = {}, key = viewer) =>
    graphql<R>(server.url, document, variables, { key });
  const jobById = async (id: string) =>
    (await query<{ job: JobView }>(`query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id })).data!.job;

  beforeAll(async () => {
    server = await startTestServer({
      JOB_VISIBILITY_TIMEOUT_SECONDS: '1',
      JOB_POLL_WAIT_SECONDS: '1',
      QUEUE_POLL_INTERVAL_MS: '50',
    });
    server.app.jobs.register(double);
    server.app.jobs.register(brittle);
    viewer = await server.createApiKey('viewer');
    operator = await server.createApiKey('operator');
  });
  afterAll(() => server.stop());

  it('reads a job and lists jobs newest first, filtered and paginated', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await server.app.jobs.enqueue(double, { n }))._id);
    await waitFor(async () => (await jobById(ids[2])).status === 'SUCCEEDED');
    expect(await jobById(ids[2])).toMatchObject({
      type: 'test-double',
      params: { n: 3 },
      result: 6,
      progress: { fraction: 1 },
      error: null,
    });
    const page = await query<{
      jobs: { edges: { node: JobView }[]; pageInfo: { hasNextPage: boolean; endCursor: string }; totalCount: number };
    }>(
      `query { jobs(filter: { type: "test-double" }, first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
    );
    expect(page.data!.jobs.totalCount).toBe(3);
    expect(page.data!.jobs.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
    const next = await query<{ jobs: { edges: { node: JobView }[] } }>(
      `query($after: String) { jobs(filter: { type: "test-double" }, first: 2, after: $after) { edges { node { id } } } }`,
      { after: page.data!.jobs.pageInfo.endCursor },
    );
    expect(next.data!.jobs.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    const none = await query<{ jobs: { totalCount: number } }>(
      `query { jobs(filter: { type: "test-double", status: FAILED }) { totalCount } }`,
    );
    expect(none.data!.jobs.totalCount).toBe(0);
  });

  it('answers bad arguments with BAD_USER_INPUT naming the field', async () => {
    const tooMany = await query(`query { jobs(first: 1000) { totalCount } }`);
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const badQueue = await query(`query { deadLetters(queue: "no such queue!") { queue } }`, {}, operator);
    expect(badQueue.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'queue' });
    const unknownQueue = await query(`query { deadLetters(queue: "never-made") { queue } }`, {}, operator);
    expect(unknownQueue.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('lets operators, not viewers, cancel and retry; a failed job dead-letters and redrives', async () => {
    failing = true;
    const failed = await server.app.jobs.enqueue(brittle, {});
    await waitFor(async () => (await jobById(failed._id)).status === 'FAILED');
    expect((await jobById(failed._id)).error).toEqual({ message: 'the partner API is down', code: 'JOB_FAILED' });

    const denied = await query(`mutation($id: ID!) { retryJob(id: $id) { id } }`, { id: failed._id });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const dead = await query<{ deadLetters: { stats: { deadLettered: number }; messages: { jobId: string }[] } }>(
      `query { deadLetters(queue: "jobs", first: 10) { stats { deadLettered } messages { jobId } } }`,
      {},
      operator,
    );
    expect(dead.data!.deadLetters.messages.map((m) => m.jobId)).toContain(failed._id);

    failing = false;
    const redriven = await query<{ redriveDeadLetters: number }>(
      `mutation { redriveDeadLetters(queue: "jobs") }`,
      {},
      operator,
    );
    expect(redriven.data!.redriveDeadLetters).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await jobById(failed._id)).status === 'SUCCEEDED');

    const again = await query<{ retryJob: JobView }>(
      `mutation($id: ID!) { retryJob(id: $id) { ${JOB_FIELDS} } }`,
      { id: failed._id },
      operator,
    );
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    const later = await server.app.jobs.enqueue(double, { n: 5 }, { delaySeconds: 60 });
    const cancelled = await query<{ cancelJob: JobView }>(
      `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`,
      { id: later._id },
      operator,
    );
    expect(cancelled.data!.cancelJob.status).toBe('CANCELLED');
    const retried = await query<{ retryJob: JobView }>(
      `mutation($id: ID!) { retryJob(id: $id) { ${JOB_FIELDS} } }`,
      { id: later._id },
      operator,
    );
    expect(retried.data!.retryJob).toMatchObject({ status: 'QUEUED', attempts: 0 });
  });

  it('lists the schedules with their cron, next run, and whether they fire', async () => {
    const result = await query<{
      schedules: {
        name: string;
        cron: string;
        defaultCron: string;
        enabled: boolean;
        registered: boolean;
        note: string | null;
        nextRunAt: string | null;
        lastJob: { id: string } | null;
      }[];
    }>(`query { schedules { name cron defaultCron enabled registered note nextRunAt lastTickAt lastJob { id } } }`);
    const byName = new Map(result.data!.schedules.map((s) => [s.name, s]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining([
        'TRACKING_SYNC',
        'CLICKS_LOAD',
        'FAN_STATS',
        'SLACK_STATS',
        'WAVE_SCHEDULER',
        'AVRO_MERGE_DAILY',
        'AVRO_MERGE_MONTHLY',
      ]),
    );
    expect(byName.get('AVRO_MERGE_MONTHLY')).toMatchObject({ cron: '0 9 2 * *', lastJob: null });
    // Off by default: on with CRON_STORE_BACKUP.
    expect(byName.get('STORE_BACKUP')).toMatchObject({
      cron: null,
      defaultCron: '0 3 * * *',
      enabled: false,
      nextRunAt: null,
      note: 'Off until CRON_STORE_BACKUP is set (on, or a cron expression)',
    });
    for (const schedule of byName.values()) {
      if (!schedule.enabled) continue;
      if (schedule.registered) expect(schedule.nextRunAt).not.toBeNull();
      else expect(schedule.note).toMatch(/no job type/);
    }
  });

  it("streams a job's changes to a jobUpdated subscriber until it succeeds", async () => {
    const queued = await server.app.jobs.enqueue(double, { n: 21 }, { delaySeconds: 1 });
    const client: Client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${viewer}` },
    });
    const seen: JobView[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const unsubscribe = client.subscribe<{ jobUpdated: JobView }>(
        { query: `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`, variables: { id: queued._id } },
        {
          next: ({ data, errors }) => {
            if (errors) reject(new Error(errors[0].message));
            seen.push(data!.jobUpdated);
            if (data!.jobUpdated.status === 'SUCCEEDED') {
              unsubscribe();
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await done;
    await client.dispose();
    expect(seen.map((job) => job.status)).toEqual(expect.arrayContaining(['RUNNING', 'SUCCEEDED']));
    expect(seen.every((job) => job.id === queued._id)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ result: 42, progress: { fraction: 1 } });
  });

  it('streams the changes of one job type to a jobsUpdated subscriber', async () => {
    const client: Client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${viewer}` },
    });
    const types = new Set<string>();
    const succeeded = new Set<string>();
    let unsubscribe = () => undefined as void;
    const done = new Promise<void>((resolve, reject) => {
      unsubscribe = client.subscribe<{ jobsUpdated: JobView }>(
        { query: `subscription { jobsUpdated(type: "test-double") { ${JOB_FIELDS} } }` },
        {
          next: ({ data }) => {
            types.add(data!.jobsUpdated.type);
            if (data!.jobsUpdated.status === 'SUCCEEDED') succeeded.add(data!.jobsUpdated.id);
            if (succeeded.size === 2) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    // Subscribed before the jobs exist: the first change events must not be missed.
    await new Promise((resolve) => setTimeout(resolve, 300));
    failing = false;
    await server.app.jobs.enqueue(brittle, {});
    await server.app.jobs.enqueue(double, { n: 1 });
    await server.app.jobs.enqueue(double, { n: 2 });
    await done;
    unsubscribe();
    await client.dispose();
    expect([...types]).toEqual(['test-double']);
  });
});

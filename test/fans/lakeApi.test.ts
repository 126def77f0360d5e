import type { JobRecord } from '../../src/jobs/jobType';
import { fansFeature } from '../../src/features/fans';
import { parseLakePrefix, previousPeriod } from '../../src/services/fans/lake/lakePrefix';
import { FAN_CAMPAIGNS, type FanCampaignDoc } from '../../src/services/fans/model';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { waitFor } from '../jobs/support';
import { registrations, writeLoose } from './lakeSupport';

const MERGE = `mutation ($recordType: String!, $period: LakeMergePeriod, $prefix: String) {
  mergeLake(recordType: $recordType, period: $period, prefix: $prefix) { id type status params }
}`;
const FILES = `query ($recordType: String!, $prefix: String, $first: Int, $after: String) {
  lakeFiles(recordType: $recordType, prefix: $prefix, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { key recordType state size records lastModified mergeId } }
  }
}`;

describe('mergeLake, the avro-merge jobs and lakeFiles', () => {
  let server: TestServer;
  let operator: string;
  let viewer: string;
  beforeAll(async () => {
    server = await startTestServer({ JOB_POLL_WAIT_SECONDS: '1' });
    operator = await server.createApiKey('operator');
    viewer = await server.createApiKey('viewer');
  });
  afterAll(() => server.stop());

  const finished = (id: string) =>
    waitFor(
      async () => {
        const job = await server.app.jobs.get(id);
        return job && ['SUCCEEDED', 'FAILED'].includes(job.status) ? job : null;
      },
      15_000,
      `job ${id}`,
    );

  /** The merge job and the move job its queue message started, both run to the end. */
  async function mergeThroughJobs(job: JobRecord) {
    const merged = await finished(job._id);
    expect(merged.status).toBe('SUCCEEDED');
    const outcomes = (merged.result as { merges: { mergeId: string | null; moveJobId: string | null }[] }).merges;
    for (const { moveJobId } of outcomes) {
      if (moveJobId) expect((await finished(moveJobId)).status).toBe('SUCCEEDED');
    }
    return outcomes;
  }

  test('an operator merges a day; viewers page through its live and archived files', async () => {
    const { objects } = server.app.ports;
    await writeLoose(objects, '2025/02/10', 'batch-1', registrations('2025/02/10', 4, 0));
    await writeLoose(objects, '2025/02/10', 'batch-2', registrations('2025/02/10', 3, 10));

    const answer = await graphql<{ mergeLake: { id: string; type: string; params: unknown } }>(
      server.url,
      MERGE,
      { recordType: 'registration', prefix: '2025/02/10' },
      { key: operator },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.mergeLake).toMatchObject({
      type: 'avro-merge',
      params: { recordType: 'registration', prefix: '2025/02/10' },
    });
    const [outcome] = await mergeThroughJobs((await server.app.jobs.get(answer.data!.mergeLake.id))!);
    expect(outcome).toMatchObject({ inputs: 2, records: 7 });

    const nodes: { key: string; state: string; records: number | null }[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const files: any = await graphql(
        server.url,
        FILES,
        { recordType: 'registration', prefix: '2025/02', first: 2, after },
        { key: viewer },
      );
      expect(files.errors).toBeUndefined();
      expect(files.data.lakeFiles.totalCount).toBe(3);
      nodes.push(...files.data.lakeFiles.edges.map((edge: any) => edge.node));
      if (!files.data.lakeFiles.pageInfo.hasNextPage) break;
      after = files.data.lakeFiles.pageInfo.endCursor;
    }
    const mergeId = outcome!.mergeId;
    expect(nodes.map(({ key, state, records }) => ({ key, state, records }))).toEqual([
      { key: 'avro/archived/registration/2025/02/10/batch-1.avro', state: 'ARCHIVED', records: 4 },
      { key: 'avro/archived/registration/2025/02/10/batch-2.avro', state: 'ARCHIVED', records: 3 },
      { key: `avro/registration/2025/02/10/merged-${mergeId}.avro`, state: 'MERGED', records: 7 },
    ]);
  });

  test('the daily schedule merges the UTC day before the job, for each FAN_LAKE_MERGE_TYPES type', async () => {
    const yesterday = previousPeriod('DAY', new Date()).prefix;
    await writeLoose(server.app.ports.objects, yesterday, 'batch-1', registrations(yesterday, 5, 0));
    const job = await server.app.jobs.enqueue('avro-merge', { type: 'daily' }, { trigger: 'SCHEDULE' });
    const [outcome] = await mergeThroughJobs(job);
    expect(outcome).toMatchObject({ recordType: 'registration', prefix: yesterday, records: 5 });
    const verification = await server
      .servicesOf(fansFeature)
      .lakeMerge.verify('registration', previousPeriod('DAY', new Date()));
    expect(verification).toMatchObject({ live: { mergedRecords: 5 }, archived: { records: 5 }, lakeAgrees: true });
  });

  test("the lake writer's files of a day merge and verify against the entries the registrations made", async () => {
    const services = server.servicesOf(fansFeature);
    const now = new Date();
    await server.app.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).insertOne({
      _id: 'lake-e2e',
      name: 'Lake',
      artist: 'The Testers',
      status: 'OPEN',
      scoringType: 'LINEAR',
      registrationOpensAt: null,
      registrationClosesAt: null,
      markets: [
        {
          id: 'm1',
          name: 'NYC',
          city: 'NYC',
          country: 'US',
          timeZone: 'UTC',
          registrationLimit: null,
          selectionLimit: null,
        },
      ],
      createdAt: now,
      updatedAt: now,
    });
    const day = '2025/01/20';
    const records = registrations(day, 30, 0, 'lake-e2e');
    const batches = [records.slice(0, 10), records.slice(10, 25), records.slice(25)];
    // one lake file per flush, and a fan registering again in the last one
    for (const batch of [...batches, records.slice(0, 2).map((r) => ({ ...r, registeredAt: r.registeredAt + 5000 }))]) {
      const outcomes = await services.registrations.handle(
        batch.map((record) => ({ type: 'registration', ...record })),
      );
      expect(outcomes.filter((outcome) => !outcome.accepted)).toEqual([]);
      await services.lake.flush('registration');
    }
    expect((await server.app.ports.objects.list(`avro/registration/${day}/`)).length).toBe(4);

    const period = parseLakePrefix(day);
    const outcome = await services.lakeMerge.mergePrefix('registration', period);
    await services.lakeMerge.complete(outcome.mergeId!);
    const verification = await services.lakeMerge.verify('registration', period);
    expect(verification).toMatchObject({
      live: { mergedFiles: 1, looseFiles: 0, records: 32 },
      archived: { files: 4, records: 32 },
      store: { records: 30, lake: { matching: 30, others: 2, withoutEntry: 0 } },
      agrees: true,
    });
  });

  test('bad requests are coded errors; viewers cannot merge', async () => {
    const ask = (variables: Record<string, unknown>, key = operator) => graphql(server.url, MERGE, variables, { key });
    const codeOf = async (variables: Record<string, unknown>, key?: string) =>
      (await ask(variables, key)).errors?.[0]?.extensions?.code;
    expect(await codeOf({ recordType: 'registration' })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ recordType: 'registration', period: 'DAILY', prefix: '2025/02' })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ recordType: 'clicks', prefix: '2025/02' })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ recordType: 'registration', prefix: '2025/02/30' })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ recordType: 'registration', prefix: '2025/02' }, viewer)).toBe('FORBIDDEN');
    const files = await graphql(server.url, FILES, { recordType: 'registration', first: 500 }, { key: viewer });
    expect(files.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const monthly = await ask({ recordType: 'registration', period: 'MONTHLY' });
    expect((monthly.data as any).mergeLake.params).toEqual({
      recordType: 'registration',
      prefix: previousPeriod('MONTH', new Date()).prefix,
    });
  });
});

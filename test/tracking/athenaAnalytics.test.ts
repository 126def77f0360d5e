import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryResultsOutput,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaAnalytics } from '../../src/datasources/analytics/athena/athena';
import { athenaParam } from '../../src/datasources/analytics/athena/athenaValues';
import type { AnalyticsRow } from '../../src/datasources/analytics/port';
import { dailyAggregatesQuery } from '../../src/services/tracking/trackingQuery';

const athena = mockClient(AthenaClient);

function engine(overrides: Partial<ConstructorParameters<typeof AthenaAnalytics>[0]> = {}) {
  return new AthenaAnalytics({
    client: new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    database: 'ad_tracking',
    workgroup: 'primary',
    outputLocation: 's3://results/query-results/',
    queryTimeoutMs: 200,
    pollIntervalMs: 1,
    maxPollIntervalMs: 4,
    maxAttempts: 3,
    retryBackoffMs: 1,
    pageSize: 2,
    ...overrides,
  });
}

async function collect(rows: AsyncIterable<AnalyticsRow>): Promise<AnalyticsRow[]> {
  const all: AnalyticsRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

const columns = [
  { Name: 'report_date', Type: 'varchar' },
  { Name: 'creative_id', Type: 'varchar' },
  { Name: 'impressions', Type: 'bigint' },
  { Name: 'ratio', Type: 'double' },
  { Name: 'live', Type: 'boolean' },
];
const cells = (...values: (string | undefined)[]) => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});
const page = (rows: ReturnType<typeof cells>[], nextToken?: string): GetQueryResultsOutput => ({
  ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: rows },
  NextToken: nextToken,
});

beforeEach(() => athena.reset());

describe('Athena analytics engine', () => {
  test('starts with database, workgroup, output and quoted parameters, polls, then pages results by NextToken', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: undefined })
      .resolves(
        page(
          [
            cells('report_date', 'creative_id', 'impressions', 'ratio', 'live'),
            cells('2025-12-10', 'cr_a_1', '12', '0.5', 'true'),
          ],
          't2',
        ),
      )
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: 't2' })
      .resolves(
        page(
          [
            cells('2025-12-10', 'cr_b_1', '9007199254740993', undefined, 'false'),
            cells('2025-12-11', undefined, '3', '1', 'true'),
          ],
          't3',
        ),
      )
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: 't3' })
      .resolves(page([cells('2025-12-11', 'cr_c_1', '0', '2.25', 'false')]));

    const { sql, params } = dailyAggregatesQuery({ start: '2025-12-10', end: '2025-12-11' }, 'chireader');
    const rows = await collect(engine().query(sql, params));

    expect(rows).toEqual([
      { report_date: '2025-12-10', creative_id: 'cr_a_1', impressions: 12, ratio: 0.5, live: true },
      { report_date: '2025-12-10', creative_id: 'cr_b_1', impressions: '9007199254740993', ratio: null, live: false },
      { report_date: '2025-12-11', creative_id: null, impressions: 3, ratio: 1, live: true },
      { report_date: '2025-12-11', creative_id: 'cr_c_1', impressions: 0, ratio: 2.25, live: false },
    ]);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    expect(start).toMatchObject({
      QueryString: sql,
      QueryExecutionContext: { Database: 'ad_tracking' },
      WorkGroup: 'primary',
      ResultConfiguration: { OutputLocation: 's3://results/query-results/' },
      ExecutionParameters: ["'2025-12-10'", "'2025-12-11'", "'chireader'"],
    });
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(3);
  });

  test('a FAILED query throws with its reason and is not retried', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'FAILED', StateChangeReason: 'SYNTAX_ERROR: line 1:8', AthenaError: { Retryable: false } },
      },
    });
    await expect(collect(engine().query('SELECT 1'))).rejects.toMatchObject({
      name: 'AnalyticsQueryError',
      message: expect.stringContaining('SYNTAX_ERROR'),
    });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  test('a CANCELLED query throws and is not retried', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'CANCELLED', StateChangeReason: 'user' } } });
    await expect(collect(engine().query('SELECT 1'))).rejects.toThrow(/cancelled/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  test('a retryable failure is retried and can then succeed', async () => {
    athena.on(StartQueryExecutionCommand).resolvesOnce({ QueryExecutionId: 'q1' }).resolves({ QueryExecutionId: 'q2' });
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q1' })
      .resolves({
        QueryExecution: {
          Status: { State: 'FAILED', StateChangeReason: 'throttled', AthenaError: { Retryable: true } },
        },
      })
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q2' })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand)
      .resolves(page([cells('report_date', 'creative_id', 'impressions', 'ratio', 'live')]));
    expect(await collect(engine().query('SELECT 1'))).toEqual([]);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
  });

  test('a query past its timeout is stopped and retried, 3 attempts at most, with growing waits', async () => {
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(async () => ({ QueryExecutionId: `q${++n}` }));
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const warnings: Record<string, unknown>[] = [];
    const logger = { warn: (fields: Record<string, unknown>) => warnings.push(fields) } as never;
    const slow = engine({ queryTimeoutMs: 30, retryBackoffMs: 5, pollIntervalMs: 2, maxPollIntervalMs: 8, logger });
    await expect(collect(slow.query('SELECT 1'))).rejects.toThrow(/after 3 attempts/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input.QueryExecutionId)).toEqual([
      'q1',
      'q2',
      'q3',
    ]);
    expect(warnings.map((w) => [w.attempt, w.delayMs])).toEqual([
      [1, 5],
      [2, 10],
    ]);
  });

  test('aborting (job cancelled) stops the running query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const controller = new AbortController();
    const rows = collect(
      engine({ queryTimeoutMs: 60_000, pollIntervalMs: 5 }).query('SELECT 1', [], { signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 30);
    await expect(rows).rejects.toThrow();
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input.QueryExecutionId)).toEqual(['q1']);
  });

  test.each([
    ['chireader', "'chireader'"],
    ["o'hare", "'o''hare'"],
    [42, '42'],
    [true, 'TRUE'],
    [null, 'NULL'],
  ])('athenaParam(%j) = %s', (value, expected) => expect(athenaParam(value)).toBe(expected));
});

import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type ColumnInfo,
} from '@aws-sdk/client-athena';
import type { Logger } from '../../../logger';
import { athenaParam, athenaRow } from './athenaValues';
import {
  abortError,
  AnalyticsQueryError,
  type AnalyticsPort,
  type AnalyticsQueryOptions,
  type AnalyticsRow,
  type SqlParam,
} from '../port';

export interface AthenaAnalyticsOptions {
  client: AthenaClient;
  database: string;
  workgroup: string;
  /** s3:// location for results; optional when the workgroup enforces its own. */
  outputLocation?: string;
  /** One attempt's limit; a query still running then is stopped and retried. */
  queryTimeoutMs: number;
  /** First wait between GetQueryExecution polls; doubles up to maxPollIntervalMs. */
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  /** Attempts in all, for timeouts and failures Athena marks retryable (the seed: 3). */
  maxAttempts: number;
  /** Wait before the second attempt; doubles after each. */
  retryBackoffMs: number;
  pageSize?: number;
  logger?: Logger;
}

type Outcome = { done: true } | { done: false; reason: string };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Athena through the AWS SDK: start, poll with backoff until a final state, then page the
 * results by NextToken. A query that outlives its timeout is stopped and retried with
 * exponential backoff; a cancelled job stops its query too, so nothing runs on unpaid.
 */
export class AthenaAnalytics implements AnalyticsPort {
  readonly engine = 'athena' as const;

  constructor(private readonly options: AthenaAnalyticsOptions) {}

  async *query(
    sql: string,
    params: readonly SqlParam[] = [],
    options: AnalyticsQueryOptions = {},
  ): AsyncIterable<AnalyticsRow> {
    const queryExecutionId = await this.runToCompletion(sql, params, options.signal);
    yield* this.readResults(queryExecutionId, options.signal);
  }

  private async runToCompletion(sql: string, params: readonly SqlParam[], signal?: AbortSignal): Promise<string> {
    const { maxAttempts, retryBackoffMs, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      const queryExecutionId = await this.start(sql, params, signal);
      const outcome = await this.waitForQuery(queryExecutionId, signal);
      if (outcome.done) return queryExecutionId;
      if (attempt >= maxAttempts) {
        throw new AnalyticsQueryError(`Athena query gave up after ${attempt} attempts: ${outcome.reason}`, {
          queryExecutionId,
          retryable: true,
        });
      }
      const delay = retryBackoffMs * 2 ** (attempt - 1);
      logger?.warn({ queryExecutionId, attempt, delayMs: delay, reason: outcome.reason }, 'Athena query retried');
      await sleep(delay, signal);
    }
  }

  private async start(sql: string, params: readonly SqlParam[], signal?: AbortSignal): Promise<string> {
    const { client, database, workgroup, outputLocation } = this.options;
    const started = await client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        QueryExecutionContext: { Database: database },
        WorkGroup: workgroup,
        ResultConfiguration: outputLocation ? { OutputLocation: outputLocation } : undefined,
        ExecutionParameters: params.length > 0 ? params.map(athenaParam) : undefined,
      }),
      { abortSignal: signal },
    );
    if (!started.QueryExecutionId) throw new AnalyticsQueryError('Athena returned no QueryExecutionId');
    return started.QueryExecutionId;
  }

  /** Polls until SUCCEEDED (done), a timeout or retryable failure (not done), or throws. */
  private async waitForQuery(queryExecutionId: string, signal?: AbortSignal): Promise<Outcome> {
    const { client, queryTimeoutMs, pollIntervalMs, maxPollIntervalMs } = this.options;
    const deadline = Date.now() + queryTimeoutMs;
    let delay = pollIntervalMs;
    try {
      for (;;) {
        const { QueryExecution } = await client.send(
          new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }),
          {
            abortSignal: signal,
          },
        );
        const status = QueryExecution?.Status;
        const state = status?.State;
        if (state === 'SUCCEEDED') return { done: true };
        if (state === 'FAILED') {
          const reason = status?.StateChangeReason ?? 'no reason given';
          if (status?.AthenaError?.Retryable) return { done: false, reason };
          throw new AnalyticsQueryError(`Athena query failed: ${reason}`, { queryExecutionId, state });
        }
        if (state === 'CANCELLED') {
          throw new AnalyticsQueryError(`Athena query was cancelled: ${status?.StateChangeReason ?? 'stopped'}`, {
            queryExecutionId,
            state,
          });
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          await this.stop(queryExecutionId);
          return { done: false, reason: `still ${state ?? 'unknown'} after ${queryTimeoutMs} ms` };
        }
        await sleep(Math.min(delay, remaining), signal);
        delay = Math.min(delay * 2, maxPollIntervalMs);
      }
    } catch (error) {
      if (signal?.aborted) {
        await this.stop(queryExecutionId);
        throw abortError(signal);
      }
      throw error;
    }
  }

  /** Best effort: a failed stop is logged, the caller's own error matters more. */
  private async stop(queryExecutionId: string): Promise<void> {
    try {
      await this.options.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
    } catch (error) {
      this.options.logger?.warn({ queryExecutionId, err: error }, 'Athena StopQueryExecution failed');
    }
  }

  private async *readResults(queryExecutionId: string, signal?: AbortSignal): AsyncIterable<AnalyticsRow> {
    let nextToken: string | undefined;
    let columns: ColumnInfo[] | undefined;
    let firstPage = true;
    do {
      const page = await this.options.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryExecutionId,
          NextToken: nextToken,
          MaxResults: this.options.pageSize ?? 1000,
        }),
        { abortSignal: signal },
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo;
      if (!columns)
        throw new AnalyticsQueryError('Athena returned results without column metadata', { queryExecutionId });
      const rows = page.ResultSet?.Rows ?? [];
      // The first row of the first page repeats the column names.
      for (const row of firstPage ? rows.slice(1) : rows) yield athenaRow(row, columns);
      firstPage = false;
      nextToken = page.NextToken;
    } while (nextToken);
  }

  async close(): Promise<void> {
    this.options.client.destroy();
  }
}

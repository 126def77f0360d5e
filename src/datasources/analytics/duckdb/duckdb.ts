import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBTypeId, Json } from '@duckdb/node-api';
import type { Logger } from '../../../logger';
import { AGGREGATE_VIEWS_SQL, COMPATIBILITY_MACROS_SQL, emptyLinesSql, rawLinesSql } from './cloudFrontLogs';
import { gzipProblem, logFilesUnder, moveAside } from './logFiles';
import {
  abortError,
  AnalyticsQueryError,
  type AnalyticsPort,
  type AnalyticsQueryOptions,
  type AnalyticsRow,
  type AnalyticsValue,
  type QuarantinedFile,
  type SqlParam,
} from '../port';

const NUMERIC_TYPE_NAMES = [
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
  'FLOAT',
  'DOUBLE',
  'DECIMAL',
] as const;

/** A JSON-converted DuckDB value as the port's value: numbers as numbers while exact. */
function toAnalyticsValue(value: Json, numeric: boolean): AnalyticsValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (!numeric) return value;
    const number = Number(value);
    return Number.isSafeInteger(number) || !/^-?\d+$/.test(value) ? number : value;
  }
  return JSON.stringify(value);
}

export interface DuckDbAnalyticsOptions {
  logsDir: string;
  logger?: Logger;
  /** DuckDB worker threads; the service shares its cores, so one by default. */
  threads?: number;
}

interface Engine {
  instance: DuckDBInstance;
  setup: DuckDBConnection;
  numericTypes: ReadonlySet<DuckDBTypeId>;
}

/**
 * The embedded analytics engine: DuckDB in memory, with ad_tracking.daily_aggregates as views
 * over the gzipped CloudFront logs under `logsDir` (read again by every query, so new files
 * count at once). A missing or empty directory gives zero rows rather than DuckDB's
 * "no files found" error.
 */
export class DuckDbAnalytics implements AnalyticsPort {
  readonly engine = 'duckdb' as const;
  private readonly logsDir: string;
  private opening: Promise<Engine> | null = null;
  /** Files found readable, with the size and time they had then: logs are written once, so checked once. */
  private readonly readable = new Map<string, string>();
  private viewOverFiles: boolean | null = null;
  private refreshing: Promise<void> = Promise.resolve();

  /** Opens DuckDB on the first query, so building the port costs nothing at start-up. */
  constructor(private readonly options: DuckDbAnalyticsOptions) {
    this.logsDir = path.resolve(options.logsDir);
  }

  private open(): Promise<Engine> {
    this.opening ??= (async () => {
      // Loaded on first use: an Athena deployment (the Lambda) never loads DuckDB's binary.
      const duckdb = await import('@duckdb/node-api');
      const numericTypes = new Set(NUMERIC_TYPE_NAMES.map((name) => duckdb.DuckDBTypeId[name]));
      const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: String(this.options.threads ?? 1) });
      const setup = await instance.connect();
      await setup.run('CREATE SCHEMA IF NOT EXISTS ad_tracking');
      for (const statement of COMPATIBILITY_MACROS_SQL) await setup.run(statement);
      await setup.run(`CREATE OR REPLACE VIEW ad_tracking.log_lines AS ${emptyLinesSql()}`);
      this.viewOverFiles = false;
      for (const statement of AGGREGATE_VIEWS_SQL) await setup.run(statement);
      return { instance, setup, numericTypes };
    })();
    return this.opening;
  }

  /** Points ad_tracking.log_lines at the files, or at no rows while there are none. */
  private refreshLogView(setup: DuckDBConnection): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      const hasFiles = (await logFilesUnder(this.logsDir)).length > 0;
      if (hasFiles === this.viewOverFiles) return;
      const source = hasFiles ? rawLinesSql(path.join(this.logsDir, '**', '*.gz')) : emptyLinesSql();
      await setup.run(`CREATE OR REPLACE VIEW ad_tracking.log_lines AS ${source}`);
      this.viewOverFiles = hasFiles;
      this.options.logger?.debug({ logsDir: this.logsDir, hasFiles }, 'tracking log view refreshed');
    });
    return this.refreshing;
  }

  async *query(
    sql: string,
    params: readonly SqlParam[] = [],
    options: AnalyticsQueryOptions = {},
  ): AsyncIterable<AnalyticsRow> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const { instance, setup, numericTypes } = await this.open();
    await this.refreshLogView(setup);
    const connection = await instance.connect();
    const interrupt = () => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const result = await connection.stream(sql, [...params]);
      const names = result.columnNames();
      const numeric = result.columnTypes().map((type) => numericTypes.has(type.typeId));
      for await (const rows of result.yieldRowsJson()) {
        if (signal?.aborted) throw abortError(signal);
        for (const values of rows) {
          const row: AnalyticsRow = {};
          names.forEach((name, i) => (row[name] = toAnalyticsValue(values[i], numeric[i])));
          yield row;
        }
      }
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      if (error instanceof AnalyticsQueryError) throw error;
      throw new AnalyticsQueryError(`DuckDB: ${(error as Error).message}`);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      connection.closeSync();
    }
  }

  /** Decompresses each log file not checked before; one that does not decompress whole is moved aside. */
  async quarantineUnreadable(signal?: AbortSignal): Promise<QuarantinedFile[]> {
    const quarantined: QuarantinedFile[] = [];
    for (const file of await logFilesUnder(this.logsDir)) {
      const version = await stat(file).then(
        (s) => `${s.size}:${s.mtimeMs}`,
        () => null,
      );
      if (version === null || this.readable.get(file) === version) continue;
      const error = await gzipProblem(file, signal);
      if (error === null) {
        this.readable.set(file, version);
        continue;
      }
      const movedTo = await moveAside(this.logsDir, file).catch((failure: NodeJS.ErrnoException) => {
        // Another instance's sync moved it first, and reports it.
        if (failure.code === 'ENOENT') return null;
        throw failure;
      });
      if (movedTo) quarantined.push({ file: path.relative(this.logsDir, file), movedTo, error });
    }
    return quarantined;
  }

  async close(): Promise<void> {
    if (!this.opening) return;
    const { instance, setup } = await this.opening;
    await this.refreshing.catch(() => undefined);
    setup.closeSync();
    instance.closeSync();
    this.opening = null;
  }
}

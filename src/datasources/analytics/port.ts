/** A value bound to a `?` placeholder: dates and codes go in validated, never concatenated. */
export type SqlParam = string | number | boolean | null;

/**
 * A value of a result row, the same from both engines: integers and decimals as numbers
 * (a BIGINT beyond 2^53 as its decimal string), DATE as YYYY-MM-DD, timestamps as strings.
 */
export type AnalyticsValue = string | number | boolean | null;
export type AnalyticsRow = Record<string, AnalyticsValue>;

export interface AnalyticsQueryOptions {
  /** Aborts the query (Athena: StopQueryExecution; DuckDB: interrupt). */
  signal?: AbortSignal;
}

/** A source file the engine cannot read, moved aside so that queries read the others. */
export interface QuarantinedFile {
  /** Where it was, relative to the engine's source folder. */
  file: string;
  /** Where it is now, relative to the same folder. */
  movedTo: string;
  /** Why it cannot be read. */
  error: string;
}

/**
 * The analytics SQL port: Athena in production, DuckDB over local CloudFront logs embedded.
 * The same SQL text (Athena's dialect; DuckDB gets compatibility macros) runs on both.
 */
export interface AnalyticsPort {
  readonly engine: 'duckdb' | 'athena';
  /** Rows stream as they arrive (DuckDB chunks, Athena result pages). */
  query(sql: string, params?: readonly SqlParam[], options?: AnalyticsQueryOptions): AsyncIterable<AnalyticsRow>;
  /**
   * Checks the source files a query reads and moves the unreadable ones aside, so that one bad
   * file cannot fail every query. Only an engine that reads files of its own has it (DuckDB).
   */
  quarantineUnreadable?(signal?: AbortSignal): Promise<QuarantinedFile[]>;
  close(): Promise<void>;
}

/** Thrown when a query fails in the engine (syntax, permissions, FAILED/CANCELLED states). */
export class AnalyticsQueryError extends Error {
  constructor(
    message: string,
    readonly details: { queryExecutionId?: string; state?: string; retryable?: boolean } = {},
  ) {
    super(message);
    this.name = 'AnalyticsQueryError';
  }
}

/** An AbortError as fetch and the AWS SDK raise it, so callers can test `name === 'AbortError'`. */
export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The analytics query was aborted');
  error.name = 'AbortError';
  return error;
}

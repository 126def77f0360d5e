import type { BusinessUnit } from './businessUnits';
import { type ClickLogRow } from './clickLogRow';

/** One row of a business unit's click-log data extension, with the key the source knows it by. */
export interface SourceRow {
  /** Opaque to the pipeline; handed back to markProcessed() to acknowledge the row. */
  key: string;
  values: ClickLogRow;
}

export interface ReadClickLogRequest {
  /** Rows whose EventDate is before this are not read (null: from the oldest row). */
  from: Date | null;
  /** The `next` of the previous page of the same read; null for the first page. */
  cursor: string | null;
  pageSize: number;
  signal?: AbortSignal;
}

export interface ClickLogPage {
  /** Unprocessed rows, oldest EventDate first. */
  rows: SourceRow[];
  /** Where the next page starts (store it to resume); null when this was the last page. */
  next: string | null;
}

/**
 * Marketing Cloud as the click pipeline sees it, on the REST API (one OAuth client per business
 * unit) or on the local data extension kept in the store. The pipeline never imports an engine.
 */
export interface SfmcPort {
  readonly engine: 'rest' | 'local';
  /** Configured business units, plus (local engine) the ones registered by imports. */
  businessUnits(): Promise<BusinessUnit[]>;
  businessUnit(name: string): Promise<BusinessUnit | null>;
  /** Reads a page of unprocessed rows, oldest first. */
  readClickLog(unit: BusinessUnit, request: ReadClickLogRequest): Promise<ClickLogPage>;
  /** Marks rows processed at the source; returns how many keys were sent. Idempotent. */
  markProcessed(unit: BusinessUnit, keys: string[], signal?: AbortSignal): Promise<number>;
  /** Unprocessed rows at the source, or null when the source does not say. */
  backlog(unit: BusinessUnit): Promise<number | null>;
  /** Local engine only: appends rows to a unit's data extension, registering the unit if new. */
  appendRows?(unitName: string, rows: ClickLogRow[]): Promise<number>;
}

export class SfmcError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SfmcError';
  }
}

import type { ObjectStore } from '../../datasources/objects/port';
import type { Db } from '../../datasources/store';
import type { Logger } from '../../logger';
import { ReportingCalendar } from '../clicks/reportingDay';
import { collectionSweeper } from './collectionSweeper';
import type { BatchPolicy } from './deleteInBatches';
import { campaignEventsSweeper, clickEventsSweeper } from './eventSweepers';
import { lakeSweeper } from './lakeSweeper';
import { RETAINED_COLLECTIONS } from './retainedCollections';
import {
  RETENTION_KINDS,
  retentionCutoff,
  retentionDays,
  type RetentionConfig,
  type RetentionKind,
  type RetentionSetting,
} from './retentionKinds';
import type { RetentionSweeper } from './sweeper';
import { waveMessagesSweeper } from './waveMessagesSweeper';

/** The last sweep of each kind: what it deleted and, for lake files, the oldest file it kept. */
export const RETENTION_SWEEPS = 'retentionSweeps';

export interface SweepRecord {
  _id: RetentionKind;
  at: Date;
  cutoff: Date | null;
  deleted: number;
  oldestAt?: Date | null;
}

/** How one kind of data stands: its retention, its oldest item and its last sweep. */
export interface RetentionStatus {
  kind: RetentionKind;
  setting: RetentionSetting;
  /** Null: kept for good. */
  days: number | null;
  /** The oldest item kept (null: none); lake files: as the last sweep found it. */
  oldestAt: Date | null;
  lastSweep: Omit<SweepRecord, '_id' | 'oldestAt'> | null;
}

export type RetentionRun = Record<RetentionKind, { cutoff: string | null; deleted: number }>;

export interface EnforceOptions {
  signal?: AbortSignal;
  /** Called after each kind; throws to stop (a cancelled job). */
  progress?(fraction: number, message: string): Promise<void>;
  now?: Date;
}

/** How long a `health` answer of retention is reused: the oldest items move slowly. */
const STATUS_CACHE_MS = 10_000;

export interface RetentionDeps {
  db: Db;
  objects: ObjectStore;
  config: RetentionConfig;
  logger: Logger;
}

/**
 * Retention of each kind of data (RETENTION_*_DAYS): the daily sweep that deletes what is past
 * it, in bounded batches with pauses between them, and how each kind stands for `health`.
 */
export class Retention {
  private readonly sweepers: RetentionSweeper[];
  private recent: { at: number; status: Promise<RetentionStatus[]> } | undefined;

  constructor(private readonly deps: RetentionDeps) {
    const { db, objects } = deps;
    this.sweepers = (Object.keys(RETENTION_KINDS) as RetentionKind[]).map((kind) => {
      if (kind === 'AGGREGATED_CLICK_EVENTS') {
        return clickEventsSweeper(db, new ReportingCalendar(deps.config.REPORTING_TIME_ZONE));
      }
      if (kind === 'CAMPAIGN_EVENTS') return campaignEventsSweeper(db);
      if (kind === 'WAVE_MESSAGES') return waveMessagesSweeper(db);
      if (kind === 'LAKE_FILES') return lakeSweeper(db, objects);
      return collectionSweeper(db, kind, RETAINED_COLLECTIONS[kind] ?? []);
    });
  }

  private get sweeps() {
    return this.deps.db.collection<SweepRecord>(RETENTION_SWEEPS);
  }

  /** Every kind's retention, oldest item and last sweep (reused for 10 s). */
  status(now = Date.now()): Promise<RetentionStatus[]> {
    if (this.recent && now - this.recent.at < STATUS_CACHE_MS) return this.recent.status;
    const status = this.readStatus();
    this.recent = { at: now, status };
    status.catch(() => {
      if (this.recent?.status === status) this.recent = undefined;
    });
    return status;
  }

  private async readStatus(): Promise<RetentionStatus[]> {
    const records = new Map((await this.sweeps.find({}).toArray()).map((record) => [record._id, record]));
    return Promise.all(
      this.sweepers.map(async ({ kind, oldest }) => {
        const record = records.get(kind);
        const found = await oldest();
        return {
          kind,
          setting: RETENTION_KINDS[kind],
          days: retentionDays(this.deps.config, kind),
          oldestAt: found === undefined ? (record?.oldestAt ?? null) : found,
          lastSweep: record ? { at: record.at, cutoff: record.cutoff, deleted: record.deleted } : null,
        };
      }),
    );
  }

  /** Sweeps every kind in turn; a kind kept for good deletes nothing (lake files are still surveyed). */
  async enforce(options: EnforceOptions = {}): Promise<RetentionRun> {
    const now = options.now ?? new Date();
    const policy: BatchPolicy = {
      batchSize: this.deps.config.RETENTION_BATCH_SIZE,
      pauseMs: this.deps.config.RETENTION_BATCH_PAUSE_MS,
      signal: options.signal,
    };
    const run = {} as RetentionRun;
    for (const [index, sweeper] of this.sweepers.entries()) {
      const cutoff = retentionCutoff(this.deps.config, sweeper.kind, now);
      const result = await sweeper.sweep(cutoff, policy);
      const record: SweepRecord = { _id: sweeper.kind, at: new Date(), cutoff, deleted: result.deleted };
      if (result.oldestAt !== undefined) record.oldestAt = result.oldestAt;
      await this.sweeps.replaceOne({ _id: sweeper.kind }, record, { upsert: true });
      run[sweeper.kind] = { cutoff: cutoff?.toISOString() ?? null, deleted: result.deleted };
      if (result.deleted > 0) {
        this.deps.logger.info({ kind: sweeper.kind, cutoff, deleted: result.deleted }, 'retention: past data deleted');
      }
      await options.progress?.((index + 1) / this.sweepers.length, `${sweeper.kind}: ${result.deleted} deleted`);
    }
    this.recent = undefined;
    return run;
  }
}

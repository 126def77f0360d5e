import type { ErrorCode } from '../../../errors';
import type { FanRecord, FanRecordHandlers, FanRecordType, RecordOfType, RecordOutcome } from '../records';
import { formatRecord, type FormattedRecord } from './formatRecord';
import type { FanIngestMetrics, IngestSource } from './metrics';

/** One incoming record: its line (or position) in what it came in, and its parsed JSON or why there is none. */
export interface IncomingRecord {
  line: number;
  value?: unknown;
  /** Set when the line is not JSON: the record is rejected with this reason. */
  error?: string;
}

export interface IngestRejection {
  line: number;
  /** The record's type, null when it has none the service knows. */
  type: FanRecordType | null;
  reason: string;
  code?: ErrorCode;
  /** The field to blame, when the record's format is what is wrong. */
  field?: string;
}

export interface IngestOutcome {
  accepted: number;
  /** Every rejected record, in line order. */
  rejections: IngestRejection[];
  /** Accepted and rejected records per type (`unknown`: no known type). */
  byType: Record<string, { accepted: number; rejected: number }>;
}

/** The order a batch's groups go to their pipelines: a fan is registered before scored, scored before given a code. */
const PIPELINE_ORDER: readonly FanRecordType[] = ['registration', 'scoring', 'codeAssignment'];

/**
 * Ingestion of fan records (seed 004 saveCampaignData): each record trimmed, formatted and
 * checked against its Avro schema, grouped by type and handed to its pipeline, which writes it
 * where it belongs and to the lake. A bad record is rejected with its line and reason and the rest
 * goes on; accepted records are durable when `ingest` returns.
 */
export class FanIngest {
  constructor(
    private readonly deps: {
      /** The pipeline of each record type; a type without one is rejected. */
      handlers: Partial<FanRecordHandlers>;
      metrics: FanIngestMetrics;
    },
  ) {}

  async ingest(incoming: IncomingRecord[], source: IngestSource): Promise<IngestOutcome> {
    const outcome: IngestOutcome = { accepted: 0, rejections: [], byType: {} };
    const groups = new Map<FanRecordType, { line: number; record: FanRecord }[]>();
    for (const { line, value, error } of incoming) {
      const formatted: FormattedRecord =
        error === undefined ? formatRecord(value) : { ok: false, recordType: null, reason: error };
      if (!formatted.ok) {
        this.count(outcome, formatted.recordType, false);
        const { recordType: type, reason, field } = formatted;
        outcome.rejections.push({ line, type, reason, code: 'BAD_USER_INPUT', ...(field ? { field } : {}) });
        continue;
      }
      const type = formatted.record.type;
      let group = groups.get(type);
      if (!group) groups.set(type, (group = []));
      group.push({ line, record: formatted.record });
    }
    for (const type of PIPELINE_ORDER) {
      const group = groups.get(type);
      if (group) await this.handOver(type, group, outcome);
    }
    this.publish(outcome, source);
    outcome.rejections.sort((a, b) => a.line - b.line);
    return outcome;
  }

  private async handOver(
    type: FanRecordType,
    group: { line: number; record: FanRecord }[],
    outcome: IngestOutcome,
  ): Promise<void> {
    const handler = this.deps.handlers[type] as
      ((records: RecordOfType<FanRecordType>[]) => ReturnType<FanRecordHandlers[FanRecordType]>) | undefined;
    const results = handler
      ? await handler(group.map(({ record }) => record as RecordOfType<FanRecordType>))
      : group.map((): RecordOutcome => ({ accepted: false, reason: `no pipeline takes ${type} records here` }));
    group.forEach(({ line }, index) => {
      const result: RecordOutcome = results[index] ?? { accepted: false, reason: 'the pipeline gave no outcome' };
      this.count(outcome, type, result.accepted);
      if (!result.accepted) {
        outcome.rejections.push({ line, type, reason: result.reason ?? 'rejected', code: result.code });
      }
    });
  }

  private count(outcome: IngestOutcome, type: FanRecordType | null, accepted: boolean): void {
    const counts = (outcome.byType[type ?? 'unknown'] ??= { accepted: 0, rejected: 0 });
    if (accepted) {
      counts.accepted += 1;
      outcome.accepted += 1;
    } else {
      counts.rejected += 1;
    }
  }

  /** Once per batch and type rather than per record: a labelled increment costs a lookup. */
  private publish(outcome: IngestOutcome, source: IngestSource): void {
    const { metrics } = this.deps;
    for (const [type, { accepted, rejected }] of Object.entries(outcome.byType)) {
      metrics.recordsIn.inc({ type, source }, accepted + rejected);
      if (accepted) metrics.recordsAccepted.inc({ type, source }, accepted);
      if (rejected) metrics.recordsRejected.inc({ type, source }, rejected);
    }
  }
}

import type { QueuePort } from '../../../datasources/queue/port';
import type { Db } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import type { CampaignDirectory } from '../campaignDirectory';
import { CODES, CODE_POOLS, DEMAND, FAN_ENTRIES } from '../model';
import type { CodeAssignmentRecord, LakeWriter, RecordOutcome } from '../records';
import { assignGroup, type AssignBatchDeps, type AssignmentResult } from './assignBatch';
import { assignmentAsk, isReject, type AssignmentAsk } from './assignmentAsk';
import { errorCodeOf, reasonText, type AssignmentReject } from './assignmentRejects';
import { CodeDispenser } from './codeDispenser';
import { EntryLocks } from './entryLocks';
import type { CodeMetrics } from './metrics';
import type { CodePoolCounts } from './poolCounts';
import { sendMessages, verdictMessages, type VerdictV1 } from './verdicts';

/**
 * Records whose store work is done together: whole batches (each still one verdict message per
 * campaign) up to this many records, read, claimed and written with one store call per collection.
 * A call's groups run one after another; concurrent calls (queue workers, jobs) share commits. The
 * records in flight bound what one commit of the embedded store holds, and so how long its
 * transaction keeps the event loop (a few milliseconds per hundred records).
 */
const GROUP_RECORDS = 250;

export interface CodeAssignmentOptions {
  db: Db;
  directory: CampaignDirectory;
  lake: LakeWriter;
  queue: QueuePort;
  /** FAN_VERDICTS_QUEUE. */
  verdictsQueue: string;
  /** FAN_ASSIGN_BATCH_SIZE: records looked up, assigned and published together. */
  batchSize: number;
  metrics: CodeMetrics;
  logger: Logger;
  /** The pools' counts, changed in the claims' commits. */
  counts: CodePoolCounts;
}

/**
 * The code-assignment pipeline (seed 004 transformCodeAssignments and saveSelection), the
 * `codeAssignment` record handler: records from ingestion, the queue, assignCodes and waves are
 * deduplicated, checked, and handled in batches: the fan's code assigned (a pool code atomically),
 * its verdict set true, its selected events kept in `demand`, the records appended to the lake,
 * and the batch's verdicts published on the verdicts queue. A redelivered record changes nothing
 * and is accepted (its verdict is published again).
 */
export class CodeAssignment {
  private readonly deps: AssignBatchDeps;
  /** Shared with reservations: the pools a campaign's no-code assignments take from. */
  readonly dispenser: CodeDispenser;

  constructor(private readonly options: CodeAssignmentOptions) {
    const { db } = options;
    this.dispenser = new CodeDispenser(db.collection(CODES), db.collection(CODE_POOLS));
    this.deps = {
      entries: db.collection(FAN_ENTRIES),
      demand: db.collection(DEMAND),
      codes: db.collection(CODES),
      directory: options.directory,
      dispenser: this.dispenser,
      counts: options.counts,
      locks: new EntryLocks(),
      lake: options.lake,
      publish: (results) => this.publish(results),
    };
  }

  private verdictsQueue: Promise<void> | null = null;

  /**
   * Creates the verdicts queue (idempotent), once per process: at the service's start, or before
   * the first batch where nothing started it (a CLI command, the demo).
   */
  start(): Promise<void> {
    this.verdictsQueue ??= this.options.queue.ensureQueue(this.options.verdictsQueue).catch((error: unknown) => {
      this.verdictsQueue = null;
      throw error;
    });
    return this.verdictsQueue;
  }

  /** One outcome per record, in order; what it accepts is durable (store and lake buffer) and published. */
  async handle(records: CodeAssignmentRecord[]): Promise<RecordOutcome[]> {
    await this.start();
    const outcomes: RecordOutcome[] = new Array(records.length);
    const firstOf = new Map<string, number>();
    const repeats: [index: number, first: number][] = [];
    const asks: { index: number; ask: AssignmentAsk }[] = [];
    records.forEach((record, index) => {
      const key = dedupeKey(record);
      const first = firstOf.get(key);
      if (first !== undefined) return void repeats.push([index, first]);
      firstOf.set(key, index);
      const ask = assignmentAsk(record);
      if (isReject(ask)) outcomes[index] = this.rejected(record, ask);
      else asks.push({ index, ask });
    });
    const { batchSize } = this.options;
    const groupSize = batchSize * Math.max(1, Math.floor(GROUP_RECORDS / batchSize));
    for (let start = 0; start < asks.length; start += groupSize) {
      const group = asks.slice(start, start + groupSize);
      const results = await assignGroup(
        this.deps,
        group.map(({ ask }) => ask),
        batchSize,
      );
      this.count(results);
      group.forEach(({ index, ask }, position) => {
        const result = results[position]!;
        outcomes[index] =
          result.outcome === 'rejected' ? this.rejected(ask.record, result.rejected) : { accepted: true };
      });
    }
    for (const [index, first] of repeats) outcomes[index] = outcomes[first]!;
    return outcomes;
  }

  private count(results: AssignmentResult[]): void {
    const outcomes = new Map<string, number>();
    for (const { outcome } of results) {
      if (outcome !== 'rejected') outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    for (const [outcome, records] of outcomes) this.options.metrics.assignments.inc({ outcome, reason: '' }, records);
  }

  /** Each batch's verdicts on the verdicts queue: one message per batch and campaign, sent together. */
  private async publish(batches: AssignmentResult[][]): Promise<void> {
    const messages = batches.flatMap((results) => {
      const verdicts: { campaignId: string; verdict: VerdictV1 }[] = [];
      for (const result of results) {
        if (result.outcome !== 'rejected') verdicts.push({ campaignId: result.campaignId, verdict: result.verdict });
      }
      return verdictMessages(verdicts);
    });
    await sendMessages(this.options.queue, this.options.verdictsQueue, messages);
    this.options.metrics.verdictMessages.inc(messages.length);
  }

  private rejected(record: CodeAssignmentRecord, rejected: AssignmentReject): RecordOutcome {
    this.options.metrics.assignments.inc({ outcome: 'rejected', reason: rejected.code });
    this.options.logger.warn(
      { campaignId: record?.campaignId, userId: record?.userId, waveId: record?.waveId, reason: rejected.code },
      `code assignment rejected: ${rejected.message}`,
    );
    return { accepted: false, reason: reasonText(rejected), code: errorCodeOf(rejected) };
  }
}

/** Records that are the same delivery: one idempotency key, or else the same fan, code and kind of change. */
function dedupeKey(record: CodeAssignmentRecord): string {
  if (record?.idempotencyKey) return `key\n${record.idempotencyKey}`;
  const fan = record?.userId ?? `email:${(record?.email ?? '').trim().toLowerCase()}`;
  return `fan\n${record?.campaignId}\n${fan}\n${record?.code ?? ''}\n${record?.codeKind}\n${record?.refresh === true}`;
}

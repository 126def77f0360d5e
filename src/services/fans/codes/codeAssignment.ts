import type { QueuePort } from '../../../datasources/queue/port';
import type { Db } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import type { CampaignDirectory } from '../campaignDirectory';
import { CODES, CODE_POOLS, DEMAND, FAN_ENTRIES } from '../model';
import type { CodeAssignmentRecord, LakeWriter, RecordOutcome } from '../records';
import { commitBatch, prepareBatch, type AssignBatchDeps, type AssignmentResult } from './assignBatch';
import { assignmentAsk, isReject, type AssignmentAsk } from './assignmentAsk';
import { errorCodeOf, reasonText, type AssignmentReject } from './assignmentRejects';
import { CodeDispenser } from './codeDispenser';
import { EntryLocks } from './entryLocks';
import type { CodeMetrics } from './metrics';
import { publishVerdicts, type VerdictV1 } from './verdicts';

/**
 * Batches of one call handled at once. A batch spends much of its time waiting for its commits
 * (the code claims, then the writes); with the next batches looking up their fans and claiming
 * meanwhile, more writes share each commit. Four workers over 200,000 assignments went from about
 * 3,000 to 7,200-9,600 a second on a shared, loaded 2-core machine (5 and 8 at once did no better).
 */
const BATCHES_IN_FLIGHT = 3;

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
    const batches: { index: number; ask: AssignmentAsk }[][] = [];
    for (let start = 0; start < asks.length; start += batchSize) batches.push(asks.slice(start, start + batchSize));
    await this.runBatches(
      batches.map((batch) => batch.map(({ ask }) => ask)),
      (slot, results) => {
        batches[slot]!.forEach(({ index, ask }, position) => {
          const result = results[position]!;
          outcomes[index] =
            result.outcome === 'rejected' ? this.rejected(ask.record, result.rejected) : { accepted: true };
        });
      },
    );
    for (const [index, first] of repeats) outcomes[index] = outcomes[first]!;
    return outcomes;
  }

  /**
   * Runs the batches with up to BATCHES_IN_FLIGHT at once: a batch looks up its fans while the one
   * before it writes, and batches take their fans' locks in their order, so two records of one fan
   * are still handled in the order given.
   */
  private async runBatches(
    batches: AssignmentAsk[][],
    done: (slot: number, results: AssignmentResult[]) => void,
  ): Promise<void> {
    const running: Promise<void>[] = [];
    // resolves once the batch before has taken its place in the locks' queues
    let queued: Promise<void> = Promise.resolve();
    for (const [slot, asks] of batches.entries()) {
      if (slot >= BATCHES_IN_FLIGHT) await Promise.allSettled([running[slot - BATCHES_IN_FLIGHT]]);
      const prepared = prepareBatch(this.deps, asks);
      let committed!: Promise<AssignmentResult[]>;
      queued = Promise.all([prepared, queued]).then(([batch]) => {
        committed = commitBatch(this.deps, batch);
      });
      running.push(queued.then(() => committed).then((results) => done(slot, this.counted(results))));
    }
    const settled = await Promise.allSettled(running);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private counted(results: AssignmentResult[]): AssignmentResult[] {
    const outcomes = new Map<string, number>();
    for (const { outcome } of results) {
      if (outcome !== 'rejected') outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    for (const [outcome, records] of outcomes) this.options.metrics.assignments.inc({ outcome, reason: '' }, records);
    return results;
  }

  /** A batch's verdicts on the verdicts queue: one message per campaign (split only past the size limit). */
  private async publish(results: AssignmentResult[]): Promise<void> {
    const verdicts: { campaignId: string; verdict: VerdictV1 }[] = [];
    for (const result of results) {
      if (result.outcome !== 'rejected') verdicts.push({ campaignId: result.campaignId, verdict: result.verdict });
    }
    const messages = await publishVerdicts(this.options.queue, this.options.verdictsQueue, verdicts);
    this.options.metrics.verdictMessages.inc(messages);
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

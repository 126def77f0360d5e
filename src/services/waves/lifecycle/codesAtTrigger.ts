import type { AnyBulkWriteOperation, Collection, Db } from '../../../datasources/store';
import type { CodeAssignment } from '../../fans/codes/codeAssignment';
import { CODE_RULE, formatCode } from '../../fans/codes/codeFormat';
import type { CodeAssignmentRecord } from '../../fans/records';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../model';
import { waveMessageBatches } from '../queries/waveMessageBatches';
import { selectedEventsOf } from '../upload/recipientRow';

export interface CodesAtTriggerDeps {
  db: Db;
  /** The fans feature's code-assignment pipeline. */
  assignment: Pick<CodeAssignment, 'handle'>;
}

export interface CodesAtTrigger {
  assigned: number;
  skipped: number;
}

/** Records handed to the pipeline at once (it batches them by FAN_ASSIGN_BATCH_SIZE itself). */
const BATCH = 500;
const CONCURRENT_BATCHES = 4;

/**
 * The codes of a triggered wave (seed 004 processScheduledWave and loadCodeAssignmentsToStream,
 * one path here): every PENDING row with a code becomes a code-assignment record for the fans
 * pipeline (NON_TM codes assigned in their pool, the prep's reservation included; TM codes
 * recorded as given; offer codes confirmed to their fan), which sets the fan's verdict, demand,
 * verdict message and lake record. A row whose code is refused is SKIPPED with the reason and
 * not texted. Each record carries `${waveId}:${row}` as its idempotency key and the wave's start
 * time, so a retried trigger assigns nothing twice.
 */
export async function assignCodesAtTrigger(deps: CodesAtTriggerDeps, wave: WaveDoc): Promise<CodesAtTrigger> {
  const messages = deps.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  const assignedAt = (wave.startedAt ?? new Date()).getTime();
  const result: CodesAtTrigger = { assigned: 0, skipped: 0 };
  const filter = { status: 'PENDING' as const, code: { $ne: null } };
  const handleBatch = async (batch: WaveMessageDoc[]) => {
    const skips: { message: WaveMessageDoc; reason: string }[] = [];
    const records: { message: WaveMessageDoc; record: CodeAssignmentRecord }[] = [];
    for (const message of batch) {
      if (!formatCode(message.code)) skips.push({ message, reason: `INVALID_CODE: ${CODE_RULE}` });
      else records.push({ message, record: recordOf(wave, message, assignedAt) });
    }
    const outcomes = records.length > 0 ? await deps.assignment.handle(records.map(({ record }) => record)) : [];
    outcomes.forEach((outcome, index) => {
      if (outcome.accepted) result.assigned += 1;
      else skips.push({ message: records[index]!.message, reason: outcome.reason ?? 'the code was refused' });
    });
    result.skipped += await skip(messages, skips);
  };
  // a few batches in the pipeline at once: its rounds wait on the store, and its per-fan locks
  // keep batches that share a fan apart
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  for await (const batch of waveMessageBatches(messages, wave._id, filter, BATCH)) {
    const handled: Promise<void> = handleBatch(batch)
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => running.delete(handled));
    running.add(handled);
    if (running.size >= CONCURRENT_BATCHES) await Promise.race(running);
    if (failure) break;
  }
  await Promise.all(running);
  if (failure) throw (failure as { error: unknown }).error;
  const skipped = await messages.countDocuments({ waveId: wave._id, status: 'SKIPPED' });
  await deps.db
    .collection<WaveDoc>(WAVES)
    .updateOne({ _id: wave._id }, { $set: { codesAssigned: true, 'counts.skipped': skipped, updatedAt: new Date() } });
  return result;
}

function recordOf(wave: WaveDoc, message: WaveMessageDoc, assignedAt: number): CodeAssignmentRecord {
  return {
    type: 'codeAssignment',
    campaignId: wave.config.campaignId,
    userId: message.userId,
    email: message.email,
    code: message.code,
    codeKind: message.codeKind,
    selectedEvents: selectedEventsOf(message.fields, message.market),
    refresh: false,
    waveId: wave._id,
    idempotencyKey: `${wave._id}:${message.row}`,
    assignedAt,
  };
}

/** The rows become SKIPPED with their reason, if still PENDING; answers how many changed. */
async function skip(
  messages: Collection<WaveMessageDoc>,
  skips: { message: WaveMessageDoc; reason: string }[],
): Promise<number> {
  if (skips.length === 0) return 0;
  const now = new Date();
  const writes: AnyBulkWriteOperation<WaveMessageDoc>[] = skips.map(({ message, reason }) => ({
    updateOne: {
      filter: { _id: message._id, status: 'PENDING' },
      // the tally is what a recount of the wave sums (send/recountWave.ts)
      update: { $set: { status: 'SKIPPED', reason: `code refused: ${reason}`, 'tally.skipped': 1, updatedAt: now } },
    },
  }));
  const { modifiedCount } = await messages.bulkWrite(writes, { ordered: false });
  return modifiedCount;
}

import type { AnyBulkWriteOperation, Db } from '../../../datasources/store';
import type { ErrorCode } from '../../../errors';
import type { CampaignDirectory } from '../campaignDirectory';
import { entryId, FAN_ENTRIES, type FanEntryDoc } from '../model';
import type { LakeWriter, RecordOutcome, ScoringRecord } from '../records';

export interface FanScoresOptions {
  db: Db;
  lake: LakeWriter;
  directory: CampaignDirectory;
}

/**
 * Scores and verdicts to the entries and scoring records to the lake: the `scoring` record
 * handler (FanRecordHandlers) and the last step of scored files and fanlist ranks. An entry
 * already selected (verdict true, a code given) is never changed by a score.
 */
export class FanScores {
  constructor(private readonly options: FanScoresOptions) {}

  /**
   * Checks each record (campaign known, score in [0, 1], verdict false or null, entry there and
   * not selected), applies the good ones in one bulk write and appends them to the lake. One
   * outcome per record, in order; the accepted are durable when it returns.
   */
  async handle(records: ScoringRecord[]): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = records.map(recordProblem);
    const campaignIds = new Set(records.filter((_, index) => outcomes[index]!.accepted).map((r) => r.campaignId));
    const unknown = new Set<string>();
    for (const campaignId of campaignIds) {
      if (!(await this.options.directory.get(campaignId))) unknown.add(campaignId);
    }
    const ids = records.flatMap((record, index) =>
      outcomes[index]!.accepted && !unknown.has(record.campaignId) ? [entryId(record.campaignId, record.userId)] : [],
    );
    const entries =
      ids.length === 0 ? [] : await this.entries.find({ _id: { $in: ids } }, { projection: { verdict: 1 } }).toArray();
    const verdicts = new Map(entries.map((entry) => [entry._id, entry.verdict]));
    const accepted: ScoringRecord[] = [];
    records.forEach((record, index) => {
      if (!outcomes[index]!.accepted) return;
      const verdict = verdicts.get(entryId(record.campaignId, record.userId));
      if (unknown.has(record.campaignId)) {
        outcomes[index] = rejected(`campaignId: fan campaign ${record.campaignId} was not found`, 'NOT_FOUND');
      } else if (verdict === undefined) {
        outcomes[index] = rejected(
          `userId: ${record.userId} is not registered for fan campaign ${record.campaignId}`,
          'NOT_FOUND',
        );
      } else if (verdict === true) {
        outcomes[index] = rejected(
          `userId: ${record.userId} is selected already (verdict true): the score is not applied`,
          'CONFLICT',
        );
      } else accepted.push(record);
    });
    await this.apply(accepted);
    return outcomes;
  }

  /**
   * Applies records already checked (a scrubbed file's rows): one bulk write by entry id, the
   * lake append beside it. An entry selected meanwhile is left alone by the write's filter.
   * Answers how many entries were written.
   */
  async apply(records: ScoringRecord[], now = new Date()): Promise<number> {
    if (records.length === 0) return 0;
    const operations: AnyBulkWriteOperation<FanEntryDoc>[] = records.map((record) => ({
      updateOne: {
        filter: { _id: entryId(record.campaignId, record.userId), verdict: { $ne: true } },
        update: {
          $set: { score: record.score, verdict: record.verdict, verdictReason: record.reason, updatedAt: now },
        },
      },
    }));
    // the two writes do not depend on each other: the lake buffer's commit overlaps the entries'
    const [result] = await Promise.all([
      this.entries.bulkWrite(operations, { ordered: false }),
      this.options.lake.append('scoring', records),
    ]);
    return result.matchedCount;
  }

  private get entries() {
    return this.options.db.collection<FanEntryDoc>(FAN_ENTRIES);
  }
}

const rejected = (reason: string, code: ErrorCode = 'BAD_USER_INPUT'): RecordOutcome => ({
  accepted: false,
  reason,
  code,
});

/** What is wrong with the record on its own, or accepted. */
function recordProblem(record: ScoringRecord): RecordOutcome {
  if (!record.campaignId) return rejected('campaignId: required');
  if (!record.userId) return rejected('userId: required');
  if (typeof record.score !== 'number' || !(record.score >= 0 && record.score <= 1)) {
    return rejected(`score: ${String(record.score)} is not a number in [0, 1]`);
  }
  if (record.verdict === true) return rejected('verdict: true is given by code assignment, not by scoring');
  if (record.verdict === false && !record.reason) return rejected('reason: required with verdict false');
  return { accepted: true };
}

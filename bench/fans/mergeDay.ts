import { finishedJob, graphql } from '../support/client';
import { countLakeRecords, dayPrefix } from './lakeCount';
import type { BenchService } from './service';

export interface MergeFigures {
  /** Loose files of the day before the merge. */
  filesBefore: number;
  /** Files and records in the day's live prefix once the merge is published. */
  filesAfter: number;
  lakeRecords: number;
  seconds: number;
}

/**
 * The daily merge of the registrations' day through `mergeLake`, as an operator asks for it: the
 * merge job stages the merged file, its move job archives the originals and publishes it. Then
 * the records of the live prefix are counted from the files themselves.
 */
export async function mergeDay(service: BenchService, day: number): Promise<MergeFigures> {
  const prefix = dayPrefix('registration', day);
  const before = await countLakeRecords(service.app.ports.objects, prefix);
  const started = performance.now();
  const { mergeLake } = await graphql<{ mergeLake: { id: string } }>(
    service,
    `
      mutation ($prefix: String!) {
        mergeLake(recordType: "registration", period: DAILY, prefix: $prefix) {
          id
        }
      }
    `,
    { prefix: prefix.slice('avro/registration/'.length, -1) },
  );
  const merge = await finishedJob(service, mergeLake.id, 250);
  const outcomes = (merge.result as { merges?: { moveJobId: string | null }[] } | null)?.merges ?? [];
  for (const { moveJobId } of outcomes) if (moveJobId) await finishedJob(service, moveJobId, 250);
  const seconds = (performance.now() - started) / 1000;
  const after = await countLakeRecords(service.app.ports.objects, prefix);
  return { filesBefore: before.files, filesAfter: after.files, lakeRecords: after.records, seconds };
}

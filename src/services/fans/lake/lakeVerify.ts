import type { ObjectStore, StoredObject } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { FAN_ENTRIES, type FanEntryDoc } from '../model';
import type { FanRecordType } from '../records';
import { avroRecords, countAvroRecords, objectBody } from './avroFiles';
import { LakeFileCounts } from './lakeFileCounts';
import { LAKE_MERGES, type LakeMergeDoc } from './lakeModel';
import { archivedBase, isAvroKey, isMergedKey, liveBase, supersededBase, under } from './lakePaths';
import { dayPrefixOf, type LakePeriod } from './lakePrefix';
import { forEachLimit } from './mapLimit';
import { RegistrationTally, type RegistrationTallyCounts } from './registrationTally';

/** Files read at once while counting. */
const READS = 8;

/** The field whose UTC day names a record's lake folder. */
export const LAKE_TIME_FIELD: Record<FanRecordType, string> = {
  registration: 'registeredAt',
  scoring: 'scoredAt',
  codeAssignment: 'assignedAt',
};

export interface LakeVerification {
  recordType: FanRecordType;
  prefix: string;
  from: Date;
  to: Date;
  live: {
    mergedFiles: number;
    mergedRecords: number;
    looseFiles: number;
    looseRecords: number;
    /** Records of the period inside merged files of the enclosing month (a day merged monthly since). */
    enclosingMergedRecords: number;
    /** Every record a reader of the period sees. */
    records: number;
  };
  archived: {
    /** Originals archived by merges. */
    files: number;
    records: number;
    /** Files the import registered (the old system's lake): history that is not live. */
    importedFiles: number;
    importedRecords: number;
    /** Merged files superseded by a later merge: kept apart, not counted. */
    supersededFiles: number;
  };
  /**
   * Registrations only (the store keeps no events of the other types): the entries registered in
   * the period, and the period's lake records (live and imported) told apart by their fan's entry.
   */
  store: { what: string; records: number; lake: RegistrationTallyCounts } | null;
  /** Merges of the record type not finished yet: counts may not agree until they are. */
  openMerges: { mergeId: string; prefix: string; state: string }[];
  /** Merged records (live) = records of the originals merges archived: each record once on each side. */
  lakeAgrees: boolean;
  /** Lake records matching their entry = entries registered in the period, and none without an entry. */
  storeAgrees: boolean | null;
  agrees: boolean;
}

type Visit = (record: Record<string, unknown>) => Promise<void>;

/**
 * Counts a period of the lake by the exactly-once rules (docs/pipelines/fans/lake.md): records
 * live (merged and loose files), records of the originals merges archived (superseded merged
 * files excluded), and, for registrations, the period's records against the store's entries.
 */
export async function verifyLake(
  deps: { db: Db; objects: ObjectStore },
  recordType: FanRecordType,
  period: LakePeriod,
): Promise<LakeVerification> {
  const { objects } = deps;
  const live = (await objects.list(under(liveBase(recordType), period.prefix))).filter((o) => isAvroKey(o.key));
  const merged = live.filter((object) => isMergedKey(object.key));
  const loose = live.filter((object) => !isMergedKey(object.key));
  const archived = await objects.list(under(archivedBase(recordType), period.prefix));
  const superseded = await objects.list(under(supersededBase(recordType), period.prefix));
  const counts = await new LakeFileCounts(deps.db).of(archived.map((object) => object.key));
  const imported = archived.filter((object) => counts.get(object.key)?.source === 'IMPORT');
  const originals = archived.filter((object) => counts.get(object.key)?.source !== 'IMPORT');

  const tally =
    recordType === 'registration' ? new RegistrationTally(deps.db.collection<FanEntryDoc>(FAN_ENTRIES)) : null;
  const visit = tally ? (record: Record<string, unknown>) => tally.add(record) : undefined;
  const mergedRecords = await countRecords(objects, merged, visit);
  const looseRecords = await countRecords(objects, loose, visit);
  const inPeriod = (record: Record<string, unknown>) =>
    dayPrefixOf(Number(record[LAKE_TIME_FIELD[recordType]])) === period.prefix;
  const enclosingMergedRecords =
    period.kind === 'DAY'
      ? await countRecords(objects, await monthMerged(objects, recordType, period), visit, inPeriod)
      : 0;
  const importedRecords = await countRecords(objects, imported, visit);
  const archivedRecords = await countRecords(objects, originals);
  await tally?.flush();

  const store = tally ? await storeCount(deps.db, period, tally.counts) : null;
  const lakeAgrees = mergedRecords + enclosingMergedRecords === archivedRecords;
  const storeAgrees = store ? store.lake.matching === store.records && store.lake.withoutEntry === 0 : null;
  const open = await deps.db.collection<LakeMergeDoc>(LAKE_MERGES).find({ recordType, open: true }).toArray();
  return {
    recordType,
    prefix: period.prefix,
    from: period.from,
    to: period.to,
    live: {
      mergedFiles: merged.length,
      mergedRecords,
      looseFiles: loose.length,
      looseRecords,
      enclosingMergedRecords,
      records: mergedRecords + looseRecords + enclosingMergedRecords,
    },
    archived: {
      files: originals.length,
      records: archivedRecords,
      importedFiles: imported.length,
      importedRecords,
      supersededFiles: superseded.length,
    },
    store,
    openMerges: open.map((merge) => ({ mergeId: merge._id, prefix: merge.prefix, state: merge.state })),
    lakeAgrees,
    storeAgrees,
    agrees: lakeAgrees && storeAgrees !== false,
  };
}

/**
 * Records in the files (those `keep` accepts), each handed to `visit` when given; without
 * either, blocks are inflated and records counted, not decoded.
 */
async function countRecords(
  objects: ObjectStore,
  files: StoredObject[],
  visit?: Visit,
  keep?: (record: Record<string, unknown>) => boolean,
): Promise<number> {
  let records = 0;
  await forEachLimit(files, READS, async ({ key }) => {
    const body = await objectBody(objects, key);
    if (!visit && !keep) {
      const counted = await countAvroRecords(body, key);
      records += counted;
      return;
    }
    for await (const record of avroRecords(body, key)) {
      if (keep && !keep(record)) continue;
      records += 1;
      await visit?.(record);
    }
  });
  return records;
}

/** Merged files at the month's own level: a day merged into its month has its live records there. */
async function monthMerged(objects: ObjectStore, recordType: FanRecordType, period: LakePeriod) {
  const monthDir = `${liveBase(recordType)}/${period.prefix.slice(0, 7)}/`;
  return (await objects.list(monthDir)).filter(
    (object) => isMergedKey(object.key) && !object.key.slice(monthDir.length).includes('/'),
  );
}

async function storeCount(db: Db, period: LakePeriod, lake: RegistrationTallyCounts) {
  const records = await db
    .collection<FanEntryDoc>(FAN_ENTRIES)
    .countDocuments({ registeredAt: { $gte: period.from, $lt: period.to } });
  return {
    what: `fanEntries registered from ${period.from.toISOString()} to ${period.to.toISOString()}`,
    records,
    lake,
  };
}

import type { StoredObject } from '../../../datasources/objects/port';
import { LAKE_MERGES, type LakeMergeDoc } from '../../fans/lake/lakeModel';
import { anonymizeLakeBuffer } from '../lake/lakeBuffer';
import { anonymizeLakeFile, lakeObjects } from '../lake/lakeFiles';
import type { PrivacyDeps, Subject } from '../subject';

export interface LakeChange {
  /** Lake files written again with the person's records anonymized. */
  files: number;
  records: number;
  /** Records anonymized in the lake writer's buffer, before their file was written. */
  bufferRecords: number;
}

/** Thrown while a lake merge is open: the erase job is retried once it has ended. */
export class LakeMergeOpen extends Error {
  constructor(mergeId: string) {
    super(`Lake merge ${mergeId} is open: the erasure waits for it`);
    this.name = 'LakeMergeOpen';
  }
}

/** Passes over the lake at most this many times: new files seen in a pass are read in the next. */
const MAX_PASSES = 5;

const versionOf = (object: StoredObject) => `${object.lastModified.getTime()}-${object.size}`;

/**
 * The person's lake records, anonymized in place: first in the writer's buffer, then in every lake
 * file (live, archived, staged). A merge reads its inputs and writes its output meanwhile, so the
 * step waits for open merges (LakeMergeOpen) before and after, and files written while it ran (a
 * flush, a merge's output) are read in a further pass.
 */
export async function eraseFromLake(deps: PrivacyDeps, subject: Subject): Promise<LakeChange> {
  await noOpenMerge(deps);
  const change: LakeChange = { files: 0, records: 0, bufferRecords: 0 };
  change.bufferRecords = await anonymizeLakeBuffer(deps.db, subject.matcher, subject.pseudonyms);
  const examined = new Map<string, string>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const fresh = (await lakeObjects(deps.objects)).filter((object) => examined.get(object.key) !== versionOf(object));
    if (fresh.length === 0) break;
    for (const object of fresh) {
      const records = await anonymizeLakeFile(deps.objects, object, subject.matcher, subject.pseudonyms);
      if (records > 0) {
        change.files += 1;
        change.records += records;
        deps.logger.info({ key: object.key, records }, 'lake file rewritten without an erased person');
      }
      const now = (await deps.objects.list(object.key)).find((listed) => listed.key === object.key);
      if (now) examined.set(object.key, versionOf(now));
    }
  }
  await noOpenMerge(deps);
  return change;
}

async function noOpenMerge(deps: PrivacyDeps): Promise<void> {
  const open = await deps.db.collection<LakeMergeDoc>(LAKE_MERGES).findOne({ open: true }, { projection: { _id: 1 } });
  if (open) throw new LakeMergeOpen(open._id);
}

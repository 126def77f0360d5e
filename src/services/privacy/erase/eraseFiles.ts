import { FILE_FAMILIES } from '../files/fileFamilies';
import { erasePersonRows } from '../files/personFiles';
import type { PrivacyDeps, Subject } from '../subject';

export interface FileChange {
  family: string;
  /** Files rewritten. */
  files: number;
  /** Rows taken out of them. */
  rows: number;
}

/**
 * Every file of the families is looked at (a quick look at its text first, most files end there)
 * and the ones holding the person's rows are written again without them.
 */
export async function eraseFromFiles(deps: PrivacyDeps, subject: Subject): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  for (const family of FILE_FAMILIES) {
    const change: FileChange = { family: family.name, files: 0, rows: 0 };
    for (const object of await deps.objects.list(family.prefix)) {
      if (family.skip?.(object.key)) continue;
      const rows = await erasePersonRows(deps, family, object, subject.matcher);
      if (rows === 0) continue;
      change.files += 1;
      change.rows += rows;
      deps.logger.info({ key: object.key, rows }, 'file rewritten without an erased person');
    }
    if (change.files > 0) changes.push(change);
  }
  return changes;
}

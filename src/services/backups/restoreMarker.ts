import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Left in a data directory by a restore, until the service has re-applied what happened since the backup. */
const MARKER_FILE = 'restored-from-backup.json';

export interface RestoreMarker {
  /** When the restored snapshot was taken. */
  backupCreatedAt: string;
  restoredAt: string;
}

export async function writeRestoreMarker(dataDir: string, backupCreatedAt: string, now = new Date()): Promise<void> {
  const marker: RestoreMarker = { backupCreatedAt, restoredAt: now.toISOString() };
  await writeFile(join(dataDir, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

/** The marker of a restore not yet followed up, or null. */
export async function readRestoreMarker(dataDir: string): Promise<RestoreMarker | null> {
  try {
    return JSON.parse(await readFile(join(dataDir, MARKER_FILE), 'utf8')) as RestoreMarker;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function clearRestoreMarker(dataDir: string): Promise<void> {
  return rm(join(dataDir, MARKER_FILE), { force: true });
}

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { foreignWriter, installSnapshot, STORE_FILE } from '../../datasources/store';
import { badInput, conflict } from '../../errors';
import { fileDigest, readManifest, type BackupManifest } from './backupManifest';
import { writeRestoreMarker } from './restoreMarker';

export interface FolderRestore {
  /** A folder backupToFolder wrote (or a scheduled backup's files, downloaded). */
  from: string;
  /** The data directory to restore into: it must not exist yet, or be empty. */
  dataDir: string;
  /** What the data directory's writer lock names while the restore runs. */
  holder: string;
}

/**
 * Restores a backup into an empty data directory: the manifest is read, the snapshot checked
 * against its size and SHA-256, and copied in under the directory's writer lock. A data directory
 * a live process holds, or one that holds anything, is refused: a restore never merges with or
 * overwrites a store. A marker left beside it makes the service, at its next start, re-apply the
 * personal-data erasures recorded since the backup (src/features/privacy.ts).
 */
export async function restoreFromFolder(options: FolderRestore): Promise<BackupManifest> {
  const manifest = await readManifest(options.from);
  const writer = foreignWriter(options.dataDir);
  if (writer) {
    throw conflict(
      `${options.dataDir} is in use: pid ${writer.pid} on ${writer.host} (${writer.holder}) writes it. ` +
        'A restore goes into an empty data directory: stop that process, and restore into a new DATA_DIR.',
    );
  }
  const present = await entriesOf(options.dataDir);
  if (present.length > 0) {
    const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? ', ...' : '');
    throw conflict(
      `${options.dataDir} is not empty (${shown}). A restore goes into an empty data directory: ` +
        'point DATA_DIR at a new folder, or move this one aside first.',
    );
  }
  const snapshotFile = join(options.from, STORE_FILE);
  const digest = await fileDigest(snapshotFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw badInput(`--from: ${options.from} has a manifest but no ${STORE_FILE}`, 'from');
    throw error;
  });
  if (digest.bytes !== manifest.file.bytes || digest.sha256 !== manifest.file.sha256) {
    const difference =
      digest.bytes !== manifest.file.bytes
        ? `${digest.bytes} bytes, ${manifest.file.bytes} expected`
        : 'its SHA-256 differs';
    throw badInput(
      `--from: ${snapshotFile} is not the file its manifest describes (${difference}): an incomplete or damaged copy`,
      'from',
    );
  }
  await installSnapshot(snapshotFile, options.dataDir, options.holder);
  await writeRestoreMarker(options.dataDir, manifest.createdAt);
  return manifest;
}

async function entriesOf(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { STORE_FILE } from '../../datasources/store';
import { badInput } from '../../errors';
import { fileDigest, manifestOf, writeManifest, type BackupManifest } from './backupManifest';

export interface FolderBackup {
  /** Writes the store's snapshot as `dir/data.mdb` (Store.snapshot of an embedded store). */
  snapshot(dir: string): Promise<void>;
  /** The data directory the store lives in, named in the manifest. */
  dataDir: string;
  /** Where the backup goes: a folder that does not exist yet, or an empty one. */
  to: string;
  /** The command-line flag that named `to`, for messages. */
  field?: string;
}

/**
 * Backs the embedded store up into a folder: LMDB's compacted snapshot, then its manifest with
 * the snapshot's size and SHA-256, written last. A folder that exists and holds anything is
 * refused, so a backup never mixes with other files or overwrites an older one. On failure the
 * folder is left as it was found.
 */
export async function backupToFolder(options: FolderBackup): Promise<BackupManifest> {
  const field = options.field ?? 'to';
  const created = await claimFolder(options.to, field);
  try {
    const createdAt = new Date();
    await options.snapshot(options.to);
    const digest = await fileDigest(join(options.to, STORE_FILE));
    const manifest = manifestOf(createdAt, digest, { dataDir: resolve(options.dataDir), host: hostname() });
    await writeManifest(options.to, manifest);
    return manifest;
  } catch (error) {
    await rm(join(options.to, STORE_FILE), { force: true });
    if (created) await rmdir(options.to).catch(() => undefined);
    throw error;
  }
}

/** Makes sure `folder` is there and empty; true when it was created here. */
async function claimFolder(folder: string, field: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw badInput(`--${field}: ${folder} is a file, not a folder`, field);
    if (code !== 'ENOENT') throw error;
    await mkdir(folder, { recursive: true });
    return true;
  }
  if (entries.length > 0) {
    throw badInput(
      `--${field}: ${folder} exists and is not empty (${entries.length} entries); back up into a new or an empty folder`,
      field,
    );
  }
  return false;
}

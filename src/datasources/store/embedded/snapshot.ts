import { constants } from 'node:fs';
import { copyFile, link, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireWriterLock } from './writerLock';

/** The file an LMDB environment keeps its pages in, in the data directory and in a snapshot. */
export const STORE_FILE = 'data.mdb';

/**
 * Puts a snapshot (the `data.mdb` Engine.snapshot wrote) in place as the store of a data
 * directory that has none. It holds the directory's writer lock meanwhile, so no service starts
 * on a half-copied file, and it links the copy in only once it is complete and on disk, never
 * over an existing store.
 */
export async function installSnapshot(snapshotFile: string, dataDir: string, holder: string): Promise<void> {
  const lock = acquireWriterLock(dataDir, holder);
  const target = join(dataDir, STORE_FILE);
  const partial = `${target}.restoring`;
  try {
    await copyFile(snapshotFile, partial, constants.COPYFILE_EXCL);
    const copied = await open(partial, 'r+');
    try {
      await copied.sync();
    } finally {
      await copied.close();
    }
    await link(partial, target);
  } finally {
    await unlink(partial).catch(() => undefined);
    lock.release();
  }
}

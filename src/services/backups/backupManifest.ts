import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STORE_FILE } from '../../datasources/store';
import { badInput } from '../../errors';

/** Written last into a backup folder: a folder without it holds no complete backup. */
export const BACKUP_MANIFEST = 'manifest.json';

const BACKUP_KIND = 'campaign-hub-store-backup';

/** What a backup folder holds: one snapshot of the embedded store, and how to check it. */
export interface BackupManifest {
  kind: typeof BACKUP_KIND;
  version: 1;
  /** When the snapshot began: it holds every write committed before this time. */
  createdAt: string;
  /** The snapshot: an LMDB environment file, compacted. */
  file: { name: typeof STORE_FILE; bytes: number; sha256: string };
  /** The data directory and host it was taken from. */
  source: { dataDir: string; host: string };
}

/** Bytes and SHA-256 (hex) of a file, read as a stream. */
export async function fileDigest(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { bytes: (await stat(path)).size, sha256: hash.digest('hex') };
}

/** Writes the manifest into `folder` in one step (a rename), so a reader never sees half of it. */
export async function writeManifest(folder: string, manifest: BackupManifest): Promise<void> {
  const path = join(folder, BACKUP_MANIFEST);
  await writeFile(`${path}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.partial`, path);
}

/** The manifest of a snapshot begun at `createdAt`. */
export function manifestOf(
  createdAt: Date,
  digest: { bytes: number; sha256: string },
  source: BackupManifest['source'],
): BackupManifest {
  return {
    kind: BACKUP_KIND,
    version: 1,
    createdAt: createdAt.toISOString(),
    file: { name: STORE_FILE, ...digest },
    source,
  };
}

/** The manifest of a backup folder; BAD_USER_INPUT saying what is wrong with the folder otherwise. */
export async function readManifest(folder: string, field = 'from'): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(folder, BACKUP_MANIFEST), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw badInput(
        `--${field}: ${folder} holds no backup (no ${BACKUP_MANIFEST}; an interrupted backup has none)`,
        field,
      );
    }
    throw error;
  }
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    throw badInput(`--${field}: ${join(folder, BACKUP_MANIFEST)} is not JSON`, field);
  }
  if (manifest.kind !== BACKUP_KIND || manifest.version !== 1 || manifest.file?.name !== STORE_FILE) {
    throw badInput(`--${field}: ${join(folder, BACKUP_MANIFEST)} is not the manifest of a store backup`, field);
  }
  return manifest as BackupManifest;
}

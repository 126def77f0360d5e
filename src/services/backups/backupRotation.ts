import type { ObjectStore, StoredObject } from '../../datasources/objects/port';
import { BACKUP_MANIFEST } from './backupManifest';

/** Scheduled backups on the objects port: `backups/<time>/data.mdb` with `manifest.json` beside it. */
export const BACKUPS_PREFIX = 'backups/';

/** A backup's folder name: its start time, sortable as text and valid as an object key. */
export const backupFolderName = (createdAt: Date) => createdAt.toISOString().replace(/:/g, '');

/**
 * Which backup folders to remove once `newest` is complete: complete backups past the `keep`
 * newest, and incomplete ones (runs that failed before their manifest) older than `newest`.
 * Folders newer than `newest` are another run's, still being written: left alone.
 */
export function foldersToRemove(objects: readonly StoredObject[], keep: number, newest: string): string[] {
  const folders = new Map<string, boolean>();
  for (const { key } of objects) {
    const [folder, ...rest] = key.slice(BACKUPS_PREFIX.length).split('/');
    if (!folder || rest.length === 0) continue;
    folders.set(folder, (folders.get(folder) ?? false) || rest.join('/') === BACKUP_MANIFEST);
  }
  const older = [...folders].filter(([name]) => name <= newest).sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0));
  const kept = new Set(
    older
      .filter(([, complete]) => complete)
      .slice(0, keep)
      .map(([name]) => name),
  );
  return older.filter(([name]) => !kept.has(name) && name !== newest).map(([name]) => name);
}

/** Removes the backup folders foldersToRemove names; returns their names. */
export async function removeBackupsPast(objects: ObjectStore, keep: number, newest: string): Promise<string[]> {
  const removed = foldersToRemove(await objects.list(BACKUPS_PREFIX), keep, newest);
  for (const folder of removed) {
    for (const object of await objects.list(`${BACKUPS_PREFIX}${folder}/`)) await objects.delete(object.key);
  }
  return removed;
}

import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { ObjectStore } from '../../datasources/objects/port';
import { STORE_FILE, type Store } from '../../datasources/store';
import { PermanentJobError, type JobType } from '../../jobs/jobType';
import { BACKUP_MANIFEST, fileDigest, manifestOf } from './backupManifest';
import { BACKUPS_PREFIX, backupFolderName, removeBackupsPast } from './backupRotation';

export const STORE_BACKUP_JOB = 'store-backup';

/** Under DATA_DIR: where a scheduled backup's snapshot waits for its upload. */
const STAGING_FOLDER = 'backup-staging';

export interface StoreBackupDeps {
  store: Pick<Store, 'snapshot'>;
  objects: ObjectStore;
  dataDir: string;
  /** Complete backups kept on the objects port (BACKUP_KEEP). */
  keep: number;
}

export interface StoreBackupResult {
  /** The backup's folder on the objects port. */
  folder: string;
  createdAt: string;
  bytes: number;
  sha256: string;
  /** Older backup folders removed to keep the last `keep`. */
  removed: string[];
}

/** An empty staging folder for this run; what a run killed mid-way left is removed (one backup runs at a time). */
async function freshStaging(dataDir: string, jobId: string): Promise<string> {
  const root = join(dataDir, STAGING_FOLDER);
  for (const left of await readdir(root).catch(() => [])) await rm(join(root, left), { recursive: true, force: true });
  const staging = join(root, jobId);
  await mkdir(staging, { recursive: true });
  return staging;
}

/**
 * The STORE_BACKUP schedule's job: a snapshot of the embedded store (taken by the writing process
 * itself, in one read transaction while it goes on writing) staged under DATA_DIR, uploaded to
 * the objects port with its manifest last, then the backups past the newest BACKUP_KEEP removed.
 */
export function storeBackupJob(deps: StoreBackupDeps): JobType<Record<string, never>, StoreBackupResult> {
  return {
    name: STORE_BACKUP_JOB,
    params: z.object({}).strict(),
    options: { attempts: 2, backoffMs: 60_000, timeoutMs: 6 * 3600_000 },
    async perform(_params, context) {
      const snapshot = deps.store.snapshot;
      if (!snapshot) {
        throw new PermanentJobError(
          "Scheduled backups copy the embedded store; on MongoDB use mongodump or the provider's snapshots " +
            '(docs/operations.md#backups) and leave CRON_STORE_BACKUP unset',
          'BAD_USER_INPUT',
        );
      }
      const staging = await freshStaging(deps.dataDir, context.jobId);
      try {
        const createdAt = new Date();
        await snapshot(staging);
        await context.progress(0.3, 'snapshot taken');
        const file = join(staging, STORE_FILE);
        const digest = await fileDigest(file);
        const name = backupFolderName(createdAt);
        const folder = `${BACKUPS_PREFIX}${name}`;
        await deps.objects.put(`${folder}/${STORE_FILE}`, createReadStream(file));
        const manifest = manifestOf(createdAt, digest, { dataDir: resolve(deps.dataDir), host: hostname() });
        await deps.objects.put(
          `${folder}/${BACKUP_MANIFEST}`,
          `${JSON.stringify(manifest, null, 2)}\n`,
          'application/json',
        );
        await context.progress(0.9, 'uploaded');
        const removed = await removeBackupsPast(deps.objects, deps.keep, name);
        context.logger.info({ folder, bytes: digest.bytes, removed }, 'store backed up to the objects port');
        return { folder, createdAt: manifest.createdAt, bytes: digest.bytes, sha256: digest.sha256, removed };
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
  };
}

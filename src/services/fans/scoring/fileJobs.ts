import type { ObjectReadResult, ObjectStore, StoredObject } from '../../../datasources/objects/port';
import { AppError } from '../../../errors';
import { PermanentJobError, type JobTypeOptions } from '../../../jobs/jobType';
import { settingNote, type UploadLimits } from '../../uploads/uploadLimits';

/**
 * Scored files and fanlists run on a queue of their own: a 50-million-row file takes its time
 * and must not hold the slots of the service's short jobs. A retry resumes its scoring where
 * the failed attempt stopped (see applyInBatches).
 */
export const fileJobOptions: JobTypeOptions = { queue: 'fan-files', attempts: 3, timeoutMs: 6 * 3600_000 };

/** What tells two versions of one key apart: a file replaced under its key is another file. */
export const objectVersion = (object: StoredObject) => `${object.lastModified.getTime()}-${object.size}`;

/** The stored file, or a job failure no retry can fix (gone, or over the kind's byte limit). */
export async function openObject(objects: ObjectStore, key: string, limits: UploadLimits): Promise<ObjectReadResult> {
  const stored = await objects.get(key);
  if (!stored) throw new PermanentJobError(`The file ${key} is not on the objects port`, 'NOT_FOUND');
  if (stored.size > limits.maxBytes) {
    stored.body.destroy();
    throw new PermanentJobError(
      `The file ${key} has ${stored.size} bytes, over the limit of ${limits.maxBytes}${settingNote(limits.settings?.bytes)}`,
      'PAYLOAD_TOO_LARGE',
    );
  }
  return stored;
}

/** Runs `work`; a coded error about the file itself (its header, its size) fails the job at once. */
export async function permanentFileError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && ['BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE', 'NOT_FOUND'].includes(error.code)) {
      throw new PermanentJobError(error.message, error.code);
    }
    throw error;
  }
}

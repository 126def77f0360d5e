import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../../../datasources/objects/port';
import { ByteLimit } from '../../uploads/byteLimit';
import { asUploadError, tooManyBytes } from '../../uploads/uploadError';
import type { UploadLimits } from '../../uploads/uploadLimits';

/** An upload kept on the objects port for the job that reads it. */
export interface SpooledUpload {
  uploadId: string;
  key: string;
  /** Data rows, counted by the caller's reader. */
  rows: number;
}

export interface SpoolInput {
  source: Readable;
  /** Folder of the objects port, e.g. `uploads/fan-codes`. */
  prefix: string;
  /** File extension of the stored copy (the format it is read as). */
  extension: string;
  limits: UploadLimits;
  /** Reads the stored copy through, counting data rows; throws what makes the file unusable. */
  countRows(stored: Readable): Promise<number>;
}

/**
 * Keeps an upload on the objects port before a job takes it, and reads it through once, so that
 * a file over its byte or row limit, or of the wrong shape, is refused in the request itself
 * (PAYLOAD_TOO_LARGE or BAD_USER_INPUT) with nothing kept, and the job starts from a file known
 * to be readable. The job deletes the copy when it is done with it.
 */
export async function spoolUpload(objects: ObjectStore, input: SpoolInput): Promise<SpooledUpload> {
  const uploadId = randomUUID();
  const key = `${input.prefix}/${uploadId}.${input.extension}`;
  const limit = new ByteLimit(input.limits.maxBytes, tooManyBytes(input.limits).message);
  input.source.on('error', (error) => limit.destroy(asUploadError(error, input.limits) as Error));
  if (input.source.errored) limit.destroy(asUploadError(input.source.errored, input.limits) as Error);
  else input.source.pipe(limit);
  try {
    await objects.put(key, limit);
    const stored = await objects.get(key);
    if (!stored) throw new Error(`the upload ${key} was not stored`);
    const rows = await input.countRows(stored.body);
    return { uploadId, key, rows };
  } catch (error) {
    await objects.delete(key);
    throw asUploadError(error, input.limits);
  } finally {
    input.source.unpipe(limit);
    input.source.destroy();
  }
}

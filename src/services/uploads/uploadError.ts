import { AppError, payloadTooLarge } from '../../errors';
import { settingNote, type UploadLimits } from './uploadLimits';

/** The multipart middleware's own size error (http-errors, status 413): a file cut at its cap. */
export const isCutBySizeCap = (error: unknown) =>
  !(error instanceof AppError) && (error as { status?: number })?.status === 413;

/** PAYLOAD_TOO_LARGE naming the kind's byte limit and its setting. */
export const tooManyBytes = (limits: UploadLimits) =>
  payloadTooLarge(
    `The file is larger than the limit of ${limits.maxBytes} bytes${settingNote(limits.settings?.bytes)}`,
  );

/** An upload's failure in the API's error shape: a file the middleware cut answers as one over the kind's limit. */
export function asUploadError(error: unknown, limits: UploadLimits): unknown {
  return isCutBySizeCap(error) ? tooManyBytes(limits) : error;
}

import { Readable, type Writable } from 'node:stream';
import processRequest, { type FileUpload, type ProcessRequestFunction } from 'graphql-upload/processRequest.mjs';
import Upload from 'graphql-upload/Upload.mjs';
import { AppError, badInput, payloadTooLarge } from '../errors';

/** A GraphQL multipart file: its bytes as a stream and the name the client gave (raw: the service sanitizes it). */
export interface UploadedFile {
  stream: Readable;
  filename: string;
}

/**
 * Waits for the file of a GraphQL multipart upload. A file the middleware already cut comes as a
 * stream that fails with that error, so the service reading it answers with its own kind's limit.
 */
export async function receiveUpload(file: Promise<FileUpload>): Promise<UploadedFile> {
  // a request the parser could not read fails here in the API's shape (see processUploadRequest)
  const upload = await file;
  if (!upload?.createReadStream) throw badInput('file: a file sent as a GraphQL multipart upload', 'file');
  let stream: Readable;
  try {
    stream = upload.createReadStream();
  } catch (error) {
    stream = Readable.from([]);
    stream.destroy(error as Error);
  }
  // an error raised before the service starts reading (a file cut at the cap) must not go unheard
  stream.on('error', () => undefined);
  // a file refused part way (over its kind's limit) is not spooled to disk any further: the
  // rest of the request is still read, but dropped
  const spool = (upload as { capacitor?: Writable }).capacitor;
  stream.once('close', () => {
    if (spool && !spool.writableFinished) spool.destroy();
  });
  return { stream, filename: upload.filename };
}

function multipartError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { status, message } = error as { status?: number; message?: string };
  if (status === 413) return payloadTooLarge(String(message));
  return badInput(`The multipart request could not be read: ${String(message)}`, 'file');
}

/**
 * graphql-upload's request processing, with each file's promise failing in the API's error shape:
 * a request the multipart parser could not read (a part header with a NUL byte, a body cut
 * short) answers BAD_USER_INPUT, not an internal error. The promise is wrapped here because its
 * failure reaches the resolver's arguments before the resolver runs.
 */
export const processUploadRequest: ProcessRequestFunction = async (request, response, options) => {
  const operations = await processRequest(request, response, options);
  for (const upload of uploadsIn(operations)) {
    upload.promise = upload.promise.catch((error: unknown) => {
      throw multipartError(error);
    });
    upload.promise.catch(() => undefined);
  }
  return operations;
};

function* uploadsIn(value: unknown, depth = 0): Generator<Upload> {
  if (value instanceof Upload) yield value;
  else if (value && typeof value === 'object' && depth < 16) {
    for (const child of Object.values(value)) yield* uploadsIn(child, depth + 1);
  }
}

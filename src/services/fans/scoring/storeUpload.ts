import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { ObjectStore } from '../../../datasources/objects/port';
import { badInput, payloadTooLarge } from '../../../errors';
import { ByteLimit } from '../../uploads/byteLimit';
import { asUploadError, tooManyBytes } from '../../uploads/uploadError';
import { settingNote, type UploadLimits } from '../../uploads/uploadLimits';

export interface StoreUploadOptions {
  objects: ObjectStore;
  key: string;
  source: Readable;
  contentType: string;
  /** The kind's byte and row limits (rows: non-blank lines after the header). */
  limits: UploadLimits;
  /** Longest header line read. */
  maxHeaderBytes: number;
  /** Throws a coded error when the header line (BOM and CR removed) cannot be the kind's. */
  checkHeader(header: string): void;
}

const NEWLINE = 10;
const CR = 13;

/**
 * Streams an upload to the objects port. Its header is checked as soon as it has arrived and
 * its bytes and lines are counted as they pass: a bad header, a file over the kind's byte limit
 * or with more rows than its row limit fails the write, and the objects port keeps nothing
 * (its writes appear whole or not at all). Answers the bytes and rows kept.
 */
export async function storeUpload(options: StoreUploadOptions): Promise<{ bytes: number; rows: number }> {
  const { source, limits } = options;
  const limit = new ByteLimit(limits.maxBytes, tooManyBytes(limits).message);
  const gate = new UploadGate(options);
  let failure: unknown = null;
  const fail = (stream: Transform) => (error: unknown) => {
    failure ??= asUploadError(error, limits);
    stream.destroy(failure as Error);
  };
  source.on('error', fail(limit));
  limit.on('error', fail(gate));
  gate.on('error', (error) => {
    failure ??= error;
  });
  if (source.errored) fail(limit)(source.errored);
  else source.pipe(limit).pipe(gate);
  try {
    await options.objects.put(options.key, gate, options.contentType);
  } catch (error) {
    throw failure ?? error;
  } finally {
    source.unpipe(limit);
    source.destroy();
  }
  return { bytes: limit.bytes, rows: gate.rows };
}

/** Checks the header line once it is complete and counts the non-blank lines after it. */
class UploadGate extends Transform {
  /** Non-blank lines after the header. */
  rows = 0;
  private header: Buffer[] | null = [];
  private headerBytes = 0;
  private lineBytes = 0;
  private lastByte = -1;
  private headerEnded = false;

  constructor(private readonly options: StoreUploadOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.collectHeader(chunk);
      this.countLines(chunk);
      callback(null, chunk);
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.header) this.checkHeader(Buffer.concat(this.header));
      else if (!this.blankLine()) this.addRow();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private collectHeader(chunk: Buffer): void {
    if (!this.header) return;
    const end = chunk.indexOf(NEWLINE);
    const part = end === -1 ? chunk : chunk.subarray(0, end);
    this.header.push(part);
    this.headerBytes += part.length;
    if (this.headerBytes > this.options.maxHeaderBytes) {
      throw badInput(
        `The file's first line is longer than ${this.options.maxHeaderBytes} bytes: it is not a header`,
        'file',
      );
    }
    if (end !== -1) this.checkHeader(Buffer.concat(this.header));
  }

  private checkHeader(bytes: Buffer): void {
    this.header = null;
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.options.checkHeader(text);
  }

  /** Lines end at LF; a line of nothing (or a lone CR) is blank. The first line ended is the header. */
  private countLines(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.lineBytes += end - start;
      if (end > start) this.lastByte = chunk[end - 1]!;
      if (this.headerEnded) {
        if (!this.blankLine()) this.addRow();
      } else this.headerEnded = true;
      this.lineBytes = 0;
      this.lastByte = -1;
      start = end + 1;
    }
    this.lineBytes += chunk.length - start;
    if (chunk.length > start) this.lastByte = chunk[chunk.length - 1]!;
  }

  private blankLine(): boolean {
    return !this.headerEnded || this.lineBytes === 0 || (this.lineBytes === 1 && this.lastByte === CR);
  }

  private addRow(): void {
    this.rows += 1;
    const { maxRows, settings } = this.options.limits;
    if (this.rows > maxRows)
      throw payloadTooLarge(`The file has more than ${maxRows} rows${settingNote(settings?.rows)}`);
  }
}

import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badInput } from '../../errors';
import type { SpreadsheetLimits } from './uploadLimits';
import { readZipDirectory, type ZipFile } from './zipDirectory';

/** Parts this small are never checked for their ratio: tiny XML compresses well and is harmless. */
const RATIO_FLOOR_BYTES = 1024 * 1024;
/** Bytes one character of a cell may take in the XML: an entity such as &#x1F600; is 10. */
const XML_BYTES_PER_CHAR = 10;
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;

type Limits = Pick<SpreadsheetLimits, 'maxCellChars' | 'maxEntryBytes' | 'maxCompressionRatio'>;

/**
 * The parts of an uploaded .xlsx, spooled to a temporary file so its zip directory can be read
 * first: each part's declared size and compression ratio are checked before it is inflated,
 * and its inflation is bounded as it runs (a part that inflates past what it declared, or holds
 * a text run longer than any cell may be, is refused). Close it to remove the file.
 */
export class XlsxParts {
  private constructor(
    private readonly dir: string,
    private readonly files: ZipFile[],
    private readonly limits: Limits,
  ) {}

  static async open(input: Readable, limits: Limits): Promise<XlsxParts> {
    const dir = await mkdtemp(join(tmpdir(), 'upload-'));
    try {
      const path = join(dir, 'upload.xlsx');
      await pipeline(input, createWriteStream(path));
      return new XlsxParts(dir, await readZipDirectory(path), limits);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Paths of the parts, in the zip's order. */
  paths(): string[] {
    return this.files.map((file) => file.path);
  }

  /** The inflated part, checked before and bounded while it is read; null when the zip has none. */
  read(path: string): Readable | null {
    const file = this.files.find((candidate) => candidate.path === path);
    if (!file) return null;
    checkDeclaredSize(file, this.limits);
    const guard = new InflationGuard(
      file,
      this.limits.maxCellChars * XML_BYTES_PER_CHAR + 1024,
      this.limits.maxCellChars,
    );
    const inflated = file.stream();
    inflated.on('error', (error) => guard.destroy(error));
    guard.on('close', () => inflated.destroy());
    return inflated.pipe(guard);
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

function checkDeclaredSize(file: ZipFile, limits: Limits): void {
  const size = file.uncompressedSize;
  if (size > limits.maxEntryBytes) {
    throw badInput(
      `The .xlsx part ${file.path} is ${size} bytes uncompressed; ` +
        `the limit is ${limits.maxEntryBytes} bytes (UPLOAD_XLSX_MAX_ENTRY_BYTES)`,
      'file',
    );
  }
  const ratio = size / Math.max(1, file.compressedSize);
  if (size > RATIO_FLOOR_BYTES && ratio > limits.maxCompressionRatio) {
    throw badInput(
      `The .xlsx part ${file.path} would inflate ${Math.round(ratio)} times its compressed size (a zip bomb?); ` +
        `the highest compression ratio accepted is ${limits.maxCompressionRatio} (UPLOAD_XLSX_MAX_COMPRESSION_RATIO)`,
      'file',
    );
  }
}

/**
 * Counts a part's inflated bytes against what its header declared, and the longest run of bytes
 * between XML markup (a cell's text, an attribute), so the XML parser is never handed a token it
 * would have to hold whole.
 */
class InflationGuard extends Transform {
  private inflated = 0;
  private run = 0;

  constructor(
    private readonly file: ZipFile,
    private readonly maxRunBytes: number,
    private readonly maxCellChars: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.inflated += chunk.length;
    if (this.inflated > this.file.uncompressedSize) {
      callback(
        badInput(
          `The .xlsx part ${this.file.path} inflates to more than the ${this.file.uncompressedSize} bytes ` +
            'its zip header declares: the file is corrupt',
          'file',
        ),
      );
      return;
    }
    let run = this.run;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === LESS_THAN || byte === GREATER_THAN) run = 0;
      else if (++run > this.maxRunBytes) {
        callback(
          badInput(
            `The .xlsx part ${this.file.path} holds a cell longer than ${this.maxCellChars} characters ` +
              '(UPLOAD_MAX_CELL_CHARS)',
            'file',
          ),
        );
        return;
      }
    }
    this.run = run;
    callback(null, chunk);
  }
}

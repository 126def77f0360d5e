import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { badInput } from '../../errors';

/** One file of a zip as its central directory describes it. */
export interface ZipFile {
  path: string;
  compressedSize: number;
  uncompressedSize: number;
  /** The file's bytes, inflated; no more than its declared compressed size is read from the archive. */
  stream(): Readable;
}

interface Placement {
  flags: number;
  method: number;
  compressedSize: number;
  localOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_RECORD_BYTES = 22;
const DIRECTORY_ENTRY_BYTES = 46;
const LOCAL_HEADER_BYTES = 30;
const MAX_COMMENT_BYTES = 0xffff;
const ZIP64_MARK = 0xffffffff;
const ENCRYPTED = 0x1;
const STORED = 0;
const DEFLATED = 8;

const corrupt = (why: string) => badInput(`The .xlsx file could not be read: ${why}`, 'file');

/**
 * Reads the central directory of the zip at `archive`: every file's name and declared sizes,
 * known before anything is inflated (a streamed local header may hide them until its data
 * ends). Only what an .xlsx needs: no ZIP64, no encryption, stored or deflated files.
 */
export async function readZipDirectory(archive: string): Promise<ZipFile[]> {
  const handle = await open(archive, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, END_RECORD_BYTES + MAX_COMMENT_BYTES);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let end = tail.length - END_RECORD_BYTES;
    while (end >= 0 && tail.readUInt32LE(end) !== END_OF_DIRECTORY) end--;
    if (end < 0) throw corrupt('it is not a zip archive');
    const count = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directorySize === ZIP64_MARK || directoryOffset === ZIP64_MARK)
      throw corrupt('ZIP64 archives are not accepted');
    if (directoryOffset + directorySize > size) throw corrupt('its directory lies past its end');
    const directory = await readAt(handle, directoryOffset, directorySize);
    const files: ZipFile[] = [];
    for (let at = 0, index = 0; index < count; index++) {
      if (at + DIRECTORY_ENTRY_BYTES > directory.length || directory.readUInt32LE(at) !== DIRECTORY_ENTRY)
        throw corrupt('its directory is damaged');
      const placement: Placement = {
        flags: directory.readUInt16LE(at + 8),
        method: directory.readUInt16LE(at + 10),
        compressedSize: directory.readUInt32LE(at + 20),
        localOffset: directory.readUInt32LE(at + 42),
      };
      const nameLength = directory.readUInt16LE(at + 28);
      const path = directory
        .subarray(at + DIRECTORY_ENTRY_BYTES, at + DIRECTORY_ENTRY_BYTES + nameLength)
        .toString('utf8');
      const uncompressedSize = directory.readUInt32LE(at + 24);
      at += DIRECTORY_ENTRY_BYTES + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
      if (placement.compressedSize === ZIP64_MARK || uncompressedSize === ZIP64_MARK)
        throw corrupt(`${path} needs ZIP64, which is not accepted`);
      files.push({
        path,
        compressedSize: placement.compressedSize,
        uncompressedSize,
        stream: () => inflated(archive, path, placement),
      });
    }
    return files;
  } finally {
    await handle.close();
  }
}

/** The file's data, found after its local header, inflated as it is read. */
function inflated(archive: string, path: string, placement: Placement): Readable {
  const out = new PassThrough();
  if (placement.flags & ENCRYPTED) return out.destroy(corrupt(`${path} is encrypted`));
  if (placement.method !== STORED && placement.method !== DEFLATED)
    return out.destroy(corrupt(`${path} uses an unknown compression`));
  void dataOffset(archive, placement.localOffset).then(
    (start) => {
      if (out.destroyed) return;
      const raw = createReadStream(archive, { start, end: start + placement.compressedSize - 1 });
      const source = placement.method === DEFLATED ? raw.pipe(createInflateRaw()) : raw;
      raw.on('error', (error) => out.destroy(error));
      source.on('error', (error: Error) => out.destroy(corrupt(`${path}: ${error.message}`)));
      out.on('close', () => raw.destroy());
      if (placement.compressedSize === 0) out.end();
      else source.pipe(out);
    },
    (error: Error) => out.destroy(error),
  );
  return out;
}

async function dataOffset(archive: string, localOffset: number): Promise<number> {
  const handle = await open(archive, 'r');
  try {
    const header = await readAt(handle, localOffset, LOCAL_HEADER_BYTES);
    if (header.length < LOCAL_HEADER_BYTES || header.readUInt32LE(0) !== LOCAL_HEADER)
      throw corrupt('a file header is damaged');
    return localOffset + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

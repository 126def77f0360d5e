import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const LOCAL_HEADER = 0x04034b50;
const DIRECTORY_ENTRY = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const DEFLATED = 8;
const VERSION = 20;
/** Names are UTF-8 (general purpose flag bit 11). */
const UTF8 = 0x800;
const MAX_32 = 0xffffffff;

/**
 * A zip archive of the entries, each deflated, as any unzip tool reads it (no ZIP64: each entry
 * and the whole archive under 4 GiB, which a wave prep's few CSV files are far from).
 */
export function zipArchive(entries: ZipEntry[], modified = new Date()): Buffer {
  const { time, date } = dosDateTime(modified);
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    if (entry.data.length >= MAX_32 || offset + compressed.length >= MAX_32) {
      throw new Error(`${entry.name} is too large for a zip without ZIP64`);
    }
    const checksum = crc32(entry.data);
    const fields = { checksum, compressed: compressed.length, size: entry.data.length, time, date, name };
    const local = header(LOCAL_HEADER, 30, fields);
    parts.push(local, name, compressed);
    const central = header(DIRECTORY_ENTRY, 46, fields);
    central.writeUInt32LE(offset, 42);
    directory.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directoryBytes = directory.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...directory, end]);
}

interface HeaderFields {
  checksum: number;
  compressed: number;
  size: number;
  time: number;
  date: number;
  name: Buffer;
}

/** A local header (30 bytes) or a central directory entry (46): the same fields at shifted offsets. */
function header(signature: number, length: 30 | 46, fields: HeaderFields): Buffer {
  const buffer = Buffer.alloc(length);
  const central = length === 46;
  // the central entry has "version made by" before the fields both share
  const at = central ? 2 : 0;
  buffer.writeUInt32LE(signature, 0);
  if (central) buffer.writeUInt16LE(VERSION, 4);
  buffer.writeUInt16LE(VERSION, 4 + at);
  buffer.writeUInt16LE(UTF8, 6 + at);
  buffer.writeUInt16LE(DEFLATED, 8 + at);
  buffer.writeUInt16LE(fields.time, 10 + at);
  buffer.writeUInt16LE(fields.date, 12 + at);
  buffer.writeUInt32LE(fields.checksum, 14 + at);
  buffer.writeUInt32LE(fields.compressed, 18 + at);
  buffer.writeUInt32LE(fields.size, 22 + at);
  buffer.writeUInt16LE(fields.name.length, 26 + at);
  return buffer;
}

/** MS-DOS time and date fields (local time, two-second resolution), as zip headers hold them. */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getFullYear());
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}

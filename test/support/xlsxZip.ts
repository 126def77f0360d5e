import { crc32, createDeflateRaw } from 'node:zlib';

/** One file of a zip: its bytes produced in parts (so a large entry never sits in memory whole). */
export interface ZipEntry {
  path: string;
  parts: () => Iterable<Buffer>;
  /** What the local and central headers claim; the real size when not given. */
  declaredSize?: number;
}

/**
 * Writes a zip (deflate, sizes in the headers) the way a hostile client can: the entry sizes it
 * declares are whatever the caller says, and an entry may inflate to far more than the file.
 */
export async function zipOf(entries: ZipEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { compressed, size, crc } = await deflateParts(entry.parts());
    const name = Buffer.from(entry.path);
    const declared = entry.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(compressed.length, 20);
    header.writeUInt32LE(declared, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    chunks.push(local, name, compressed);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

async function deflateParts(parts: Iterable<Buffer>): Promise<{ compressed: Buffer; size: number; crc: number }> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let size = 0;
  let crc = 0;
  for (const part of parts) {
    size += part.length;
    crc = crc32(part, crc);
    if (!deflate.write(part)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { compressed: Buffer.concat(out), size, crc };
}

const once = (text: string) => () => [Buffer.from(text)];

/**
 * A minimal .xlsx whose first sheet has a header row `email` and one row whose cell A2 holds
 * `cellParts` (inline string), plus `more` rows of e-mails.
 */
export function sheetWorkbook(
  cellParts: () => Iterable<Buffer>,
  options: { declaredSheetSize?: number } = {},
): Promise<Buffer> {
  const sheet = function* () {
    yield Buffer.from(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
        '<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row>' +
        '<row r="2"><c r="A2" t="inlineStr"><is><t>',
    );
    yield* cellParts();
    yield Buffer.from('</t></is></c></row></sheetData></worksheet>');
  };
  return zipOf([
    {
      path: '[Content_Types].xml',
      parts: once(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          '<Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
          '</Types>',
      ),
    },
    {
      path: '_rels/.rels',
      parts: once(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
          '</Relationships>',
      ),
    },
    {
      path: 'xl/workbook.xml',
      parts: once(
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
          '<sheet name="Members" sheetId="1" r:id="rId1"/></sheets></workbook>',
      ),
    },
    {
      path: 'xl/_rels/workbook.xml.rels',
      parts: once(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
          '</Relationships>',
      ),
    },
    { path: 'xl/worksheets/sheet1.xml', parts: sheet, declaredSize: options.declaredSheetSize },
  ]);
}

/** `total` bytes of the letter a, in 1 MiB parts. */
export function repeatedA(total: number): () => Iterable<Buffer> {
  return function* () {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    for (let left = total; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  };
}

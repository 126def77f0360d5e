import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { assertValidKey, type ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { FAN_RECORD_TYPES, type FanRecordType } from '../records';
import { avroRecords } from '../lake/avroFiles';
import { LakeFileCounts } from '../lake/lakeFileCounts';
import { archivedBase, isMergedKey, supersededBase } from '../lake/lakePaths';
import { forEachLimit } from '../lake/mapLimit';
import { AVRO_CONTENT_TYPE } from '../lake/mergeStage';

/** Files read and copied at once. */
const COPIES = 4;
const LISTED_REJECTS = 1000;

export interface LakeImportResult {
  dir: string;
  /** Files found under the directory. */
  files: number;
  /** Files now under avro/archived/ as originals, and their records. */
  archived: number;
  records: number;
  /** Merged files of the old lake whose originals came too: under .../superseded/, not counted. */
  superseded: number;
  /** Files the same path brought twice (live and archived in the old bucket): kept once. */
  duplicates: number;
  rejected: number;
  rejects: { file: string; reason: string }[];
}

interface OldLakeFile {
  path: string;
  recordType: FanRecordType;
  /** The path under the record type's folder: YYYY/MM/DD/name. */
  subPath: string;
}

/**
 * Registers the old system's lake (a local copy of its bucket's `avro/` tree: {type}/YYYY/MM/DD/...
 * and archived/{type}/...) as archived history: each file is read with the writer schema it
 * carries, counted, and copied to avro/archived/{type}/{its path}. A merged file whose folder also
 * holds the files it was merged from is superseded (kept apart, not counted), so each record is
 * counted once. Run again, it copies nothing twice.
 */
export async function importLakeTree(deps: { db: Db; objects: ObjectStore }, dir: string): Promise<LakeImportResult> {
  const result: LakeImportResult = {
    dir,
    files: 0,
    archived: 0,
    records: 0,
    superseded: 0,
    duplicates: 0,
    rejected: 0,
    rejects: [],
  };
  const reject = (file: string, reason: string) => {
    result.rejected += 1;
    if (result.rejects.length < LISTED_REJECTS) result.rejects.push({ file, reason });
  };
  const found = new Map<string, OldLakeFile>();
  const paths = await filesUnder(dir);
  result.files = paths.length;
  // archived/ first: a file the old bucket holds in both places is the archived one
  const ordered = paths.map((path) => relative(dir, path).split(sep).join('/')).sort(archivedFirst);
  for (const path of ordered) {
    const file = oldLakeFile(path);
    if ('reason' in file) {
      reject(path, file.reason);
      continue;
    }
    const key = `${file.recordType}/${file.subPath}`;
    if (found.has(key)) result.duplicates += 1;
    else found.set(key, file);
  }
  const files = [...found.values()];
  const withOriginals = foldersWithOriginals(files);
  const counts = new LakeFileCounts(deps.db);
  await forEachLimit(files, COPIES, async (file) => {
    const superseded = isMergedKey(file.subPath) && withOriginals.has(folderOf(file));
    const base = superseded ? supersededBase(file.recordType) : archivedBase(file.recordType);
    const destination = `${base}/${file.subPath}`;
    let records = 0;
    try {
      for await (const _record of avroRecords(createReadStream(join(dir, file.path)), file.path)) records += 1;
    } catch (error) {
      reject(file.path, (error as Error).message);
      return;
    }
    await copyOnce(deps.objects, join(dir, file.path), destination);
    await counts.save([{ _id: destination, recordType: file.recordType, records, source: 'IMPORT', mergeId: null }]);
    if (superseded) {
      result.superseded += 1;
    } else {
      result.archived += 1;
      result.records += records;
    }
  });
  result.rejects.sort((a, b) => a.file.localeCompare(b.file));
  return result;
}

function oldLakeFile(path: string): OldLakeFile | { reason: string } {
  const segments = path.replace(/^avro\//, '').split('/');
  if (segments[0] === 'archived') segments.shift();
  const [recordType, ...rest] = segments;
  if (!(FAN_RECORD_TYPES as readonly string[]).includes(recordType ?? '')) {
    return { reason: `not under a record type folder (${FAN_RECORD_TYPES.join(', ')})` };
  }
  if (rest.length === 0) return { reason: 'a file directly in the record type folder: no date folders' };
  const subPath = rest.join('/');
  try {
    assertValidKey(subPath);
  } catch {
    return { reason: 'its path has characters an object key cannot hold' };
  }
  return { path, recordType: recordType as FanRecordType, subPath };
}

/**
 * The folders (`{type}/YYYY/MM/...`) that hold something a merged file in them would repeat:
 * any file in a folder below, or a file in the folder itself that is not a merged one.
 */
function foldersWithOriginals(files: OldLakeFile[]): Set<string> {
  const folders = new Set<string>();
  for (const file of files) {
    const segments = file.subPath.split('/');
    const own = segments.length - 1;
    for (let depth = 0; depth <= own; depth += 1) {
      if (depth < own || !isMergedKey(file.subPath))
        folders.add(`${file.recordType}/${segments.slice(0, depth).join('/')}`);
    }
  }
  return folders;
}

const folderOf = (file: OldLakeFile) => `${file.recordType}/${file.subPath.split('/').slice(0, -1).join('/')}`;

/** Copies a file to `key` unless an object of the same size is there already (an earlier run). */
async function copyOnce(objects: ObjectStore, path: string, key: string): Promise<void> {
  const { size } = await stat(path);
  const existing = (await objects.list(key)).find((object) => object.key === key);
  if (existing?.size === size) return;
  await objects.put(key, createReadStream(path), AVRO_CONTENT_TYPE);
}

const archivedFirst = (a: string, b: string) =>
  Number(!a.replace(/^avro\//, '').startsWith('archived/')) -
    Number(!b.replace(/^avro\//, '').startsWith('archived/')) || a.localeCompare(b);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(path);
      return Promise.resolve(entry.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}

import type { ObjectStore, StoredObject } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { badInput } from '../../../errors';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  MAX_PAGE_SIZE,
  type Page,
  type PageArgs,
} from '../../pagination';
import type { FanRecordType } from '../records';
import { LakeFileCounts } from './lakeFileCounts';
import { archivedBase, isMergedKey, lakeRecordType, liveBase, mergeIdOf, supersededBase, under } from './lakePaths';
import { parseLakePrefix } from './lakePrefix';

/** LIVE: a loose file readers see; MERGED: a merge's file readers see; ARCHIVED / SUPERSEDED: kept, not read. */
export type LakeFileState = 'LIVE' | 'MERGED' | 'ARCHIVED' | 'SUPERSEDED';

export interface LakeFileView {
  key: string;
  recordType: FanRecordType;
  state: LakeFileState;
  size: number;
  /** Known once a merge read it, or the import counted it; null otherwise. */
  records: number | null;
  lastModified: Date;
  /** The merge that wrote it (merged and superseded files). */
  mergeId: string | null;
}

/** The lake's files of a record type and prefix, live and archived, for the `lakeFiles` query. */
export class LakeFiles {
  private readonly counts: LakeFileCounts;

  constructor(
    private readonly objects: ObjectStore,
    db: Db,
  ) {
    this.counts = new LakeFileCounts(db);
  }

  /**
   * One page in key order (archived keys sort before live ones). `prefix` is YYYY, YYYY/MM or
   * YYYY/MM/DD, or null for the whole record type. The object store lists keys, not pages: each
   * page lists the prefix and keeps the keys after the cursor.
   */
  async page(recordTypeName: string, prefix: string | null | undefined, args: PageArgs): Promise<Page<LakeFileView>> {
    const recordType = lakeRecordType(recordTypeName);
    const folder = prefix ? filePrefix(prefix) : null;
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw badInput(`first: between 0 and ${MAX_PAGE_SIZE}`, 'first');
    }
    const after = args.after ? String(decodeCursor(args.after).id) : null;
    const [live, archived] = await Promise.all([
      this.objects.list(under(liveBase(recordType), folder)),
      this.objects.list(under(archivedBase(recordType), folder)),
    ]);
    const superseded = folder ? await this.objects.list(under(supersededBase(recordType), folder)) : [];
    const files = [...live, ...archived, ...superseded].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const remaining = after === null ? files : files.filter((file) => file.key > after);
    const page = remaining.slice(0, first);
    const counts = await this.counts.of(page.map((file) => file.key));
    const edges = page.map((file) => ({
      cursor: encodeCursor({ v: file.key, id: file.key }),
      node: view(recordType, file, counts.get(file.key)?.records ?? null),
    }));
    return {
      edges,
      pageInfo: { hasNextPage: remaining.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: files.length,
    };
  }
}

function view(recordType: FanRecordType, file: StoredObject, records: number | null): LakeFileView {
  return {
    key: file.key,
    recordType,
    state: stateOf(recordType, file.key),
    size: file.size,
    records,
    // copied: an engine's Date may come from another realm (fs stats under a test sandbox), which
    // the DateTime scalar does not recognize
    lastModified: new Date(file.lastModified.getTime()),
    mergeId: mergeIdOf(file.key),
  };
}

function stateOf(recordType: FanRecordType, key: string): LakeFileState {
  if (key.startsWith(`${supersededBase(recordType)}/`)) return 'SUPERSEDED';
  if (key.startsWith(`${archivedBase(recordType)}/`)) return 'ARCHIVED';
  return isMergedKey(key) ? 'MERGED' : 'LIVE';
}

/** YYYY, YYYY/MM or YYYY/MM/DD, checked as a date. */
function filePrefix(value: string): string {
  const trimmed = value.trim().replace(/^\/+|\/+$/g, '');
  if (/^\d{4}$/.test(trimmed)) return trimmed;
  return parseLakePrefix(trimmed).prefix;
}

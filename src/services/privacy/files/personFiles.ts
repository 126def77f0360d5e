import { Readable } from 'node:stream';
import type { ObjectStore, StoredObject } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { objectVersion } from '../../fans/scoring/fileJobs';
import { finishRewrite, startRewrite } from '../../suppression/objectRewrites';
import { zipArchive } from '../../waves/prep/zipArchive';
import { fileFormat, type FileFamily } from './fileFamilies';
import type { PersonMatcher } from './personMatcher';
import { findRows, mentionsPerson, withoutRows, type MatchedRow } from './textTable';
import { loadWorkbook, workbookWithoutRows, xlsxRowsOf } from './xlsxTables';
import { rowsOfText, tableDelimiter, textWithoutRows, withZipEntries } from './zipTables';

export interface PersonFilesDeps {
  db: Db;
  objects: ObjectStore;
}

/** The person's rows in one file (an export's), or in one file of a zip (`key!entry`). */
export interface FileRows {
  key: string;
  rows: MatchedRow[];
}

async function body(objects: ObjectStore, key: string): Promise<Readable | null> {
  return (await objects.get(key))?.body ?? null;
}

/** The person's rows in a file of the family (zips: in each of their tables). */
export async function personRowsIn(
  deps: PersonFilesDeps,
  family: FileFamily,
  object: StoredObject,
  matcher: PersonMatcher,
): Promise<FileRows[]> {
  const format = fileFormat(object.key);
  if (format === 'zip') {
    return withZipEntries(deps.objects, object.key, async (entries) =>
      entries.flatMap(({ name, data }) => {
        const rows = rowsOfText(data.toString('utf8'), tableDelimiter(name, family.delimiter), matcher);
        return rows.length ? [{ key: `${object.key}!${name}`, rows }] : [];
      }),
    );
  }
  if (format === 'xlsx') {
    const workbook = await loadWorkbook(deps.objects, object.key);
    const rows = workbook ? xlsxRowsOf(workbook, matcher) : [];
    return rows.length ? [{ key: object.key, rows }] : [];
  }
  const first = await body(deps.objects, object.key);
  if (!first || !(await mentionsPerson(first, matcher))) return [];
  const second = await body(deps.objects, object.key);
  const rows = second ? await findRows(second, family.delimiter, matcher) : [];
  return rows.length ? [{ key: object.key, rows }] : [];
}

/**
 * Writes the file again without the person's rows, every other byte as it was; answers how many
 * rows went (0: the file was left alone). A file of a drop folder is marked as a rewrite first.
 */
export async function erasePersonRows(
  deps: PersonFilesDeps,
  family: FileFamily,
  object: StoredObject,
  matcher: PersonMatcher,
): Promise<number> {
  const format = fileFormat(object.key);
  const rewrite = async (write: () => Promise<void>) => {
    if (family.dropFolder) await startRewrite(deps.db, object.key);
    await write();
    if (!family.dropFolder) return;
    const written = (await deps.objects.list(object.key)).find((listed) => listed.key === object.key);
    if (written) await finishRewrite(deps.db, object.key, objectVersion(written));
  };
  if (format === 'zip') {
    return withZipEntries(deps.objects, object.key, async (entries) => {
      let removed = 0;
      const kept = entries.map((entry) => {
        const delimiter = tableDelimiter(entry.name, family.delimiter);
        const { data, count } = textWithoutRows(entry.data.toString('utf8'), delimiter, matcher);
        removed += count;
        return count ? { name: entry.name, data: Buffer.from(data) } : entry;
      });
      if (removed) await rewrite(() => deps.objects.put(object.key, zipArchive(kept), object.contentType));
      return removed;
    });
  }
  if (format === 'xlsx') {
    const workbook = await loadWorkbook(deps.objects, object.key);
    if (!workbook) return 0;
    const matched = xlsxRowsOf(workbook, matcher);
    if (matched.length === 0) return 0;
    const bytes = await workbookWithoutRows(workbook, matched);
    await rewrite(() => deps.objects.put(object.key, bytes, object.contentType));
    return matched.length;
  }
  const probe = await body(deps.objects, object.key);
  if (!probe || !(await mentionsPerson(probe, matcher))) return 0;
  const check = await body(deps.objects, object.key);
  if (!check || (await findRows(check, family.delimiter, matcher, 1)).length === 0) return 0;
  const source = await body(deps.objects, object.key);
  if (!source) return 0;
  const filtered = withoutRows(source, family.delimiter, matcher);
  await rewrite(() => deps.objects.put(object.key, Readable.from(filtered.text), object.contentType));
  return filtered.removed();
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import type { ObjectStore } from '../../../datasources/objects/port';
import { readZipDirectory } from '../../uploads/zipDirectory';
import type { ZipEntry } from '../../waves/prep/zipArchive';
import { columnRoles, rowMatches, type PersonMatcher } from './personMatcher';
import { splitCells, type Delimiter, type MatchedRow } from './textTable';

/** The delimiter of a table in a zip, by its name (`.csv`, `.tsv`), else the folder's. */
export const tableDelimiter = (name: string, fallback: Delimiter): Delimiter =>
  name.toLowerCase().endsWith('.csv') ? ',' : name.toLowerCase().endsWith('.tsv') ? '\t' : fallback;

/** The entries of a zip on the objects port, read through a temporary file (the zip reader's way). */
export async function withZipEntries<T>(
  objects: ObjectStore,
  key: string,
  use: (entries: ZipEntry[]) => Promise<T>,
): Promise<T> {
  const stored = await objects.get(key);
  if (!stored) return use([]);
  const dir = await mkdtemp(join(tmpdir(), 'privacy-zip-'));
  try {
    const path = join(dir, 'archive.zip');
    await writeFile(path, await buffer(stored.body));
    const entries: ZipEntry[] = [];
    for (const file of await readZipDirectory(path)) {
      entries.push({ name: file.path, data: await buffer(file.stream()) });
    }
    return await use(entries);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The person's rows of a small table held whole (a zip's entry), the header naming their cells. */
export function rowsOfText(content: string, delimiter: Delimiter, matcher: PersonMatcher): MatchedRow[] {
  const rows: MatchedRow[] = [];
  const lines = content.split(/(?<=\n)/);
  const names = splitCells(lines[0] ?? '', delimiter).map((name) => name.trim());
  const roles = columnRoles(names);
  lines.slice(1).forEach((line, index) => {
    const cells = splitCells(line, delimiter);
    if (!rowMatches(matcher, roles, cells)) return;
    const values = Object.fromEntries(cells.map((cell, at) => [names[at] ?? `column${at + 1}`, cell]));
    rows.push({ line: index + 2, values });
  });
  return rows;
}

/** The table without the person's rows, every other line as it was, and how many went. */
export function textWithoutRows(content: string, delimiter: Delimiter, matcher: PersonMatcher) {
  const lines = content.split(/(?<=\n)/);
  const roles = columnRoles(splitCells(lines[0] ?? '', delimiter));
  const kept = [lines[0] ?? ''];
  let count = 0;
  for (const line of lines.slice(1)) {
    if (rowMatches(matcher, roles, splitCells(line, delimiter))) count += 1;
    else kept.push(line);
  }
  return { data: kept.join(''), count };
}

import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { badInput } from '../../../errors';
import { readRowBatches } from '../../uploads/readRows';

/** Rows handed over at once: what one bulk write takes. */
export const IMPORT_BATCH = 1000;

/** One row of an export: its line in the file and its fields, found by name whatever their case. */
export interface ImportRow {
  line: number;
  get(name: string): unknown;
}

/** A row that could not be read at all (a line that is not JSON), with its line. */
export interface UnreadableRow {
  line: number;
  reason: string;
}

export type ImportBatch = { rows: ImportRow[]; unreadable: UnreadableRow[] };

/** The format of an export, from its extension: .ndjson/.jsonl (one JSON object a line) or .csv. */
export function importFormat(path: string, flag: string): 'ndjson' | 'csv' {
  const extension = extname(path).toLowerCase();
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  if (extension === '.csv') return 'csv';
  throw badInput(`--${flag}: ${path} is neither .ndjson, .jsonl nor .csv`, flag);
}

function rowOf(line: number, fields: Record<string, unknown>): ImportRow {
  const lowerCase = new Map(Object.entries(fields).map(([name, value]) => [name.toLowerCase(), value]));
  return { line, get: (name) => (name in fields ? fields[name] : lowerCase.get(name.toLowerCase())) };
}

/**
 * The rows of an export file in batches, streamed (never held whole): NDJSON lines (blank lines
 * skipped, numbered as the file's lines) or CSV rows under a header row (numbered as the lines
 * they end on, RFC 4180 quoting).
 */
export async function* importBatches(path: string, flag: string): AsyncGenerator<ImportBatch> {
  if (importFormat(path, flag) === 'csv') {
    const limits = { maxBytes: Number.MAX_SAFE_INTEGER, maxRows: Number.MAX_SAFE_INTEGER };
    for await (const rows of readRowBatches(createReadStream(path), path, limits)) {
      for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
        const slice = rows.slice(start, start + IMPORT_BATCH);
        yield { rows: slice.map((row) => rowOf(row.rowNumber, row.record)), unreadable: [] };
      }
    }
    return;
  }
  let batch: ImportBatch = { rows: [], unreadable: [] };
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line += 1;
    if (!text.trim()) continue;
    try {
      const value = JSON.parse(text) as unknown;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
      batch.rows.push(rowOf(line, value as Record<string, unknown>));
    } catch (error) {
      batch.unreadable.push({ line, reason: `not a JSON object: ${(error as Error).message}` });
    }
    if (batch.rows.length + batch.unreadable.length >= IMPORT_BATCH) {
      yield batch;
      batch = { rows: [], unreadable: [] };
    }
  }
  if (batch.rows.length + batch.unreadable.length > 0) yield batch;
}

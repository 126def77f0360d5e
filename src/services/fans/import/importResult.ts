import type { ImportRow, UnreadableRow } from './importRows';
import { importBatches } from './importRows';
import { RowError } from './rowValues';
import { AppError } from '../../../errors';

/** Rejected rows listed in a result; the count covers them all. */
const LISTED_REJECTS = 1000;

/** What became of one export file. */
export interface ImportFileResult {
  file: string;
  rows: number;
  /** New documents written. */
  loaded: number;
  /** Valid rows whose document was there already (an earlier run): left as they are. */
  existing: number;
  rejected: number;
  /** The first rejected rows, by line, with the reason. */
  rejects: UnreadableRow[];
}

/** What a batch of valid rows became. */
export interface BatchOutcome {
  loaded: number;
  existing: number;
  rejects: UnreadableRow[];
}

/** The reason a row is refused, from what its conversion threw; anything else is not the row's fault. */
export function rowRefusal(row: ImportRow, error: unknown): UnreadableRow {
  if (error instanceof RowError) return { line: row.line, reason: error.message };
  if (error instanceof AppError && error.code === 'BAD_USER_INPUT') {
    return { line: row.line, reason: error.message.replace(/\binput\./g, '') };
  }
  throw error;
}

/** Reads an export file batch by batch through `load`, totting up its result. */
export async function importFile(
  path: string,
  flag: string,
  load: (rows: ImportRow[]) => Promise<BatchOutcome>,
): Promise<ImportFileResult> {
  const result: ImportFileResult = { file: path, rows: 0, loaded: 0, existing: 0, rejected: 0, rejects: [] };
  const reject = (rows: UnreadableRow[]) => {
    result.rejected += rows.length;
    result.rejects.push(...rows.slice(0, Math.max(0, LISTED_REJECTS - result.rejects.length)));
  };
  for await (const batch of importBatches(path, flag)) {
    result.rows += batch.rows.length + batch.unreadable.length;
    reject(batch.unreadable);
    const outcome = await load(batch.rows);
    result.loaded += outcome.loaded;
    result.existing += outcome.existing;
    reject(outcome.rejects);
  }
  result.rejects.sort((a, b) => a.line - b.line);
  return result;
}

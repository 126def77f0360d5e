import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { SfmcPort } from '../../datasources/sfmc';
import { badInput } from '../../errors';
import { businessUnitName } from '../../datasources/sfmc/businessUnits';
import { type ClickLogRow } from '../../datasources/sfmc/clickLogRow';

const CHUNK = 5000;

/**
 * Streams a CSV file (headers = click-log columns) into the local data extension of `bu`,
 * registering the unit if it is new. Rows are validated later by the processor, as rows from
 * Marketing Cloud are, so a bad row is rejected and counted there rather than failing the import.
 */
export async function importClicks(sfmc: SfmcPort, bu: string, file: string): Promise<{ bu: string; rows: number }> {
  if (!sfmc.appendRows) throw badInput('import-clicks fills the local data extension; SFMC_BACKEND is rest', 'bu');
  const name = businessUnitName.safeParse(bu);
  if (!name.success) throw badInput(`bu: ${name.error.issues[0]?.message}`, 'bu');
  const parser = createReadStream(file).pipe(
    parse({ columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }),
  );
  let chunk: ClickLogRow[] = [];
  let rows = 0;
  for await (const record of parser as AsyncIterable<ClickLogRow>) {
    chunk.push(record);
    if (chunk.length >= CHUNK) {
      rows += await sfmc.appendRows(name.data, chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) rows += await sfmc.appendRows(name.data, chunk);
  return { bu: name.data, rows };
}

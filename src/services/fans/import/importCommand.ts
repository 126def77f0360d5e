import { badInput } from '../../../errors';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import type { FanMarketCounts } from '../entries/marketCounts';
import type { CodePoolCounts } from '../codes/poolCounts';
import { commandFlags } from '../lake/commandFlags';
import { importFans, type FanImportResult } from './fanImport';
import type { ImportFileResult } from './importResult';

interface Output {
  write(text: string): unknown;
}

const SOURCES = ['campaigns', 'entries', 'codes', 'demand', 'lake'];
/** Refused rows printed per file (--json lists up to 1,000). */
const PRINTED_REJECTS = 20;

export const FANS_COMMAND = {
  description:
    "Imports the old system's fan campaigns, entries, codes and demand (NDJSON or CSV) " +
    'and its Avro lake as archived files',
  usage: 'fans import [--campaigns F] [--entries F] [--codes F] [--demand F] [--lake DIR] [--json]',
  fileFlags: SOURCES,
};

/** `fans import`; exit code 1 when some rows or files were refused (the rest is loaded). */
export async function runFansCommand(
  deps: { db: Db; objects: ObjectStore; marketCounts?: FanMarketCounts; codeCounts?: CodePoolCounts },
  flags: Record<string, string | boolean>,
  positional: string[],
  out: Output,
): Promise<number> {
  if (positional.join(' ') !== 'import') {
    throw badInput(`fans import (usage: npm run cli -- ${FANS_COMMAND.usage})`, 'command');
  }
  const { values, switches } = commandFlags(flags, { optional: SOURCES, switches: ['json'] });
  const result = await importFans(deps, values);
  out.write(switches.has('json') ? `${JSON.stringify(result, null, 2)}\n` : importText(result));
  const refused = [result.campaigns, result.entries, result.codes, result.demand, result.lake];
  return refused.some((part) => part && part.rejected > 0) ? 1 : 0;
}

function fileLines(name: string, part: ImportFileResult | undefined): string[] {
  if (!part) return [];
  return [
    `  ${name.padEnd(10)}${part.file}: ${part.rows} rows, ${part.loaded} loaded, ${part.existing} there already, ` +
      `${part.rejected} rejected`,
    ...part.rejects.slice(0, PRINTED_REJECTS).map((row) => `    line ${row.line}: ${row.reason}`),
    ...(part.rejected > PRINTED_REJECTS ? [`    ... ${part.rejected - PRINTED_REJECTS} more (--json lists them)`] : []),
  ];
}

function importText(result: FanImportResult): string {
  const { lake } = result;
  const lines = [
    'fans import',
    ...fileLines('campaigns', result.campaigns),
    ...fileLines('entries', result.entries),
    ...fileLines('codes', result.codes),
    ...fileLines('demand', result.demand),
    ...(lake
      ? [
          `  lake      ${lake.dir}: ${lake.files} files, ${lake.archived} archived (${lake.records} records), ` +
            `${lake.superseded} superseded, ${lake.duplicates} duplicates, ${lake.rejected} rejected`,
          ...lake.rejects.slice(0, PRINTED_REJECTS).map((file) => `    ${file.file}: ${file.reason}`),
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}

import { access, stat } from 'node:fs/promises';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { badInput } from '../../../errors';
import { CampaignCache } from './campaignCache';
import { loadCampaigns } from './campaignRows';
import { loadCodes } from './codeRows';
import { loadDemand } from './demandRows';
import { FanMarketCounts } from '../entries/marketCounts';
import { CodePoolCounts } from '../codes/poolCounts';
import { loadEntries } from './entryRows';
import { importFile, type ImportFileResult } from './importResult';
import { importFormat } from './importRows';
import { importLakeTree, type LakeImportResult } from './lakeImport';

/** The exports to load (each optional): NDJSON or CSV files, and the old lake's `avro/` folder. */
export interface FanImportSources {
  campaigns?: string;
  entries?: string;
  codes?: string;
  demand?: string;
  lake?: string;
}

export interface FanImportResult {
  campaigns?: ImportFileResult;
  entries?: ImportFileResult;
  codes?: ImportFileResult;
  demand?: ImportFileResult;
  lake?: LakeImportResult;
}

/**
 * Loads the old system's data (issue 17, item 8) in the order rows refer to one another:
 * campaigns, then entries, codes and demand of those campaigns, then the lake's files. Each row
 * is checked; a bad one is refused with its line and the rest goes on. Only documents not in the
 * store yet are written, so a rerun (after fixing refused rows) loads what is missing.
 */
export async function importFans(
  deps: { db: Db; objects: ObjectStore; marketCounts?: FanMarketCounts; codeCounts?: CodePoolCounts },
  sources: FanImportSources,
  now = new Date(),
): Promise<FanImportResult> {
  await checkSources(sources);
  const { db } = deps;
  const marketCounts = deps.marketCounts ?? new FanMarketCounts(db);
  const codeCounts = deps.codeCounts ?? new CodePoolCounts(db);
  const campaigns = new CampaignCache(db);
  const result: FanImportResult = {};
  if (sources.campaigns)
    result.campaigns = await importFile(sources.campaigns, 'campaigns', (rows) => loadCampaigns(db, rows, now));
  if (sources.entries) {
    result.entries = await importFile(sources.entries, 'entries', (rows) =>
      loadEntries(db, campaigns, rows, now, marketCounts),
    );
  }
  if (sources.codes)
    result.codes = await importFile(sources.codes, 'codes', (rows) => loadCodes(db, campaigns, rows, now, codeCounts));
  if (sources.demand) {
    result.demand = await importFile(sources.demand, 'demand', (rows) => loadDemand(db, campaigns, rows, now));
  }
  if (sources.lake) result.lake = await importLakeTree(deps, sources.lake);
  return result;
}

/** Every source named exists and has a format we read, before anything is loaded. */
async function checkSources(sources: FanImportSources): Promise<void> {
  const files = (['campaigns', 'entries', 'codes', 'demand'] as const).filter((flag) => sources[flag]);
  if (files.length === 0 && !sources.lake) {
    throw badInput('name at least one of --campaigns, --entries, --codes, --demand, --lake', 'campaigns');
  }
  for (const flag of files) {
    const path = sources[flag]!;
    importFormat(path, flag);
    await access(path).catch(() => Promise.reject(badInput(`--${flag}: no readable file ${path}`, flag)));
  }
  if (sources.lake) {
    const folder = await stat(sources.lake).catch(() => null);
    if (!folder?.isDirectory()) throw badInput(`--lake: ${sources.lake} is not a directory`, 'lake');
  }
}

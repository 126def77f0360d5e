/**
 * Child process of importCrash.test.ts: starts an import whose upload never ends, prints
 * `staged <json>` once part of it is stored, then waits to be killed with SIGKILL.
 * Usage: node -r @swc-node/register test/campaigns/importChild.ts <dataDir> audience|leads
 */
import { Readable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { openStore, type Db } from '../../src/datasources/store';
import { applyIndexes } from '../../src/datasources/store/indexes';
import { AudienceMembers } from '../../src/services/campaigns/audienceMembers';
import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { campaignIndexes } from '../../src/services/campaigns/indexes';
import { C } from '../../src/services/campaigns/model';
import { importLeads } from '../../src/services/leads/importLeads';
import { leadIndexes } from '../../src/services/leads/indexes';
import { leaseTiming } from '../../src/services/uploads/importLease';

/** Header, `head` and `rows` member rows, then a stream that stays open: the upload of a client that hangs. */
function endlessUpload(rows: number, head = ''): Readable {
  async function* parts() {
    yield Buffer.from(`email,name\n${head}`);
    for (let i = 0; i < rows; i++) yield Buffer.from(`staged${i}@example.com,Staged ${i}\n`);
    await new Promise(() => undefined);
  }
  return Readable.from(parts());
}

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function audienceImport(db: Db, lease: ReturnType<typeof leaseTiming>): Promise<Record<string, unknown>> {
  await applyIndexes(db, campaignIndexes);
  const members = new AudienceMembers(db, { maxBytes: 100_000_000, maxRows: 1_000_000 }, lease);
  const audience = await createEntity(db, entities.audience, { name: 'Crashed', segments: [] });
  const keptRows = 'email,name\nkept1@example.com,Kept 1\nkept2@example.com,Kept 2\nkept3@example.com,Kept 3\n';
  const kept = Readable.from([Buffer.from(keptRows)]);
  await members.import({ audienceId: audience._id, file: kept, filename: 'kept.csv', mode: 'ADD', overwrite: false });
  void members.import({
    audienceId: audience._id,
    file: endlessUpload(7000, 'kept1@example.com,Overwritten\n'),
    filename: 'crashed.csv',
    mode: 'REPLACE',
    overwrite: true,
  });
  await waitUntil(async () => (await db.collection(C.memberships).countDocuments({ audienceId: audience._id })) > 3);
  return { audienceId: audience._id };
}

async function leadImport(db: Db, lease: ReturnType<typeof leaseTiming>): Promise<Record<string, unknown>> {
  await applyIndexes(db, leadIndexes);
  const limits = { maxBytes: 100_000_000, maxRows: 1_000_000 };
  void importLeads(db, {
    source: endlessUpload(10),
    filename: 'leads.csv',
    listName: 'crashed',
    uploadedBy: 'child',
    limits,
    lease,
  });
  await waitUntil(async () => (await db.collection('lead_imports').countDocuments({ status: 'RUNNING' })) > 0);
  return {};
}

async function main(): Promise<void> {
  const [dataDir, kind] = process.argv.slice(2);
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JOB_VISIBILITY_TIMEOUT_SECONDS: '1' });
  const store = await openStore({ dataDir, dbName: config.MONGODB_DB_NAME });
  const lease = leaseTiming(config.JOB_VISIBILITY_TIMEOUT_SECONDS);
  const started = kind === 'leads' ? await leadImport(store.db, lease) : await audienceImport(store.db, lease);
  process.stdout.write(`staged ${JSON.stringify(started)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

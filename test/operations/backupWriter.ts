import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/datasources/store';

/**
 * The service's part in the backup test: a process that holds a data directory as its writer and
 * inserts documents one after another until it is killed, printing "ack <n>" once insert n returned
 * (so committed, and on disk).
 */
async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  const store = await openStore({ dataDir, dbName: 'test', access: 'writer', holder: 'service' });
  const documents = store.db.collection('written');
  await documents.createIndex({ n: 1 }, { unique: true });
  for (let n = 0; ; n++) {
    await documents.insertOne({ n, payload: randomBytes(512).toString('base64') });
    process.stdout.write(`ack ${n}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${String(error?.stack ?? error)}\n`);
  process.exit(1);
});

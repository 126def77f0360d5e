import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../src/datasources/store';
import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { isValidEmail, normalizeEmail } from '../../src/services/campaigns/email';
import { importAudienceMembers } from '../../src/services/campaigns/importMembers';
import { C, membershipId, newId } from '../../src/services/campaigns/model';
import { graphql, upload } from '../support/client';
import { startServiceUnderTest } from '../support/service';
import { benchStore, cpuSecondsSince, line, writeMembersCsv } from './support';

/** Streams a generated CSV through importAudienceMembers (the upload path without HTTP). */
export async function importBench(db: Db, dir: string, rows: number): Promise<void> {
  const file = join(dir, 'members.csv');
  await writeMembersCsv(file, rows);
  const audience = await createEntity(db, entities.audience, { name: 'Imported' });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await importAudienceMembers(
    db,
    { maxBytes: 4 * 1024 ** 3, maxRows: rows + 1 },
    { audienceId: audience._id, file: createReadStream(file), filename: 'members.csv', mode: 'ADD', overwrite: false },
  );
  line(
    'import',
    'import: importAudienceMembers (streamed CSV, bulk batches)',
    result.counts.accepted,
    performance.now() - started,
    'rows',
    cpuSecondsSince(cpu),
  );
  if (result.counts.created !== rows) throw new Error(`expected ${rows} members, created ${result.counts.created}`);
}

/** Baseline: the same rows one at a time (find by e-mail, insert, upsert membership). */
export async function importBaseline(rows: number): Promise<void> {
  const { store, dir } = await benchStore('import-baseline');
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < rows; i++) {
      const email = normalizeEmail(`member${i}@example.com`);
      if (!isValidEmail(email)) continue;
      const existing = await store.db.collection(C.members).findOne({ email });
      const memberId = existing ? String(existing._id) : newId();
      if (!existing)
        await store.db
          .collection(C.members)
          .insertOne({ _id: memberId as never, email, name: `Member ${i}`, attributes: {} });
      await store.db
        .collection(C.memberships)
        .updateOne(
          { _id: membershipId('a', memberId) as never },
          { $setOnInsert: { audienceId: 'a', memberId } },
          { upsert: true },
        );
    }
    line(
      'importBaseline',
      'import baseline: one row at a time',
      rows,
      performance.now() - started,
      'rows',
      cpuSecondsSince(cpu),
    );
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface ApiImport {
  status: string;
  counts: { accepted: number; rejected: number; created: number };
  error: string | null;
}

/**
 * The same generated file imported as a user does it: the service started as `npm start` builds
 * it, an audience made through the API, the CSV uploaded by `importAudienceMembers` (GraphQL
 * multipart), the answer when the import is published. The upload limits are raised to the file.
 */
export async function importViaApiBench(rows: number): Promise<void> {
  const service = await startServiceUnderTest('campaigns-import', {
    AUDIENCE_IMPORT_MAX_ROWS: String(rows + 1),
    AUDIENCE_IMPORT_MAX_BYTES: String(4 * 1024 ** 3),
  });
  try {
    const file = join(service.dataDir, 'members.csv');
    await writeMembersCsv(file, rows);
    const { createAudience } = await graphql<{ createAudience: { id: string } }>(
      service,
      `
        mutation {
          createAudience(input: { name: "Imported through the API" }) {
            id
          }
        }
      `,
    );
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { importAudienceMembers: result } = await upload<{ importAudienceMembers: ApiImport }>(
      service,
      `mutation ($audienceId: ID!, $file: Upload!) {
        importAudienceMembers(audienceId: $audienceId, file: $file) { status counts { accepted rejected created } error }
      }`,
      { audienceId: createAudience.id },
      file,
    );
    const ms = performance.now() - started;
    if (result.counts.created !== rows) {
      throw new Error(`expected ${rows} members through the API, got ${JSON.stringify(result)}`);
    }
    line(
      'importViaApi',
      'import through the API: importAudienceMembers upload',
      result.counts.accepted,
      ms,
      'rows',
      cpuSecondsSince(cpu),
    );
  } finally {
    await service.stop();
  }
}

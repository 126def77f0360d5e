import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { streams, type Schema } from 'avsc';
import type { JobRecord } from '../../src/jobs/jobType';
import { LocalObjectStore, type ObjectBody, type ObjectStore } from '../../src/datasources/objects';
import { applyIndexes } from '../../src/datasources/store/indexes';
import { createLogger } from '../../src/logger';
import { fanRecordSchema } from '../../src/services/fans/ingest/recordSchemas';
import { avroRecords } from '../../src/services/fans/lake/avroFiles';
import { LAKE_MERGES, lakeIndexes, type LakeMergeDoc } from '../../src/services/fans/lake/lakeModel';
import { LakeMerges } from '../../src/services/fans/lake/lakeMerges';
import { openTestStore } from '../support/store';

/** The registration contract as the lake writer writes it (src/schema/avro/registration.avsc). */
export const registrationSchema = fanRecordSchema('registration').schema as Schema;

/** A later version of it: one more field, with a default, as a compatible change adds it. */
export const registrationSchemaV2 = {
  ...(registrationSchema as object),
  version: 2,
  fields: [...(registrationSchema as { fields: object[] }).fields, { name: 'channel', type: 'string', default: 'web' }],
} as unknown as Schema;

/** Registrations of `count` distinct fans on a UTC day (YYYY/MM/DD), fans numbered from `from`. */
export function registrations(day: string, count: number, from = 0, campaignId = 'camp-1') {
  const [year, month, date] = day.split('/').map(Number) as [number, number, number];
  const start = Date.UTC(year, month - 1, date);
  return Array.from({ length: count }, (_, i) => ({
    campaignId,
    userId: `fan-${from + i}`,
    email: `fan-${from + i}@example.com`,
    phone: null,
    firstName: null,
    marketPreferences: ['m1'],
    smsConsentSource: null,
    smsConsentAt: null,
    registeredAt: start + ((from + i) % 86_400) * 1000,
  }));
}

/** One Avro object container file (deflate), in memory. */
export async function avroFile(records: object[], schema: Schema = registrationSchema): Promise<Buffer> {
  const encoder = new streams.BlockEncoder(schema, { codec: 'deflate', blockSize: 4096 });
  const chunks: Buffer[] = [];
  encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve, reject) => encoder.on('end', resolve).on('error', reject));
  for (const record of records) encoder.write(record);
  encoder.end();
  await done;
  return Buffer.concat(chunks);
}

/** A loose lake file as the lake writer leaves it: avro/{type}/YYYY/MM/DD/{name}.avro. */
export async function writeLoose(
  objects: ObjectStore,
  day: string,
  name: string,
  records: object[],
  schema?: Schema,
  recordType = 'registration',
): Promise<string> {
  const key = `avro/${recordType}/${day}/${name}.avro`;
  await objects.put(key, await avroFile(records, schema), 'application/avro');
  return key;
}

/** Every record of the files under `prefix` (each read with its writer schema), as `userId` strings. */
export async function fansUnder(objects: ObjectStore, prefix: string, exclude?: string): Promise<string[]> {
  const fans: string[] = [];
  for (const { key } of await objects.list(prefix)) {
    if (exclude && key.startsWith(exclude)) continue;
    const object = await objects.get(key);
    for await (const record of avroRecords(object!.body, key)) fans.push(`${record.campaignId}:${record.userId}`);
  }
  return fans.sort();
}

export const keysUnder = async (objects: ObjectStore, prefix: string) =>
  (await objects.list(prefix)).map((object) => object.key);

/** Throws on the first repeated value. */
export function expectNoDuplicates(values: string[]): void {
  const repeated = values.filter((value, index) => index > 0 && values[index - 1] === value);
  expect(repeated).toEqual([]);
}

/**
 * An objects port that dies at its `crashAt`-th write (put or delete), as a process killed by
 * kill -9 would: that write and every call after it fail, nothing after it is done.
 */
export class CrashingObjects implements ObjectStore {
  readonly engine = 'local' as const;
  writes = 0;
  dead = false;

  constructor(
    private readonly inner: ObjectStore,
    private readonly crashAt: number,
  ) {}

  private check(write: boolean) {
    if (!this.dead && write) {
      this.writes += 1;
      if (this.writes === this.crashAt) this.dead = true;
    }
    if (this.dead) throw new Error('killed');
  }

  async put(key: string, body: ObjectBody, contentType?: string) {
    this.check(true);
    return this.inner.put(key, body, contentType);
  }
  async get(key: string) {
    this.check(false);
    return this.inner.get(key);
  }
  async exists(key: string) {
    this.check(false);
    return this.inner.exists(key);
  }
  async list(prefix: string) {
    this.check(false);
    return this.inner.list(prefix);
  }
  async delete(key: string) {
    this.check(true);
    return this.inner.delete(key);
  }
}

/** Jobs as the merge sees them: enqueued move messages are recorded, not run. */
export function recordingJobs() {
  const enqueued: { type: string; params: unknown; idempotencyKey?: string }[] = [];
  return {
    enqueued,
    async enqueue(type: unknown, params: unknown, options: { idempotencyKey?: string } = {}) {
      enqueued.push({ type: String(type), params, idempotencyKey: options.idempotencyKey });
      return { _id: `job-${enqueued.length}` } as JobRecord;
    },
    async get() {
      return null;
    },
  };
}

/** A store with the lake's indexes, a local objects folder, and LakeMerges over them. */
export async function openLake(options: { mergeTypes?: string } = {}) {
  const store = await openTestStore();
  await applyIndexes(store.db, lakeIndexes);
  const dir = await mkdtemp(join(tmpdir(), 'campaign-hub-lake-'));
  const objects = new LocalObjectStore(dir);
  const jobs = recordingJobs();
  const lease = { heartbeatMs: 60_000, staleAfterMs: 60_000 };
  const logger = createLogger({ level: 'silent' });
  const mergesOn = (port: ObjectStore) =>
    new LakeMerges({
      db: store.db,
      objects: port,
      jobs,
      logger,
      lease,
      mergeTypes: options.mergeTypes ?? 'registration',
    });
  return {
    db: store.db,
    objects,
    jobs,
    merges: mergesOn(objects),
    mergesOn,
    manifests: () => store.db.collection<LakeMergeDoc>(LAKE_MERGES).find({}).toArray(),
    /** What kill -9 leaves on an open manifest: a hold whose heartbeat stopped long ago. */
    async killHolders() {
      await store.db
        .collection<LakeMergeDoc>(LAKE_MERGES)
        .updateMany({ open: true }, { $set: { runId: 'killed-run', heartbeatAt: new Date(0) } });
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type TestLake = Awaited<ReturnType<typeof openLake>>;

export const asStream = (bytes: Buffer) => Readable.from([bytes]);

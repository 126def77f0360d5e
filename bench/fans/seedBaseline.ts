import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { streams, Type } from 'avsc';
import type { App } from '../../src/app';
import { fanIndexes } from '../../src/services/fans/indexes';
import { FAN_ENTRIES, type FanEntryDoc } from '../../src/services/fans/model';
import type { RegistrationRecord } from '../../src/services/fans/records';
import { registrationLines } from './fanData';

/** Where the seed's way writes: its own collection (with the entries' indexes) and lake prefix. */
const SEED_ENTRIES = 'bench_seedFanEntries';
const SEED_LAKE = 'bench-seed/avro/registration';
/** A Kinesis batch as the seed's saveCampaignData received it: one Avro file each. */
const KINESIS_BATCH = 500;

const registrationType = Type.forSchema(
  JSON.parse(readFileSync(join(__dirname, '../../src/schema/avro/registration.avsc'), 'utf8')),
);

/** One Avro object container file (deflate) of `records`, in memory. */
async function avroFile(records: Omit<RegistrationRecord, 'type'>[]): Promise<Buffer> {
  const encoder = new streams.BlockEncoder(registrationType, { codec: 'deflate' });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve, reject) => sink.on('end', resolve).on('error', reject));
  encoder.pipe(sink);
  for (const record of records) encoder.write(record);
  encoder.end();
  await done;
  return Buffer.concat(chunks);
}

function entryOf(record: RegistrationRecord, now: Date): Omit<FanEntryDoc, '_id' | 'score' | 'verdict'> {
  return {
    campaignId: record.campaignId,
    userId: record.userId,
    email: record.email,
    phone: record.phone,
    firstName: record.firstName,
    marketPreferences: record.marketPreferences,
    market: record.marketPreferences[0] ?? null,
    smsConsent: record.smsConsentSource
      ? { source: record.smsConsentSource, at: new Date(record.smsConsentAt ?? record.registeredAt) }
      : null,
    registeredAt: new Date(record.registeredAt),
    verdictReason: null,
    code: null,
    codeKind: null,
    selectedEvents: [],
    updatedAt: now,
  };
}

/**
 * The seed's saveCampaignData on the first `count` registrations, in this process (its Lambda
 * read Kinesis, not HTTP): per Kinesis batch of 500, each record parsed, trimmed and written to
 * the store with its own upsert (what the seed's entry service did per record), then the batch
 * encoded to one Avro file written to the objects port. Returns the seconds it took.
 */
export async function seedBaseline(app: App, count: number): Promise<number> {
  const entries = app.db.collection<FanEntryDoc>(SEED_ENTRIES);
  for (const { key, options } of fanIndexes.filter((index) => index.collection === FAN_ENTRIES)) {
    await entries.createIndex(key, options);
  }
  const started = performance.now();
  for (let from = 0; from < count; from += KINESIS_BATCH) {
    const to = Math.min(count, from + KINESIS_BATCH);
    const batch: Omit<RegistrationRecord, 'type'>[] = [];
    for (const line of registrationLines(from, to).split('\n')) {
      if (!line) continue;
      const { type: _type, ...record } = JSON.parse(line) as RegistrationRecord;
      const trimmed = { ...record, email: record.email.trim().toLowerCase(), userId: record.userId.trim() };
      await entries.updateOne(
        { _id: `${trimmed.campaignId}:${trimmed.userId}` },
        {
          $set: entryOf({ type: 'registration', ...trimmed }, new Date()),
          $setOnInsert: { score: null, verdict: null },
        },
        { upsert: true },
      );
      batch.push(trimmed);
    }
    const day = new Date(batch[0]!.registeredAt).toISOString().slice(0, 10).replaceAll('-', '/');
    await app.ports.objects.put(`${SEED_LAKE}/${day}/${randomUUID()}.avro`, await avroFile(batch));
  }
  return (performance.now() - started) / 1000;
}

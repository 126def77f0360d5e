import { LAKE_BUFFER, LAKE_FLUSHES } from '../../src/services/fans/lake/writerModel';
import { FAN_ENTRIES } from '../../src/services/fans/model';
import { CAMPAIGN_ID, registrationLines } from './fanData';
import type { BenchService } from './service';

export interface IngestFigures {
  seconds: number;
  /** Of which: until the last answer; the rest is the lake buffer's last flush. */
  answeredSeconds: number;
  accepted: number;
  rejected: number;
  /** Entries of the campaign in the store afterwards. */
  ingested: number;
}

interface IngestAnswer {
  accepted?: number;
  rejected?: number;
  rejections?: { line: number; reason: string }[];
}

/** One NDJSON batch through POST /ingest/fans, as an upstream producer sends it. */
async function postBatch(service: BenchService, body: string): Promise<IngestAnswer> {
  const response = await fetch(new URL('/ingest/fans', service.origin), {
    method: 'POST',
    headers: { authorization: `Bearer ${service.operatorKey}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /ingest/fans answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as IngestAnswer;
}

/**
 * Until the lake writer's buffer holds no registration left and no flush is half done: then
 * every accepted record is in a lake file. The writer's flush is asked for, so the figure does
 * not wait for the periodic one (FAN_LAKE_FLUSH_SECONDS).
 */
export async function lakeFlushed(service: BenchService): Promise<void> {
  const buffer = service.app.db.collection(LAKE_BUFFER);
  const flushes = service.app.db.collection(LAKE_FLUSHES);
  for (;;) {
    await service.fans.lake.flush('registration');
    const left = await buffer.countDocuments({ recordType: 'registration' });
    const pending = await flushes.countDocuments({ _id: 'registration' as never, pending: { $ne: null } });
    if (left === 0 && pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `total` registrations through the HTTP route in batches of `batchLines`, `inFlight` requests at
 * a time (the next batch is made while the service works on the last), then until the lake
 * buffer is flushed: accepted records are then durable store rows and lake files.
 */
export async function ingestRegistrations(
  service: BenchService,
  total: number,
  batchLines: number,
  inFlight: number,
): Promise<IngestFigures> {
  let next = 0;
  let accepted = 0;
  let rejected = 0;
  const reasons = new Map<string, number>();
  const started = performance.now();
  const client = async () => {
    while (next < total) {
      const from = next;
      next = Math.min(total, next + batchLines);
      const answer = await postBatch(service, registrationLines(from, next));
      accepted += answer.accepted ?? 0;
      rejected += answer.rejected ?? 0;
      for (const { reason } of answer.rejections ?? []) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, client));
  const answeredSeconds = (performance.now() - started) / 1000;
  await lakeFlushed(service);
  const seconds = (performance.now() - started) / 1000;
  if (reasons.size > 0) console.log(`  rejected: ${JSON.stringify(Object.fromEntries(reasons))}`);
  const ingested = await service.app.db.collection(FAN_ENTRIES).countDocuments({ campaignId: CAMPAIGN_ID });
  return { seconds, answeredSeconds, accepted, rejected, ingested };
}

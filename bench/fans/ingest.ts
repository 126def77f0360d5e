import { LAKE_BUFFER, LAKE_FLUSHES } from '../../src/services/fans/lake/writerModel';
import { FAN_ENTRIES } from '../../src/services/fans/model';
import { CAMPAIGN_ID } from './fanData';
import { produce } from './producer';
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
 * a time, sent by a producer in its own thread (bench/fans/producer.ts: it makes the next batch
 * while the service works on the last, as an upstream system would, without taking the service's
 * thread), then until the lake buffer is flushed: accepted records are then durable store rows and
 * lake files.
 */
export async function ingestRegistrations(
  service: BenchService,
  total: number,
  batchLines: number,
  inFlight: number,
): Promise<IngestFigures> {
  const started = performance.now();
  const sent = await produce({ origin: service.origin, key: service.operatorKey, total, batchLines, inFlight });
  const answeredSeconds = (performance.now() - started) / 1000;
  await lakeFlushed(service);
  const seconds = (performance.now() - started) / 1000;
  if (Object.keys(sent.reasons).length > 0) console.log(`  rejected: ${JSON.stringify(sent.reasons)}`);
  const ingested = await service.app.db.collection(FAN_ENTRIES).countDocuments({ campaignId: CAMPAIGN_ID });
  return { seconds, answeredSeconds, accepted: sent.accepted, rejected: sent.rejected, ingested };
}

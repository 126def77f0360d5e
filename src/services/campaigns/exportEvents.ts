import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Db } from '../../datasources/store';
import { z } from 'zod';
import type { ObjectStore } from '../../datasources/objects/port';
import { PermanentJobError, type JobContext, type JobType } from '../../jobs/jobType';
import { C, type CampaignEventDoc } from './model';

/**
 * The raw layer of campaign events, without dual writes: the event documents are the source of
 * truth, and this exporter reads them in `recordedAt` order, one UTC hour at a time, into
 * raw/campaign_events/dt=YYYY-MM-DD/hour=HH/<name>.ndjson.gz. Everything in a file is a function
 * of its hour: the name, the batch id and the exported time (the end of the hour), and gzip
 * writes a zero mtime, so exporting an hour again rewrites the same bytes under the same key.
 * The hourly run keeps its position (the end of the last exported hour) in
 * campaign_export_state, and advances it after each hour's file is written: a crash re-exports at
 * most that hour, onto the same file (at least once to the writer, exactly one file per range).
 */
export const CAMPAIGN_EVENTS_EXPORT_JOB = 'campaign-events-export';
export const EXPORT_SCHEMA_VERSION = 1;
const HOUR_MS = 3_600_000;
/** One run exports at most this many hours; the next run continues. */
const MAX_HOURS_PER_RUN = 24 * 31;
const STATE_ID = 'campaign_events';

export interface ExportedFile {
  key: string;
  events: number;
  hour: Date;
}

export interface ExportResult {
  files: ExportedFile[];
  hoursScanned: number;
  exportedUntil: Date | null;
}

const floorHour = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
const ceilHour = (at: Date) => new Date(Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS);

export function exportFileKey(hour: Date): { key: string; batchId: string } {
  const iso = hour.toISOString();
  const batchId = createHash('sha256')
    .update(`campaign_events|${iso}|${new Date(hour.getTime() + HOUR_MS).toISOString()}`)
    .digest('hex')
    .slice(0, 16);
  const compact = `${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 13)}`;
  const key = `raw/campaign_events/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/campaign_events_${compact}_${batchId}.ndjson.gz`;
  return { key, batchId };
}

async function* ndjson(db: Db, hour: Date, batchId: string, counter: { events: number }): AsyncGenerator<string> {
  const end = new Date(hour.getTime() + HOUR_MS);
  const exportedAt = end.toISOString();
  const cursor = db
    .collection<CampaignEventDoc>(C.events)
    .find({ recordedAt: { $gte: hour, $lt: end } }, { sort: { recordedAt: 1, _id: 1 } });
  for await (const event of cursor) {
    counter.events += 1;
    yield `${JSON.stringify({
      schema_version: EXPORT_SCHEMA_VERSION,
      event_id: event._id,
      export_batch_id: batchId,
      exported_at: exportedAt,
      type: event.type,
      campaign_id: event.campaignId,
      recipient_id: event.recipientId,
      member_id: event.memberId,
      link_index: event.linkIndex ?? null,
      value: event.value ?? null,
      occurred_at: event.occurredAt.toISOString(),
      recorded_at: event.recordedAt.toISOString(),
    })}\n`;
  }
}

/** Writes the file of one hour when the hour has events; answers it, or null for an empty hour. */
export async function exportHour(db: Db, objects: ObjectStore, hour: Date): Promise<ExportedFile | null> {
  const end = new Date(hour.getTime() + HOUR_MS);
  const any = await db
    .collection<CampaignEventDoc>(C.events)
    .findOne({ recordedAt: { $gte: hour, $lt: end } }, { projection: { _id: 1 } });
  if (!any) return null;
  const { key, batchId } = exportFileKey(hour);
  const counter = { events: 0 };
  await objects.put(
    key,
    Readable.from(ndjson(db, hour, batchId, counter)).pipe(createGzip()),
    'application/x-ndjson+gzip',
  );
  return { key, events: counter.events, hour };
}

/** Re-exports every hour overlapping [from, to); the stored position does not move. */
export async function exportRange(
  db: Db,
  objects: ObjectStore,
  from: Date,
  to: Date,
  context?: JobContext,
): Promise<ExportResult> {
  const start = floorHour(from);
  const end = ceilHour(to);
  const hours = (end.getTime() - start.getTime()) / HOUR_MS;
  if (hours <= 0) throw new PermanentJobError('"to" must be after "from"', 'BAD_USER_INPUT');
  if (hours > MAX_HOURS_PER_RUN)
    throw new PermanentJobError(`At most ${MAX_HOURS_PER_RUN} hours per export`, 'BAD_USER_INPUT');
  const files: ExportedFile[] = [];
  for (let i = 0; i < hours; i++) {
    const file = await exportHour(db, objects, new Date(start.getTime() + i * HOUR_MS));
    if (file) files.push(file);
    await context?.progress((i + 1) / hours, `exported ${i + 1} of ${hours} hours`);
  }
  return { files, hoursScanned: hours, exportedUntil: null };
}

/**
 * The scheduled run: from the stored position (or the hour of the first event) up to the last
 * hour that closed at least `lagMs` ago, so events still being written belong to a later run.
 */
export async function exportSincePosition(
  db: Db,
  objects: ObjectStore,
  now: Date,
  lagMs: number,
  context?: JobContext,
): Promise<ExportResult> {
  const state = db.collection<{ _id: string; exportedUntil: Date }>(C.exportState);
  const position = (await state.findOne({ _id: STATE_ID }))?.exportedUntil;
  const first = position ?? (await firstEventHour(db));
  const until = floorHour(new Date(now.getTime() - lagMs));
  if (!first || first.getTime() >= until.getTime())
    return { files: [], hoursScanned: 0, exportedUntil: position ?? null };
  const hours = Math.min((until.getTime() - first.getTime()) / HOUR_MS, MAX_HOURS_PER_RUN);
  const files: ExportedFile[] = [];
  let exportedUntil = first;
  for (let i = 0; i < hours; i++) {
    const hour = new Date(first.getTime() + i * HOUR_MS);
    const file = await exportHour(db, objects, hour);
    if (file) files.push(file);
    exportedUntil = new Date(hour.getTime() + HOUR_MS);
    await state.updateOne({ _id: STATE_ID }, { $set: { exportedUntil } }, { upsert: true });
    await context?.progress((i + 1) / hours, `exported up to ${exportedUntil.toISOString()}`);
  }
  return { files, hoursScanned: hours, exportedUntil };
}

async function firstEventHour(db: Db): Promise<Date | null> {
  const first = await db
    .collection<CampaignEventDoc>(C.events)
    .findOne({}, { sort: { recordedAt: 1 }, projection: { recordedAt: 1 } });
  return first ? floorHour(first.recordedAt) : null;
}

const params = z.object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() });
export type ExportParams = z.infer<typeof params>;

/** What the export job reads from and writes to. */
export interface EventsExportDeps {
  db: Db;
  objects: ObjectStore;
  /** The scheduled run leaves hours that closed less than this ago to a later run. */
  lagMs: number;
}

export function campaignEventsExportJob(
  deps: EventsExportDeps,
  clock: () => Date = () => new Date(),
): JobType<ExportParams, ExportResult> {
  return {
    name: CAMPAIGN_EVENTS_EXPORT_JOB,
    params,
    options: { attempts: 5, backoffMs: 5000, timeoutMs: 60 * 60 * 1000 },
    async perform({ from, to }, context) {
      const result =
        from && to
          ? await exportRange(deps.db, deps.objects, from, to, context)
          : await exportSincePosition(deps.db, deps.objects, clock(), deps.lagMs, context);
      await context.setStats({
        files: result.files.length,
        events: result.files.reduce((sum, file) => sum + file.events, 0),
      });
      return result;
    },
  };
}

import type { Db } from '../../datasources/store';
import type { QueuePort } from '../../datasources/queue';
import type { SourceRow } from '../../datasources/sfmc';
import type { Logger } from '../../logger';
import { KeyedLock } from '../keyedLock';
import { upsertClickEvents, groupByEventKey } from './clickEventWrites';
import { clickHorizon } from './clickExpiry';
import { clickCollections, QUEUE_PROCESSED, type ClickRejectDocument } from './clickModels';
import { parseClickRow, type ClickEvent, type RejectedRow } from './clickRow';
import { chunkBySize, encodeKeys } from './messages';
import { naturalId } from './eventId';
import type { ReportingCalendar } from './reportingDay';
import { upsertRelatedModels, type KnownModels } from './relatedModels';

export interface ProcessClicksDeps {
  db: Db;
  queue: QueuePort;
  calendar: ReportingCalendar;
  logger: Logger;
  /** Keys per `clicks-processed` message. */
  ackBatchSize: number;
  /** URLs and subscribers already written by this process. */
  known?: KnownModels;
  /** Writers of one business unit's clicks take turns (clickEventWrites.ts). */
  unitWriters?: KeyedLock;
}

export interface ProcessClicksResult {
  rows: number;
  clicks: number;
  rejected: number;
  eventKeys: number;
  overflowed: number;
}

/**
 * The processor step: validates a batch of one business unit's rows, upserts the related models
 * and the aggregated click events, records rejected rows, then hands every row key (rejected
 * ones too, so they are not read again) to `clicks-processed`. Every write is an idempotent
 * upsert, so a batch that dies half-way is simply processed again when redelivered.
 */
export async function processClicks(
  deps: ProcessClicksDeps,
  bu: string,
  rows: SourceRow[],
): Promise<ProcessClicksResult> {
  const clicks: ClickEvent[] = [];
  const rejected: { row: SourceRow; rejection: RejectedRow }[] = [];
  const horizon = await clickHorizon(deps.db, bu);
  for (const row of rows) {
    const parsed = parseClickRow(bu, row.values, deps.calendar);
    if (parsed.ok && horizon && parsed.click.day < horizon)
      rejected.push({ row, rejection: expiredDay(parsed.click, deps.calendar) });
    else if (parsed.ok) clicks.push(parsed.click);
    else rejected.push({ row, rejection: parsed });
  }
  // One writer of the unit at a time, from its related models to its click events and figures:
  // what the figures are planned from is then what this batch alone changes (clickEventWrites.ts).
  const written = await (deps.unitWriters ?? new KeyedLock()).run(bu, async () => {
    const { refs, newSubscribers } = await upsertRelatedModels(deps.db, clicks, deps.known);
    return upsertClickEvents(deps.db, groupByEventKey(clicks, refs), newSubscribers);
  });
  if (written.conflicts > 0) {
    deps.logger.warn(
      { bu, conflicts: written.conflicts },
      'click events changed under this batch in another process; run `stats rebuild` if the click figures look off',
    );
  }
  if (rejected.length > 0) await recordRejects(deps, bu, rejected);
  const keys = rows.map((row) => row.key);
  const messages = chunkBySize(keys, deps.ackBatchSize).map((chunk) => ({ body: encodeKeys(bu, chunk) }));
  if (messages.length > 0) await deps.queue.sendBatch(QUEUE_PROCESSED, messages);
  return {
    rows: rows.length,
    clicks: clicks.length,
    rejected: rejected.length,
    eventKeys: written.keys,
    overflowed: written.overflowed,
  };
}

/** A click of a day past retention: its day's figures stay as they were kept. */
function expiredDay(click: ClickEvent, calendar: ReportingCalendar): RejectedRow {
  return {
    eventId: click.eventId,
    reason: 'DAY_EXPIRED',
    message: `reporting day ${calendar.dateOf(click.day)}: its click events were expired, so this click is not counted`,
  };
}

async function recordRejects(
  deps: ProcessClicksDeps,
  bu: string,
  rejected: { row: SourceRow; rejection: RejectedRow }[],
) {
  const at = new Date();
  const reasons: Record<string, number> = {};
  const { rejects } = clickCollections(deps.db);
  await rejects.bulkWrite(
    rejected.map(({ row, rejection }) => {
      reasons[rejection.reason] = (reasons[rejection.reason] ?? 0) + 1;
      const document: ClickRejectDocument = {
        _id: naturalId('reject', bu, row.key),
        bu,
        key: row.key,
        reason: rejection.reason,
        message: rejection.message,
        values: truncatedValues(row.values),
        at,
      };
      return { replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } };
    }),
    { ordered: false },
  );
  deps.logger.warn(
    {
      bu,
      rejected: rejected.length,
      reasons,
      sample: rejected.slice(0, 3).map(({ row, rejection }) => ({ key: row.key, reason: rejection.reason })),
    },
    'click rows rejected',
  );
}

/** Keeps a rejected row readable without storing a pathological value whole. */
function truncatedValues(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      const text = value === null || value === undefined ? value : String(value);
      return [name, typeof text === 'string' && text.length > 300 ? `${text.slice(0, 300)}…` : text];
    }),
  );
}

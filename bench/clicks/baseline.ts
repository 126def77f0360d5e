import type { Db } from '../../src/datasources/store';
import { CLICK_LOG, type ClickLogDocument } from '../../src/datasources/sfmc/local/localClickLog';
import { parseClickRow } from '../../src/services/clicks/clickRow';
import type { ReportingCalendar } from '../../src/services/clicks/reportingDay';

export const BASELINE_PREFIX = 'baseline_';

/** The same unique keys as the pipeline's collections, so the baseline pays the same checks. */
export async function createBaselineIndexes(db: Db): Promise<void> {
  await db
    .collection(`${BASELINE_PREFIX}email_click_events`)
    .createIndex({ bu: 1, day: 1, send: 1, url: 1, subscriber: 1 }, { unique: true });
  await db.collection(`${BASELINE_PREFIX}email_sends`).createIndex({ bu: 1, jobId: 1 }, { unique: true });
  await db.collection(`${BASELINE_PREFIX}email_urls`).createIndex({ bu: 1, url: 1 }, { unique: true });
  await db.collection(`${BASELINE_PREFIX}subscribers`).createIndex({ bu: 1, subscriberKey: 1 }, { unique: true });
}

/**
 * The seed's way, one row at a time: read a row, upsert its send, URL and subscriber, then
 * `$inc` n and `$addToSet` the id on its click event, then mark the row processed. Every step
 * is its own round trip. A redelivered row is counted twice by `$inc`, which is the bug the
 * pipeline's set-then-size update fixes; the benchmark prints both totals.
 */
export async function runBaseline(
  db: Db,
  bu: string,
  calendar: ReportingCalendar,
): Promise<{ rows: number; seconds: number }> {
  const log = db.collection<ClickLogDocument>(CLICK_LOG);
  const sends = db.collection(`${BASELINE_PREFIX}email_sends`);
  const urls = db.collection(`${BASELINE_PREFIX}email_urls`);
  const subscribers = db.collection(`${BASELINE_PREFIX}subscribers`);
  const events = db.collection(`${BASELINE_PREFIX}email_click_events`);
  const started = process.hrtime.bigint();
  let rows = 0;
  for (;;) {
    const row = await log.findOne({ bu, processed: false }, { sort: { pos: 1 } });
    if (!row) break;
    rows += 1;
    const parsed = parseClickRow(bu, row.values, calendar);
    if (parsed.ok) {
      const click = parsed.click;
      await sends.updateOne(
        { bu, jobId: click.jobId },
        { $setOnInsert: { createdAt: new Date() }, $max: { lastClickAt: click.eventDate } },
        { upsert: true },
      );
      await urls.updateOne({ bu, url: click.url }, { $setOnInsert: { linkName: click.linkName } }, { upsert: true });
      await subscribers.updateOne(
        { bu, subscriberKey: click.subscriberKey },
        { $setOnInsert: { subscriberId: click.subscriberId } },
        { upsert: true },
      );
      await events.updateOne(
        { bu, day: click.day, send: click.jobId, url: click.url, subscriber: click.subscriberKey },
        { $inc: { n: 1 }, $addToSet: { guids: click.eventId }, $max: { last: click.eventDate } },
        { upsert: true },
      );
    }
    await log.updateOne({ _id: row._id }, { $set: { processed: true } });
  }
  return { rows, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

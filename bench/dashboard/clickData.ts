import { formatSfmcDate, type ClickLogRow } from '../../src/datasources/sfmc/clickLogRow';
import { seededRandom } from '../../src/services/seededRandom';

/** The business unit whose local data extension the benchmark fills and keeps filling. */
export const BENCH_BU = 'Bench';

const SENDS = 40;
const LINKS_PER_SEND = 12;
const SUBSCRIBERS = 250_000;
const DAY_MS = 86_400_000;

/**
 * One click-log row as Marketing Cloud writes it: clicks concentrated on few links and on
 * active subscribers (the shape bench/clicks uses), at `at`, with event id `eventId`.
 */
function clickRow(next: () => number, at: Date, eventId: string): ClickLogRow {
  const send = Math.floor(next() * SENDS);
  const link = Math.min(LINKS_PER_SEND - 1, Math.floor(next() ** 2 * LINKS_PER_SEND));
  const subscriber = Math.floor(next() ** 1.5 * SUBSCRIBERS);
  return {
    JobID: String(70_000 + send),
    BatchID: '1',
    ListID: '42',
    SubscriberKey: `sub-${subscriber}`,
    SubscriberID: String(1_000_000 + subscriber),
    EventDate: formatSfmcDate(at),
    URL: `https://www.example.com/send-${send}/link-${link}?utm_source=sfmc&utm_medium=email`,
    LinkName: `link-${link}`,
    LinkContent: `https://www.example.com/link-${link}`,
    IsUnique: 'False',
    EventID: eventId,
  };
}

/** `total` rows spread evenly over the `days` days before `end`, in chunks of `chunk`. */
export function* pastClickRows(total: number, days: number, end: Date, chunk = 10_000): Generator<ClickLogRow[]> {
  const next = seededRandom(11);
  const start = end.getTime() - days * DAY_MS;
  for (let from = 0; from < total; from += chunk) {
    const rows: ClickLogRow[] = [];
    for (let i = from; i < Math.min(total, from + chunk); i++) {
      rows.push(clickRow(next, new Date(start + Math.floor((i / total) * days * DAY_MS)), `past-${i}`));
    }
    yield rows;
  }
}

/** Rows clicked now, with event ids no other call of this process repeats. */
export function liveClickRows(count: number, run: string, first: number, next: () => number): ClickLogRow[] {
  const now = new Date();
  return Array.from({ length: count }, (_, i) => clickRow(next, now, `live-${run}-${first + i}`));
}

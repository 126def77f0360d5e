import { type ClickLogRow } from '../../src/datasources/sfmc/clickLogRow';
import { formatSfmcDate } from '../../src/datasources/sfmc/clickLogRow';
import { seededRandom } from '../../src/services/seededRandom';

export interface BenchRowsOptions {
  sends: number;
  linksPerSend: number;
  subscribers: number;
  days: number;
  /** Share of rows delivered twice with the same EventID. */
  redelivered: number;
  seed: number;
}

/**
 * Click rows in chunks (a million rows do not fit comfortably in memory at once), with the
 * shape of real click logs: clicks concentrated on few links and on active subscribers, some
 * rows redelivered, one row in a thousand malformed. `distinctIds` counts the valid distinct
 * event ids, the exact total the pipeline must arrive at.
 */
export function* benchClickRows(
  total: number,
  chunk: number,
  options: BenchRowsOptions,
  tally: { distinctIds: number },
): Generator<ClickLogRow[]> {
  const next = seededRandom(options.seed);
  const start = Date.UTC(2026, 2, 1);
  let rows: ClickLogRow[] = [];
  let produced = 0;
  for (let i = 0; produced < total; i++) {
    const send = Math.floor(next() * options.sends);
    const link = Math.min(options.linksPerSend - 1, Math.floor(next() ** 2 * options.linksPerSend));
    const subscriber = Math.floor(next() ** 1.5 * options.subscribers);
    const eventDate = new Date(start + Math.floor((i / total) * options.days * 86_400_000));
    const malformed = i % 1000 === 999;
    const row: ClickLogRow = {
      JobID: String(70_000 + send),
      BatchID: '1',
      ListID: '42',
      SubscriberKey: `sub-${subscriber}`,
      SubscriberID: String(1_000_000 + subscriber),
      EventDate: malformed ? 'not a date' : formatSfmcDate(eventDate),
      URL: `https://www.example.com/send-${send}/link-${link}?utm_source=sfmc&utm_medium=email`,
      LinkName: `link-${link}`,
      LinkContent: `https://www.example.com/link-${link}`,
      IsUnique: 'False',
      EventID: `ev-${i}`,
    };
    if (!malformed) tally.distinctIds += 1;
    rows.push(row);
    produced += 1;
    if (produced < total && next() < options.redelivered) {
      rows.push({ ...row });
      produced += 1;
    }
    if (rows.length >= chunk) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length > 0) yield rows;
}

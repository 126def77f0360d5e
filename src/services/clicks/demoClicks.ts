import type { SfmcPort } from '../../datasources/sfmc';
import { type ClickLogRow } from '../../datasources/sfmc/clickLogRow';
import { formatSfmcDate } from '../../datasources/sfmc/clickLogRow';
import { seededRandom } from '../seededRandom';

export interface DemoClicksOptions {
  units?: string[];
  rowsPerUnit?: number;
  sendsPerUnit?: number;
  linksPerSend?: number;
  subscribersPerUnit?: number;
  /** Share of rows delivered twice (same EventID), as Marketing Cloud sometimes does. */
  redeliveredShare?: number;
  now?: Date;
}

/** The SFMC export date format: `3/8/2026 1:30:00 AM` in system time (UTC-6). */
function exportFormat(instant: Date): string {
  const [date, time] = formatSfmcDate(instant).split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute, second] = time.split(':') as [string, string, string];
  const h = Number(hour);
  return `${month}/${day}/${year} ${h % 12 === 0 ? 12 : h % 12}:${minute}:${second} ${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * Click rows of the last two weeks for a few business units: several sends with categories,
 * a handful of links each, thousands of subscribers; some rows redelivered, some without an
 * EventID (the id is derived), both date formats, and a few malformed rows the processor rejects.
 */
export function demoClickRows(unit: string, index: number, options: DemoClicksOptions = {}): ClickLogRow[] {
  const next = seededRandom(1000 + index);
  const pick = (n: number) => Math.floor(next() * n);
  const rowsWanted = options.rowsPerUnit ?? 15_000;
  const sends = options.sendsPerUnit ?? 6;
  const links = options.linksPerSend ?? 8;
  const subscribers = options.subscribersPerUnit ?? 3000;
  const now = (options.now ?? new Date()).getTime();
  const rows: ClickLogRow[] = [];
  for (let i = 0; rows.length < rowsWanted; i++) {
    const send = pick(sends);
    // Clicks cluster on the first links and on a minority of subscribers, as real mail does.
    const link = Math.min(links - 1, Math.floor(next() ** 2 * links));
    const subscriber = Math.floor(next() ** 1.5 * subscribers);
    const eventDate = new Date(now - (send + 1) * 2 * 86_400_000 + pick(2 * 86_400_000));
    const row: ClickLogRow = {
      JobID: String(40_000 + index * 100 + send),
      BatchID: String(1 + (send % 3)),
      ListID: String(700 + index),
      SubscriberKey: `${unit.toLowerCase().replace(/\W+/g, '-')}-sub-${subscriber}`,
      SubscriberID: String(900_000 + subscriber),
      EventDate: i % 2 === 0 ? exportFormat(eventDate) : formatSfmcDate(eventDate),
      URL: `https://www.example.com/${unit.toLowerCase().replace(/\W+/g, '-')}/send-${send}/link-${link}?utm_source=sfmc`,
      LinkName: `link-${link}`,
      LinkContent: `https://www.example.com/link-${link}`,
      IsUnique: next() < 0.7 ? 'True' : 'False',
      EventID: i % 10 === 9 ? '' : `${unit}-${i}`,
      EmailName: `${unit} newsletter ${send + 1}`,
      CategoryID: String(5000 + index * 10 + (send % 2)),
      CategoryName: send % 2 === 0 ? 'Newsletters' : 'Promotions',
      ParentCategoryID: String(5000 + index * 10 + 9),
    };
    if (i % 997 === 0) row.EventDate = 'not a date';
    rows.push(row);
    if (next() < (options.redeliveredShare ?? 0.05)) rows.push({ ...row });
  }
  return rows.slice(0, rowsWanted);
}

export const DEMO_UNITS = ['North America', 'Europe', 'Latin America'];

/** Fills the local data extension; the CLICKS_LOAD schedule (or sync-clicks) processes it. */
export async function fillDemoClicks(
  sfmc: SfmcPort,
  options: DemoClicksOptions = {},
): Promise<{ bu: string; rows: number }[]> {
  if (!sfmc.appendRows) return [];
  const filled = [];
  for (const [index, unit] of (options.units ?? DEMO_UNITS).entries()) {
    const rows = demoClickRows(unit, index, options);
    for (let start = 0; start < rows.length; start += 5000)
      await sfmc.appendRows(unit, rows.slice(start, start + 5000));
    filled.push({ bu: unit, rows: rows.length });
  }
  return filled;
}

/** The period of data a lake file holds, as its key tells it. */
export interface LakePeriod {
  start: Date;
  /** The instant after the period: the file is past a cutoff once this is not after it. */
  end: Date;
}

/** Where the lake's files are on the objects port: Avro records (live and archived) and campaign events. */
export const LAKE_PREFIXES = ['avro/', 'raw/campaign_events/'] as const;

const partition = /(?:^|\/)dt=(\d{4})-(\d{2})-(\d{2})(?:\/|$)/;
const datedFolders = /\/(\d{4})\/(\d{2})\/(?:(\d{2})\/)?/;

function utc(year: number, month: number, day: number): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

/**
 * The day or month a lake file's key names: `dt=YYYY-MM-DD` partitions (campaign events),
 * `.../YYYY/MM/DD/...` (a day of Avro records, loose or merged, live or archived) and
 * `.../YYYY/MM/merged-...` (a month merged). Null when the key names no valid date.
 */
export function lakePeriodOf(key: string): LakePeriod | null {
  const day = partition.exec(key);
  if (day) {
    const start = utc(Number(day[1]), Number(day[2]), Number(day[3]));
    return start && { start, end: new Date(start.getTime() + 86_400_000) };
  }
  const folders = datedFolders.exec(key);
  if (!folders) return null;
  const [year, month] = [Number(folders[1]), Number(folders[2])];
  if (folders[3] !== undefined) {
    const start = utc(year, month, Number(folders[3]));
    return start && { start, end: new Date(start.getTime() + 86_400_000) };
  }
  const start = utc(year, month, 1);
  return start && { start, end: new Date(Date.UTC(year, month, 1)) };
}

import path from 'node:path';
import { cloudFrontLine, writeLogFile, type PixelRequest } from '../../../src/services/tracking/pixelLogFiles';
import { seededRandom } from '../../../src/services/seededRandom';

export { cloudFrontLine, pixelQuery, writeLogFile } from '../../../src/services/tracking/pixelLogFiles';

export type PixelEvent = 'impression' | 'click' | 'viewable';

/** One request to the tracking pixel, as a CloudFront log line records it. */
export interface PixelHit extends PixelRequest {
  event: PixelEvent;
}

/** A placement that pixels fire for. */
export interface Creative {
  creativeId: string;
  publicationCode: string;
  channel: string;
  adSize: string;
}

/** True when CloudFront would count this hit under the tracking rules. */
export function isCountedHit(hit: PixelHit): boolean {
  if ((hit.method ?? 'GET') !== 'GET' || (hit.stem ?? '/t.gif') !== '/t.gif') return false;
  const status = hit.status ?? 200;
  return status === 200 || (status === 302 && hit.event === 'click');
}

export interface ExpectedAggregate {
  report_date: string;
  creative_id: string;
  publication_code: string;
  channel: string | null;
  ad_size: string | null;
  impressions: number;
  clicks: number;
  viewable_impressions: number;
  unique_ips: number;
}

/** The daily aggregates counted in plain JavaScript, independently of DuckDB. */
export function expectedAggregates(hits: readonly PixelHit[]): ExpectedAggregate[] {
  const groups = new Map<string, ExpectedAggregate & { ips: Set<string> }>();
  for (const hit of hits.filter(isCountedHit)) {
    const key = [hit.date, hit.creativeId, hit.publicationCode, hit.channel ?? '', hit.adSize ?? ''].join('\u0000');
    let group = groups.get(key);
    if (!group) {
      group = {
        report_date: hit.date,
        creative_id: hit.creativeId,
        publication_code: hit.publicationCode,
        channel: hit.channel ?? null,
        ad_size: hit.adSize ?? null,
        impressions: 0,
        clicks: 0,
        viewable_impressions: 0,
        unique_ips: 0,
        ips: new Set(),
      };
      groups.set(key, group);
    }
    if (hit.event === 'impression') group.impressions += 1;
    if (hit.event === 'click') group.clicks += 1;
    if (hit.event === 'viewable') group.viewable_impressions += 1;
    group.ips.add(hit.ip);
  }
  return [...groups.values()].map(({ ips, ...rest }) => ({ ...rest, unique_ips: ips.size }));
}

/**
 * Hits for each creative and day: impressions, about a quarter viewable, a few clicks (some
 * answered 302), plus noise that must not count (404s, HEADs, other paths).
 */
export function generateHits(options: {
  creatives: readonly Creative[];
  days: readonly string[];
  impressionsPerDay: number;
  ipPool: number;
  seed?: number;
}): PixelHit[] {
  const next = seededRandom(options.seed ?? 1);
  const hits: PixelHit[] = [];
  for (const date of options.days) {
    for (const creative of options.creatives) {
      const base = { date, ...creative };
      const count = 1 + Math.floor(next() * options.impressionsPerDay);
      for (let i = 0; i < count; i++) {
        const ip = `10.${Math.floor(next() * 4)}.${Math.floor(next() * 16)}.${Math.floor(next() * options.ipPool) % 256}`;
        hits.push({ ...base, ip, event: 'impression' });
        if (next() < 0.25) hits.push({ ...base, ip, event: 'viewable' });
        if (next() < 0.05) hits.push({ ...base, ip, event: 'click', status: next() < 0.5 ? 302 : 200 });
        if (next() < 0.02) hits.push({ ...base, ip, event: 'impression', status: 404 });
        if (next() < 0.01) hits.push({ ...base, ip, event: 'impression', method: 'HEAD' });
        if (next() < 0.01) hits.push({ ...base, ip, event: 'impression', stem: '/favicon.ico' });
      }
    }
  }
  return hits;
}

/** Writes hits as CloudFront would: one folder per day, several files per day. */
export async function writeHits(dir: string, hits: readonly PixelHit[], filesPerDay = 2): Promise<string[]> {
  const byDay = new Map<string, PixelHit[]>();
  for (const hit of hits) {
    const dayHits = byDay.get(hit.date);
    if (dayHits) dayHits.push(hit);
    else byDay.set(hit.date, [hit]);
  }
  const files: string[] = [];
  for (const [date, dayHits] of byDay) {
    for (let f = 0; f < filesPerDay; f++) {
      const lines = dayHits.filter((_, i) => i % filesPerDay === f).map((hit) => cloudFrontLine(hit));
      files.push(
        await writeLogFile(
          path.join(dir, date.slice(0, 7)),
          `E2EXAMPLE.${date}-${String(f).padStart(2, '0')}.${f}abc.gz`,
          lines,
        ),
      );
    }
  }
  return files;
}

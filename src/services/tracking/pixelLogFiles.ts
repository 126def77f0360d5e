import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { CLOUDFRONT_LOG_FIELDS } from '../../datasources/analytics';

const gzipAsync = promisify(gzip);

/** One request to the tracking pixel /t.gif, as a CloudFront standard log line records it. */
export interface PixelRequest {
  date: string;
  time?: string;
  ip: string;
  event: string;
  creativeId: string;
  publicationCode: string;
  channel?: string;
  adSize?: string;
  status?: number;
  method?: string;
  stem?: string;
}

/** cs-uri-query as a browser sends it: every value percent-encoded. */
export function pixelQuery(
  request: Pick<PixelRequest, 'event' | 'creativeId' | 'publicationCode' | 'channel' | 'adSize'>,
): string {
  const params: [string, string | undefined][] = [
    ['e', request.event],
    ['cr', request.creativeId],
    ['pub', request.publicationCode],
    ['ch', request.channel],
    ['sz', request.adSize],
  ];
  return params
    .filter((param): param is [string, string] => param[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
}

/** The 33 tab-separated fields, '-' where empty, as CloudFront writes them. */
export function cloudFrontLine(request: PixelRequest, rawQuery?: string): string {
  const values: Record<string, string> = {
    date: request.date,
    time: request.time ?? '12:00:00',
    'x-edge-location': 'ORD52-C1',
    'sc-bytes': '430',
    'c-ip': request.ip,
    'cs-method': request.method ?? 'GET',
    'cs(Host)': 'd111111abcdef8.cloudfront.net',
    'cs-uri-stem': request.stem ?? '/t.gif',
    'sc-status': String(request.status ?? 200),
    'cs(Referer)': '-',
    'cs(User-Agent)': 'Mozilla/5.0%20(X11;%20Linux%20x86_64)',
    'cs-uri-query': rawQuery ?? pixelQuery(request),
    'x-edge-result-type': 'Hit',
    'cs-protocol': 'https',
    'time-taken': '0.001',
  };
  return CLOUDFRONT_LOG_FIELDS.map((field) => values[field] ?? '-').join('\t');
}

/**
 * Writes a gzipped log file with CloudFront's two header lines. Written beside and renamed,
 * so a reader never sees half a file.
 */
export async function writeLogFile(dir: string, name: string, lines: readonly string[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const text = ['#Version: 1.0', `#Fields: ${CLOUDFRONT_LOG_FIELDS.join(' ')}`, ...lines].join('\n') + '\n';
  const file = path.join(dir, name);
  const partial = `${file}.partial`;
  await writeFile(partial, await gzipAsync(text));
  await rename(partial, file);
  return file;
}

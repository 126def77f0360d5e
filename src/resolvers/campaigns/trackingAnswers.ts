import type { ServerResponse } from 'node:http';
import type { App } from '../../app';
import type { CampaignTracking, TrackingRefusal } from '../../services/campaigns/tracking';

/**
 * The answers of the open pixel and the click redirect, written on node's own response, so
 * the same code serves them ahead of Express (the fast route) and through it (the fallback).
 */

/** A transparent 1x1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const PIXEL_HEADERS = {
  'Content-Type': 'image/gif',
  'Content-Length': String(PIXEL.length),
  'Cache-Control': 'no-store, max-age=0',
};

const refusals: Record<TrackingRefusal, { status: number; message: string }> = {
  INVALID_TOKEN: { status: 404, message: 'Unknown or altered tracking link' },
  UNKNOWN_CAMPAIGN: { status: 404, message: 'Unknown campaign' },
  LINK_OUT_OF_RANGE: { status: 400, message: 'This campaign has no link at that index' },
};

export function refuse(res: ServerResponse, reason: TrackingRefusal): void {
  const { status, message } = refusals[reason];
  res
    .writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(message)),
    })
    .end(message);
}

/** The open pixel: recorded when the token is genuine; the GIF is served even if storing failed. */
export async function answerOpen(
  app: App,
  tracking: CampaignTracking,
  file: string,
  res: ServerResponse,
): Promise<void> {
  if (!file.endsWith('.gif')) return refuse(res, 'INVALID_TOKEN');
  try {
    const refusal = await tracking.open(file.slice(0, -'.gif'.length));
    if (refusal) return refuse(res, refusal);
  } catch (error) {
    app.logger.error({ err: error }, 'open not recorded');
  }
  res.writeHead(200, PIXEL_HEADERS).end(PIXEL);
}

/** The click redirect: only to the link at that index of the campaign's frozen link list. */
export async function answerClick(
  app: App,
  tracking: CampaignTracking,
  token: string,
  linkParam: unknown,
  res: ServerResponse,
): Promise<void> {
  try {
    const outcome = await tracking.click(token, linkParam);
    if (!outcome.ok) return refuse(res, outcome.reason);
    res.writeHead(302, { Location: locationOf(outcome.url), 'Cache-Control': 'no-store', 'Content-Length': '0' }).end();
  } catch (error) {
    app.logger.error({ err: error }, 'click not recorded');
    const body = JSON.stringify({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong' } });
    res
      .writeHead(500, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
      })
      .end(body);
  }
}

/**
 * Runs of characters a Location header cannot carry as they are (controls, space, non-ASCII,
 * `"<>{}` and backtick), and `%` not starting an escape: the set Express's res.location()
 * encodes, so a link redirects to the same address on either route.
 */
const needsEncoding = /(?:[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]|%(?![0-9A-Fa-f]{2}))+/gu;

/** Unpaired UTF-16 surrogates, which no URL can encode: replaced by U+FFFD, as Express does. */
const loneSurrogate = /\p{Surrogate}/gu;

export function locationOf(url: string): string {
  return url.replace(loneSurrogate, '\uFFFD').replace(needsEncoding, (run) => encodeURI(run));
}

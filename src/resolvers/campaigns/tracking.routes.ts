import express, { type Request, type Response, type Router } from 'express';
import type { App } from '../../app';
import { resolvePrincipal } from '../../auth/principal';
import { Role, holdsRole } from '../../auth/roles';
import { AppError } from '../../errors';
import { verifyDownload } from '../../datasources/objects/downloadLinks';
import { CampaignEventRecorder } from '../../services/campaigns/recordEvents';
import { CampaignTracking, type TrackingRefusal } from '../../services/campaigns/tracking';
import { trackingSecret } from '../../services/campaigns/trackingSecret';

/** A transparent 1x1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const PIXEL_HEADERS = { 'Content-Type': 'image/gif', 'Content-Length': String(PIXEL.length), 'Cache-Control': 'no-store, max-age=0' };

const instances = new WeakMap<App, CampaignTracking>();

/** The tracking service of an app (one event recorder per process, so events group-commit). */
export function campaignTracking(app: App): CampaignTracking {
  let tracking = instances.get(app);
  if (!tracking) {
    tracking = new CampaignTracking(app.db, () => trackingSecret(app.config), new CampaignEventRecorder(app.db));
    instances.set(app, tracking);
  }
  return tracking;
}

const refusals: Record<TrackingRefusal, { status: number; message: string }> = {
  INVALID_TOKEN: { status: 404, message: 'Unknown or altered tracking link' },
  UNKNOWN_CAMPAIGN: { status: 404, message: 'Unknown campaign' },
  LINK_OUT_OF_RANGE: { status: 400, message: 'This campaign has no link at that index' },
};

function refuse(res: Response, reason: TrackingRefusal): void {
  const { status, message } = refusals[reason];
  res.status(status).type('text/plain').send(message);
}

function sendError(res: Response, error: unknown, app: App): void {
  if (error instanceof AppError) {
    const status = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 }[error.code as string] ?? 500;
    res.status(status).json({ error: { code: error.code, message: error.message } });
    return;
  }
  app.logger.error({ err: error }, 'campaign route failed');
  res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong' } });
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** The open pixel: recorded when the token is genuine; the GIF is served even if storing failed. */
function openPixel(app: App, tracking: CampaignTracking): Handler {
  return async (req, res) => {
    const file = String(req.params.file);
    if (!file.endsWith('.gif')) return refuse(res, 'INVALID_TOKEN');
    try {
      const refusal = await tracking.open(file.slice(0, -'.gif'.length));
      if (refusal) return refuse(res, refusal);
    } catch (error) {
      app.logger.error({ err: error }, 'open not recorded');
    }
    // written directly: Express's send() would hash the GIF for an ETag a no-store pixel never uses
    res.writeHead(200, PIXEL_HEADERS).end(PIXEL);
  };
}

/** The click redirect: only to the link at that index of the campaign's frozen link list. */
function clickRedirect(app: App, tracking: CampaignTracking): Handler {
  return async (req, res) => {
    try {
      const outcome = await tracking.click(String(req.params.token), req.query.l);
      if (!outcome.ok) return refuse(res, outcome.reason);
      // location() encodes the URL as redirect() would; no negotiated "Redirecting to" body
      res.location(outcome.url).set('Cache-Control', 'no-store').status(302).end();
    } catch (error) {
      sendError(res, error, app);
    }
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** POST /conversions for servers, with an OPERATOR API key. */
function conversions(app: App, tracking: CampaignTracking): Handler {
  return async (req, res) => {
    try {
      const principal = await resolvePrincipal(app.db, req.headers.authorization, { allowAnonymousViewer: false });
      if (!principal) throw new AppError('UNAUTHENTICATED', 'A valid API key is required');
      if (!holdsRole(principal.role, Role.OPERATOR)) throw new AppError('FORBIDDEN', 'Recording conversions needs the role OPERATOR');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const occurredAt = typeof body.occurredAt === 'string' ? new Date(body.occurredAt) : undefined;
      if (occurredAt && Number.isNaN(occurredAt.getTime())) throw new AppError('BAD_USER_INPUT', 'occurredAt: an ISO date-time');
      const event = await tracking.conversion({
        token: text(body.token),
        campaignId: text(body.campaignId),
        email: text(body.email),
        value: typeof body.value === 'number' ? body.value : undefined,
        eventId: text(body.eventId),
        occurredAt,
      });
      res.status(201).json({ id: event._id, campaignId: event.campaignId, recipientId: event.recipientId });
    } catch (error) {
      sendError(res, error, app);
    }
  };
}

/** GET /files/<key>: an exported file, for a link signed for that key and not expired. */
function download(app: App): Handler {
  return async (req, res) => {
    try {
      const key = (req.params.key as unknown as string[]).join('/');
      const signature = text(req.query.signature) ?? '';
      if (!verifyDownload(await trackingSecret(app.config), key, Number(req.query.expires), signature)) {
        res.status(403).type('text/plain').send('This download link is invalid or has expired');
        return;
      }
      const object = await app.ports.objects.get(key);
      if (!object) {
        res.status(404).type('text/plain').send('No such file');
        return;
      }
      res.status(200).set({ 'Content-Type': object.contentType, 'Content-Disposition': `attachment; filename="${key.split('/').pop()}"` });
      object.body.on('error', (error) => res.destroy(error));
      object.body.pipe(res);
    } catch (error) {
      sendError(res, error, app);
    }
  };
}

/**
 * Public tracking endpoints (open pixel, click redirect), the conversion endpoint for servers
 * (OPERATOR API key) and signed downloads of exported files.
 */
export function campaignRoutes(router: Router, app: App): void {
  const tracking = campaignTracking(app);
  router.get('/o/:file', openPixel(app, tracking));
  router.get('/c/:token', clickRedirect(app, tracking));
  router.post('/conversions', express.json({ limit: '16kb' }), conversions(app, tracking));
  router.get('/files/*key', download(app));
}

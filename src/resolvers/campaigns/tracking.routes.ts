import { parse as parseQuery } from 'node:querystring';
import express, { type Request, type Response, type Router } from 'express';
import type { App } from '../../app';
import { resolvePrincipal } from '../../auth/principal';
import { Role, holdsRole } from '../../auth/roles';
import { AppError, httpStatusOf } from '../../errors';
import { verifyDownload } from '../../datasources/objects/downloadLinks';
import type { CampaignServices } from '../../services/campaigns/services';
import type { CampaignTracking } from '../../services/campaigns/tracking';
import type { TrackingSite } from '../../services/campaigns/trackingSite';
import type { FastRoute } from '../routes';
import { answerClick, answerOpen } from './trackingAnswers';

function sendError(res: Response, error: unknown, app: App): void {
  if (error instanceof AppError) {
    res.status(httpStatusOf(error.code)).json({ error: { code: error.code, message: error.message } });
    return;
  }
  app.logger.error({ err: error }, 'campaign route failed');
  res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong' } });
}

type Handler = (req: Request, res: Response) => Promise<void>;

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** POST /conversions for servers, with an OPERATOR API key. */
function conversions(app: App, tracking: CampaignTracking): Handler {
  return async (req, res) => {
    try {
      const principal = await resolvePrincipal(app.apiKeys, req.headers.authorization, { allowAnonymousViewer: false });
      if (!principal) throw new AppError('UNAUTHENTICATED', 'A valid API key is required');
      if (!holdsRole(principal.role, Role.OPERATOR))
        throw new AppError('FORBIDDEN', 'Recording conversions needs the role OPERATOR');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const occurredAt = typeof body.occurredAt === 'string' ? new Date(body.occurredAt) : undefined;
      if (occurredAt && Number.isNaN(occurredAt.getTime()))
        throw new AppError('BAD_USER_INPUT', 'occurredAt: an ISO date-time');
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
function download(app: App, site: TrackingSite): Handler {
  return async (req, res) => {
    try {
      const key = (req.params.key as unknown as string[]).join('/');
      const signature = text(req.query.signature) ?? '';
      if (!verifyDownload(await site.secret(), key, Number(req.query.expires), signature)) {
        res.status(403).type('text/plain').send('This download link is invalid or has expired');
        return;
      }
      const object = await app.ports.objects.get(key);
      if (!object) {
        res.status(404).type('text/plain').send('No such file');
        return;
      }
      res.status(200).set({
        'Content-Type': object.contentType,
        'Content-Disposition': `attachment; filename="${key.split('/').pop()}"`,
      });
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
export function campaignRoutes(router: Router, app: App, { tracking, site }: CampaignServices): void {
  // the fallback for requests the fast route leaves (HEAD, other case, encoded or trailing slash)
  router.get('/o/:file', (req, res) => answerOpen(app, tracking, String(req.params.file), res));
  router.get('/c/:token', (req, res) => answerClick(app, tracking, String(req.params.token), req.query.l, res));
  router.post('/conversions', express.json({ limit: '16kb' }), conversions(app, tracking));
  router.get('/files/*key', download(app, site));
}

/**
 * GET /o/<token>.gif and /c/<token>?l= on the raw request, ahead of Express: a pixel is the
 * most frequent request the service gets, and Express's routing and response helpers cost more
 * than the event itself. Only plain forms are taken here (GET, lower-case prefix, one segment
 * with nothing to decode); everything else reaches the Express routes above, which answer the
 * same way. The query is parsed as Express's default parser does (node:querystring).
 */
export function campaignFastRoutes(app: App, { tracking }: CampaignServices): FastRoute[] {
  return [
    (req, res) => {
      const url = req.url ?? '';
      const kind = url.slice(0, 3);
      if (req.method !== 'GET' || (kind !== '/o/' && kind !== '/c/')) return false;
      const queryAt = url.indexOf('?');
      const segment = queryAt < 0 ? url.slice(3) : url.slice(3, queryAt);
      if (segment === '' || segment.includes('/') || segment.includes('%')) return false;
      if (kind === '/o/') void answerOpen(app, tracking, segment, res);
      else
        void answerClick(app, tracking, segment, queryAt < 0 ? undefined : parseQuery(url.slice(queryAt + 1)).l, res);
      return true;
    },
  ];
}

import type { Request, Router } from 'express';
import express from 'express';
import { getDistDirectory, renderAltair } from 'altair-static';

export const EXPLORER_ASSETS_PATH = '/explorer-assets';

/** Where the browser reached us: PUBLIC_BASE_URL when set (behind a proxy), else the request's own host. */
function publicOrigin(req: Request, publicBaseUrl: string | undefined): URL {
  if (publicBaseUrl) return new URL(publicBaseUrl);
  return new URL(`${req.protocol}://${req.get('host') ?? 'localhost'}`);
}

const starterQuery = `# Campaign Hub. Send your API key as the header  Authorization: Bearer <key>
# (Set headers in the toolbar), or as connection parameter "authorization" for subscriptions.
query Health {
  health {
    status
    storeEngine
    serverTime
  }
}
`;

/**
 * Altair, served from the installed altair-static package so the explorer works with no
 * internet: GET /graphql with Accept: text/html renders it, its scripts and styles come from
 * EXPLORER_ASSETS_PATH. API clients (Accept: application/json) fall through to GraphQL over GET.
 */
export function mountExplorer(router: Router, options: { publicBaseUrl?: string }): void {
  router.use(EXPLORER_ASSETS_PATH, express.static(getDistDirectory(), { index: false, maxAge: '1h' }));
  router.get('/graphql', (req, res, next) => {
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') {
      next();
      return;
    }
    const origin = publicOrigin(req, options.publicBaseUrl);
    const wsProtocol = origin.protocol === 'https:' ? 'wss:' : 'ws:';
    const html = renderAltair({
      baseURL: `${EXPLORER_ASSETS_PATH}/`,
      endpointURL: new URL('/graphql', origin).toString(),
      subscriptionsEndpoint: `${wsProtocol}//${origin.host}/graphql`,
      initialSubscriptionRequestHandlerId: 'graphql-ws',
      initialQuery: starterQuery,
      // Apollo's CSRF prevention refuses multipart uploads without this header; Altair sends it
      // with every request so file-upload mutations work from the explorer.
      initialHeaders: { 'apollo-require-preflight': 'true' },
      initialSettings: {
        'alert.disableUpdateNotification': true,
        disablePushNotification: true,
        'banners.disable': true,
      },
      disableAccount: true,
    });
    res.type('html').send(html);
  });
}

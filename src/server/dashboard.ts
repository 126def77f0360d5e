import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Response, Router } from 'express';
import express from 'express';

/** Where `npm run build:web` writes the dashboard: dist/web at the repository root (from src/ and dist/ alike). */
export const DASHBOARD_DIR = resolve(__dirname, '..', '..', 'dist', 'web');
export const DASHBOARD_ASSETS_PATH = '/dashboard';

/**
 * The dashboard loads nothing but its own files, and talks to this service only (HTTP and the
 * WebSocket on the same origin); no other site may frame it.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secure(res: Response): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}

/**
 * The web dashboard for people (web/, docs/dashboard.md): its page at GET /, its script, styles
 * and icon under /dashboard/. Files are revalidated on every load (ETag), so a new build shows at
 * once. Before `npm run build:web` has run, GET / says how to build it.
 */
export function mountDashboard(router: Router, dir = DASHBOARD_DIR): void {
  const index = join(dir, 'index.html');
  router.use(
    DASHBOARD_ASSETS_PATH,
    express.static(dir, {
      index: false,
      cacheControl: false,
      setHeaders: (res) => {
        secure(res);
        res.setHeader('cache-control', 'no-cache');
      },
    }),
  );
  router.get('/', (_req, res) => {
    if (!existsSync(index)) {
      res
        .status(404)
        .type('text')
        .send('The dashboard is not built: run `npm run build:web` (or `npm run build`). The API is at /graphql.\n');
      return;
    }
    secure(res);
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}

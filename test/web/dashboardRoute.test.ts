import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { mountDashboard } from '../../src/server/dashboard';

/** An Express app with only the dashboard's routes, serving `dir`, on a random port. */
async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  mountDashboard(app, dir);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the dashboard routes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-route-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('serves the page at / and its files under /dashboard/, loading only from itself', async () => {
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Campaign Hub</title>');
    await writeFile(join(dir, 'app.js'), 'export {};');
    const { url, close } = await serve(dir);
    try {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toContain('Campaign Hub');
      const script = await fetch(`${url}/dashboard/app.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${url}/dashboard/index.html`)).status).toBe(200);
      expect((await fetch(`${url}/dashboard/missing.js`)).status).toBe(404);
    } finally {
      await close();
    }
  });

  it('says how to build the dashboard before it is built', async () => {
    const { url, close } = await serve(join(dir, 'not-built'));
    try {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('npm run build:web');
    } finally {
      await close();
    }
  });
});

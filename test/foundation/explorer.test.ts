import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = resolve(__dirname, '../../test-artifacts');

/** Debian's chromium, installed by .ci/run when missing; this test never downloads a browser. */
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

describeWithBrowser('the explorer at GET /graphql', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads only from this service, runs a query and shows the result', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const origin = new URL(server.url).origin;
    const foreign: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (/^https?:/.test(url) && !url.startsWith(origin)) foreign.push(url);
    });
    await page.goto(server.url, { waitUntil: 'load' });
    // Altair shows its send button once the editor with our starter query is ready.
    const send = page.locator('button.send-request__button, [data-test-id="send-request"]').first();
    await send.waitFor({ state: 'visible', timeout: 30_000 });
    await send.click();
    const result = page.locator('.app-result, app-query-result').first();
    await result.getByText('"storeEngine": "EMBEDDED"').waitFor({ timeout: 20_000 });
    await expect(result.innerText()).resolves.toContain('"status": "OK"');
    // The schema docs came through introspection (which the depth limit must not refuse).
    await page.getByText('Reloaded doc successfully').waitFor({ timeout: 20_000 });
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: resolve(artifacts, 'explorer.png') });
    expect(foreign).toEqual([]);
  }, 90_000);
});

import type { BrowserContext, Page } from 'playwright-core';

/** A page of the dashboard with everything that would make the test fail recorded. */
export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught exceptions and requests or sockets to anywhere but the service. */
  problems: string[];
}

export async function watchedPage(context: BrowserContext, origin: string): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (/^https?:/.test(url) && !url.startsWith(origin)) problems.push(`request left the service: ${url}`);
  });
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).host !== new URL(origin).host) problems.push(`socket left the service: ${socket.url()}`);
  });
  return { page, problems };
}

/** The chart's canvas has a size and at least one painted pixel. */
export async function expectDrawnChart(page: Page, name: string): Promise<void> {
  const canvas = page.locator(`[data-chart="${name}"] canvas`).first();
  await canvas.waitFor({ state: 'attached', timeout: 10_000 });
  const drawn = await canvas.evaluate((element: any) => {
    if (element.width === 0 || element.height === 0) return false;
    const pixels = element.getContext('2d').getImageData(0, 0, element.width, element.height).data;
    for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha] !== 0) return true;
    return false;
  });
  expect(drawn).toBe(true);
  // the same figures are there as a table for screen readers
  const rows = page.locator(`[data-chart="${name}"]`).locator('xpath=ancestor::figure[1]').locator('tbody tr');
  expect(await rows.count()).toBeGreaterThan(0);
}

export const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"] dd`).first();

export async function expectFigure(page: Page, name: string, pattern: RegExp): Promise<void> {
  await figure(page, name).waitFor({ timeout: 10_000 });
  expect(await figure(page, name).innerText()).toMatch(pattern);
}

export async function expectRows(page: Page, table: string, atLeast = 1): Promise<void> {
  const rows = page.locator(`table[data-table="${table}"] tbody tr`);
  await rows.first().waitFor({ timeout: 10_000 });
  expect(await rows.count()).toBeGreaterThanOrEqual(atLeast);
}

export async function open(page: Page, path: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${new URL(path, page.url()).href}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 15_000 });
}

/** A positive whole number as the dashboard writes it (1,234). */
export const POSITIVE = /^[1-9][\d,]*/;

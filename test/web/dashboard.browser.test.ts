import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { Role } from '../../src/auth/roles';
import { features } from '../../src/features';
import { settle } from '../docs/settle';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import {
  expectDrawnChart,
  expectFigure,
  expectRows,
  figure,
  open,
  POSITIVE,
  watchedPage,
  type WatchedPage,
} from './browserSupport';

const CHROMIUM = '/usr/bin/chromium';
const root = resolve(__dirname, '../..');
const artifacts = resolve(root, 'test-artifacts');

/** Debian's chromium, installed by .ci/run when missing; this test never downloads a browser. */
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

describeWithBrowser('the web dashboard at GET /', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let watched: WatchedPage;
  let admin: string;
  let operator: string;
  let origin: string;

  beforeAll(async () => {
    // The bundle the service serves, built from the sources under test (esbuild: well under a second).
    execFileSync(process.execPath, [resolve(root, 'web/build.mjs')], { stdio: 'inherit' });
    server = await startTestServer({
      DEMO_FAN_REGISTRATIONS: '2000',
      WAVE_QUIET_HOURS: 'off',
      JOB_POLL_WAIT_SECONDS: '1',
    });
    origin = new URL(server.url).origin;
    for (const feature of features) await server.demo(feature);
    admin = await server.createApiKey(Role.ADMIN, 'dashboard test setup');
    operator = await server.createApiKey(Role.OPERATOR, 'Dashboard operator');
    // The demo leaves pixel logs and click rows at their sources: load them as the schedules would.
    await graphql(server.url, 'mutation { syncTracking(input: { days: 7 }) { id } }', undefined, { key: admin });
    await graphql(server.url, 'mutation { syncClicks(bu: "North America") { id } }', undefined, { key: admin });
    // The demo wave would start by itself two minutes after the demo: an hour ahead, this test starts it.
    const waves = await graphql<any>(server.url, '{ waves(first: 1) { edges { node { id } } } }', undefined, {
      key: admin,
    });
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const rescheduled = await graphql(
      server.url,
      'mutation ($id: ID!, $at: DateTime!) { scheduleWave(id: $id, notifyDate: $at) { status } }',
      { id: waves.data!.waves.edges[0].node.id, at: later },
      { key: admin },
    );
    expect(rescheduled.errors).toBeUndefined();
    await settle(server.url, admin);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    watched = await watchedPage(context, origin);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(() => {
    expect(watched.problems).toEqual([]);
  });

  it('refuses a wrong key and says so', async () => {
    // A page of its own: the browser logs the refused request (401) as a console error.
    const other = await context.newPage();
    await other.goto(origin);
    await other.getByLabel('API key').fill('chk_not_a_real_key');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('alert').getByText('did not accept this API key').waitFor();
    await other.close();
  });

  it('signs in with a key kept for the tab only, from the keyboard', async () => {
    const { page } = watched;
    await page.goto(origin);
    await page.getByLabel('API key').waitFor();
    // focus starts in the key field: type the key and press Enter
    await page.keyboard.type(operator);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor({ timeout: 15_000 });
    await page.getByRole('navigation', { name: 'Dashboard pages' }).waitFor();
    expect(await page.locator('.who').innerText()).toContain('Dashboard operator');
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    // the first Tab reaches the skip link, which moves focus to the page
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
  }, 60_000);

  it('shows the campaigns with their rates, and one campaign with its chart, links, clickers and export', async () => {
    const { page } = watched;
    await open(page, '/#/', 'Campaigns');
    const sent = page.locator('table[data-table="campaigns"] tbody tr', { hasText: 'Spring launch (demo)' });
    await sent.locator('td.num', { hasText: '%' }).first().waitFor({ timeout: 10_000 });
    await sent.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Spring launch (demo)' }).waitFor({ timeout: 15_000 });
    await expectFigure(page, 'sent', POSITIVE);
    await expectFigure(page, 'opens', /%/);
    await expectDrawnChart(page, 'campaign-series');
    await expectRows(page, 'top-links');
    await expectRows(page, 'clickers');
    await page.getByRole('button', { name: 'Export who clicked (CSV)' }).click();
    await page.getByRole('link', { name: /^Download who clicked \(\d+ rows\)$/ }).waitFor({ timeout: 15_000 });
  }, 60_000);

  it('shows tracking performance by day, publication and channel', async () => {
    const { page } = watched;
    await open(page, '/#/tracking', 'Tracking performance');
    await expectFigure(page, 'impressions', POSITIVE);
    await expectFigure(page, 'ctr', /%$/);
    await expectDrawnChart(page, 'tracking-impressions');
    await expectDrawnChart(page, 'tracking-clicks');
    await expectRows(page, 'tracking-by-day');
    await expectRows(page, 'tracking-by-publication');
    await expectRows(page, 'tracking-by-channel');
  }, 60_000);

  it('shows e-mail clicks per day over the last 30 days, links and sends over all time, and the loaders', async () => {
    const { page } = watched;
    await open(page, '/#/clicks', 'E-mail clicks');
    await page.getByRole('heading', { level: 2, name: 'The last 30 days', exact: true }).waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Days charted').inputValue()).toBe('30');
    await expectFigure(page, 'range-clicks', POSITIVE);
    await expectDrawnChart(page, 'clicks-per-day');
    await page.getByRole('heading', { level: 2, name: 'All time', exact: true }).waitFor();
    await expectFigure(page, 'all-time-clicks', POSITIVE);
    await expectFigure(page, 'all-time-clickers', POSITIVE);
    await page.getByRole('region', { name: 'Top links, all time' }).waitFor();
    await expectRows(page, 'click-top-links');
    await page.getByRole('region', { name: 'Per send, all time' }).waitFor();
    await expectRows(page, 'click-sends');
    await expectRows(page, 'click-loaders');
    // another range redraws the days; the all-time figures stay as they were
    const allTime = await figure(page, 'all-time-clicks').innerText();
    await page.getByLabel('Days charted').selectOption('7');
    await page.getByRole('heading', { level: 2, name: 'The last 7 days', exact: true }).waitFor({ timeout: 10_000 });
    await expectDrawnChart(page, 'clicks-per-day');
    expect(await figure(page, 'all-time-clicks').innerText()).toBe(allTime);
  }, 60_000);

  it('shows the lead queue and follows it live as leads arrive', async () => {
    const { page } = watched;
    await open(page, '/#/leads', 'Lead routing');
    await expectFigure(page, 'backlog', POSITIVE);
    await expectRows(page, 'lead-imports');
    const before = Number((await figure(page, 'backlog').innerText()).replace(/,/g, ''));
    const form = new FormData();
    const list = 'email,name\nlive.one@example.com,Live One\nlive.two@example.com,Live Two\n';
    form.append('file', new Blob([list], { type: 'text/csv' }), 'live.csv');
    const upload = await fetch(new URL('/uploads/leads?listName=Live', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
      body: form,
    });
    expect(upload.status).toBe(201);
    // no reload: the figure changes through the leadQueueUpdated subscription
    await page.waitForFunction(
      (expected) => (globalThis as any).document.querySelector('[data-figure="backlog"] dd')?.textContent === expected,
      (before + 2).toLocaleString('en-US'),
      { timeout: 30_000 },
    );
  }, 60_000);

  it('shows the jobs and an operator’s dead-letter view', async () => {
    const { page } = watched;
    await open(page, '/#/jobs', 'Jobs');
    await expectFigure(page, 'running', /^\d/);
    await expectFigure(page, 'failed', /^\d/);
    await page.getByRole('heading', { level: 2, name: 'Dead letters' }).waitFor();
    await expectFigure(page, 'dead-lettered', /^\d/);
  }, 60_000);

  it('shows the fan campaigns, and one with registrations per day, markets, verdicts and codes', async () => {
    const { page } = watched;
    await open(page, '/#/fans', 'Fan campaigns');
    await expectRows(page, 'fan-campaigns', 2);
    await page.locator('table[data-table="fan-campaigns"] tbody tr a').first().click();
    await page.getByRole('heading', { level: 2, name: 'Markets' }).waitFor({ timeout: 15_000 });
    await expectFigure(page, 'registrations', POSITIVE);
    await expectDrawnChart(page, 'fan-registrations');
    await expectRows(page, 'fan-markets');
    expect(await page.locator('table[data-table="fan-markets"] meter').count()).toBeGreaterThan(0);
  }, 60_000);

  it('sends the demo wave from its page and follows its progress live', async () => {
    const { page } = watched;
    await open(page, '/#/waves', 'Waves');
    await expectRows(page, 'waves');
    await page.locator('table[data-table="waves"] tbody tr a').first().click();
    await page.getByRole('heading', { level: 2, name: 'Progress' }).waitFor({ timeout: 15_000 });
    await expectFigure(page, 'reached', /^0 of 5$/);
    await page.getByRole('button', { name: 'Send now' }).click();
    // the counts move only through the waveUpdated subscription
    await page.waitForFunction(
      () => (globalThis as any).document.querySelector('[data-figure="reached"] dd')?.textContent === '5 of 5',
      undefined,
      { timeout: 60_000 },
    );
    await expectFigure(page, 'status', /^Sent$/);
    expect(await page.getByRole('button', { name: 'Pause' }).isVisible()).toBe(false);
  }, 90_000);

  it('shows a viewer no operator buttons, and signs the tab out once its key is revoked', async () => {
    const created = await graphql<any>(
      server.url,
      'mutation { createApiKey(input: { role: VIEWER, name: "Wall screen" }) { key apiKey { id } } }',
      undefined,
      { key: admin },
    );
    const { key, apiKey } = created.data!.createApiKey;
    // A page of its own: the browser logs the refused request (401) after the revocation as a console error.
    const other = await context.newPage();
    const errors: string[] = [];
    other.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await other.goto(origin);
    await other.getByLabel('API key').fill(key);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor({ timeout: 15_000 });
    await open(other, '/#/jobs', 'Jobs');
    await expectFigure(other, 'running', /^\d/);
    expect(await other.getByRole('heading', { name: 'Dead letters' }).count()).toBe(0);
    await open(other, '/#/waves', 'Waves');
    await other.locator('table[data-table="waves"] tbody tr a').first().click();
    await other.getByRole('heading', { level: 2, name: 'Progress' }).waitFor({ timeout: 15_000 });
    expect(
      await other
        .getByRole('button')
        .filter({ hasText: /Send now|Pause|Resume|Cancel/ })
        .count(),
    ).toBe(0);
    expect(errors).toEqual([]);
    const revoked = await graphql(
      server.url,
      'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }',
      { id: apiKey.id },
      { key: admin },
    );
    expect(revoked.errors).toBeUndefined();
    await open(other, '/#/tracking', /./);
    await other.getByRole('alert').getByText('no longer accepts this API key').waitFor({ timeout: 15_000 });
    await other.getByLabel('API key').waitFor();
    expect(await other.evaluate('sessionStorage.length')).toBe(0);
    expect(errors.every((error) => /status of 401/.test(error))).toBe(true);
    await other.close();
  }, 60_000);

  it('is usable at phone width', async () => {
    const { page } = watched;
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page, '/#/tracking', 'Tracking performance');
    await expectDrawnChart(page, 'tracking-impressions');
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await page.getByRole('link', { name: 'Lead routing' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lead routing' }).waitFor();
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: resolve(artifacts, 'dashboard-phone.png'), fullPage: true });
  }, 60_000);
});

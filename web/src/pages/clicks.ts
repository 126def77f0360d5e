import { seconds, timeChart } from '../chart';
import { actionButton, dataTable, figures, fill, h, section } from '../dom';
import { count, daysAgo, duration, utcDay, when } from '../format';
import { followJob } from '../followJob';
import { ClicksPageDocument, SyncClicksDocument, type ClicksPageQuery } from '../generated/graphql';
import { attempt, pageHeading, redrawing, statusLine, type PageContext, type Page } from '../page';

const RANGES = [7, 14, 30, 90];

type LoaderRow = ClicksPageQuery['clickSyncStatus'][number];

function loadButton(context: PageContext, row: LoaderRow, reload: () => Promise<void>): HTMLElement {
  const status = statusLine();
  const button = actionButton(
    'Load now',
    () =>
      attempt(
        async () => {
          const { syncClicks: job } = await context.api.request(SyncClicksDocument, { bu: row.bu }, context.signal);
          await followJob(context, job, status, reload);
        },
        status,
        context.signal,
      ),
    { 'aria-label': `Load the clicks of ${row.bu} now` },
  );
  return h('div', { class: 'cell-actions' }, button, status.element);
}

/** The range's clicks and each reporting day's clicks and distinct clickers. */
function rangeSection(clicks: ClicksPageQuery, range: number, signal: AbortSignal): HTMLElement {
  const days = [...clicks.perDay.groups].sort((a, b) => (a.day ?? '').localeCompare(b.day ?? ''));
  return section(
    'click-range',
    `The last ${range} days`,
    figures([{ name: 'range-clicks', label: `Clicks, last ${range} days`, value: count(clicks.perDay.totalClicks) }]),
    h(
      'p',
      { class: 'hint' },
      'Distinct clickers are counted per reporting day: someone who clicked on two days counts on both.',
    ),
    timeChart({
      name: 'clicks-per-day',
      title: `Clicks and distinct clickers per reporting day, last ${range} days`,
      times: days.map((row) => seconds(row.day!)),
      series: [
        { label: 'Clicks', values: days.map((row) => row.totalClicks) },
        { label: 'Clickers', values: days.map((row) => row.uniqueClickers) },
      ],
      timeLabel: (at) => utcDay(new Date(at * 1000).toISOString()),
      format: count,
      utc: true,
      signal,
    }),
  );
}

/** Clicks, distinct clickers, top links and sends since the first click loaded. */
function allTimeSections(clicks: ClicksPageQuery): HTMLElement[] {
  const { allTime } = clicks;
  return [
    section(
      'click-all-time',
      'All time',
      figures([
        { name: 'all-time-clicks', label: 'Clicks, all time', value: count(allTime.totalClicks) },
        { name: 'all-time-clickers', label: 'Distinct clickers, all time', value: count(allTime.uniqueClickers) },
      ]),
    ),
    section(
      'click-links',
      'Top links, all time',
      dataTable({
        name: 'click-top-links',
        caption: 'The most clicked links of all time',
        rows: allTime.topLinks,
        empty: 'No clicks yet.',
        columns: [
          { header: 'Link', cell: (row) => h('span', { class: 'url' }, row.url?.url ?? '–') },
          { header: 'Name', cell: (row) => row.url?.linkName ?? '–' },
          { header: 'Business unit', cell: (row) => row.url?.bu ?? '–' },
          { header: 'Clicks', numeric: true, cell: (row) => count(row.totalClicks) },
          { header: 'Clickers', numeric: true, cell: (row) => count(row.uniqueClickers) },
        ],
      }),
    ),
    section(
      'click-sends',
      'Per send, all time',
      dataTable({
        name: 'click-sends',
        caption: 'Sends of all time, most clicks first',
        rows: allTime.groups,
        empty: 'No clicks yet.',
        columns: [
          { header: 'E-mail', cell: (row) => row.send?.emailName ?? '–' },
          { header: 'Business unit', cell: (row) => row.send?.bu ?? '–' },
          { header: 'Job id', cell: (row) => row.send?.jobId ?? '–' },
          { header: 'Category', cell: (row) => row.send?.category?.name ?? '–' },
          { header: 'Clicks', numeric: true, cell: (row) => count(row.totalClicks) },
          { header: 'Clickers', numeric: true, cell: (row) => count(row.uniqueClickers) },
          { header: 'Last click', cell: (row) => when(row.send?.lastClickAt) },
        ],
      }),
    ),
  ];
}

function loadersSection(context: PageContext, clicks: ClicksPageQuery, reload: () => Promise<void>): HTMLElement {
  return section(
    'click-loaders',
    'Loaders',
    dataTable({
      name: 'click-loaders',
      caption: "Each business unit's click loader",
      rows: clicks.clickSyncStatus,
      empty: 'No business unit is configured or imported yet.',
      columns: [
        { header: 'Business unit', cell: (row) => row.bu },
        { header: 'Source', cell: (row) => row.source },
        { header: 'Loading', cell: (row) => (row.running ? 'Yes' : 'No') },
        { header: 'Rows waiting', numeric: true, cell: (row) => count(row.backlog) },
        { header: 'Oldest waiting', numeric: true, cell: (row) => duration(row.oldestUnprocessedAgeSeconds) },
        { header: 'Last run', cell: (row) => when(row.lastRunAt) },
        { header: 'Rows last run', numeric: true, cell: (row) => count(row.lastRunRows) },
        ...(context.canOperate
          ? [{ header: 'Action', cell: (row: LoaderRow) => loadButton(context, row, reload) }]
          : []),
      ],
    }),
  );
}

/**
 * E-mail clicks: per reporting day over a range; clicks, distinct clickers, top links and sends
 * over all time (distinct clickers over several days are kept only for all time); and where each
 * business unit's loader stands.
 */
export const clicksPage: Page = async (context) => {
  const { root, api, signal } = context;
  const content = h('div');
  const range = h(
    'select',
    { id: 'clicks-range' },
    RANGES.map((days) => h('option', { value: days, selected: days === 30 }, `Last ${days} days`)),
  );
  const unit = h('select', { id: 'clicks-bu' }, h('option', { value: '' }, 'Every business unit'));
  const status = statusLine();
  const nextDrawing = redrawing(signal);

  async function load(): Promise<void> {
    const days = Number(range.value);
    const clicks = await api.request(ClicksPageDocument, { dayFrom: daysAgo(days), bu: unit.value || null }, signal);
    if (unit.options.length === 1) {
      unit.append(...clicks.clickSyncStatus.map((row) => h('option', { value: row.bu }, row.bu)));
    }
    fill(
      content,
      rangeSection(clicks, days, nextDrawing()),
      ...allTimeSections(clicks),
      loadersSection(context, clicks, load),
    );
  }

  for (const select of [range, unit]) select.addEventListener('change', () => void attempt(load, status, signal));
  fill(
    root,
    pageHeading('E-mail clicks'),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'clicks-range' }, 'Days charted'),
      range,
      h('label', { for: 'clicks-bu' }, 'Business unit'),
      unit,
      status.element,
    ),
    content,
  );
  await load();
};

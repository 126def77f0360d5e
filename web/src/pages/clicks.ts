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

function draw(
  target: HTMLElement,
  context: PageContext,
  clicks: ClicksPageQuery,
  reload: () => Promise<void>,
  signal: AbortSignal,
): void {
  const days = [...clicks.perDay.groups].sort((a, b) => (a.day ?? '').localeCompare(b.day ?? ''));
  fill(
    target,
    section(
      'click-figures',
      'Clicks in this range',
      figures([
        { name: 'total-clicks', label: 'Clicks', value: count(clicks.perDay.totalClicks) },
        { name: 'unique-clickers', label: 'Distinct clickers', value: count(clicks.perDay.uniqueClickers) },
        { name: 'sends', label: 'Sends clicked', value: count(clicks.perSend.groups.length) },
      ]),
    ),
    section(
      'click-days',
      'Per day',
      timeChart({
        name: 'clicks-per-day',
        title: 'Clicks and distinct clickers per reporting day',
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
    ),
    section(
      'click-links',
      'Top links',
      dataTable({
        name: 'click-top-links',
        caption: 'The most clicked links',
        rows: clicks.perDay.topLinks,
        empty: 'No clicks in this range.',
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
      'Per send',
      dataTable({
        name: 'click-sends',
        caption: 'Sends, most clicks first',
        rows: clicks.perSend.groups,
        empty: 'No clicks in this range.',
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
    section(
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
    ),
  );
}

/** E-mail clicks: per day, top links, per send, and where each business unit's loader stands. */
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
    const filter = { dayFrom: daysAgo(Number(range.value)), bu: unit.value || null };
    const clicks = await api.request(ClicksPageDocument, { filter }, signal);
    if (unit.options.length === 1) {
      unit.append(...clicks.clickSyncStatus.map((row) => h('option', { value: row.bu }, row.bu)));
    }
    draw(content, context, clicks, load, nextDrawing());
  }

  for (const select of [range, unit]) select.addEventListener('change', () => void attempt(load, status, signal));
  fill(
    root,
    pageHeading('E-mail clicks'),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'clicks-range' }, 'Range'),
      range,
      h('label', { for: 'clicks-bu' }, 'Business unit'),
      unit,
      status.element,
    ),
    content,
  );
  await load();
};

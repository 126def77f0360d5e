import { seconds, timeChart } from '../chart';
import { actionButton, dataTable, figures, fill, h, section, type Column } from '../dom';
import { count, daysAgo, percent, utcDay } from '../format';
import { followJob } from '../followJob';
import { SyncTrackingDocument, TrackingPageDocument, type TrackingPageQuery } from '../generated/graphql';
import { attempt, pageHeading, redrawing, statusLine, type Page, type PageContext } from '../page';

type Sums = Omit<TrackingPageQuery['byChannel'][number], 'channel'>;

const RANGES = [7, 30, 90];
const SYNC_DAYS = 7;

/** The figures every breakdown shows, after its own first column. */
function sumColumns<Row extends Sums>(): Column<Row>[] {
  return [
    { header: 'Entries', numeric: true, cell: (row) => count(row.entries) },
    { header: 'Impressions', numeric: true, cell: (row) => count(row.impressions) },
    { header: 'Clicks', numeric: true, cell: (row) => count(row.clicks) },
    { header: 'Reach', numeric: true, cell: (row) => count(row.reach) },
    { header: 'CTR', numeric: true, cell: (row) => percent(row.ctr) },
    { header: 'Viewability', numeric: true, cell: (row) => percent(row.viewability) },
  ];
}

function draw(target: HTMLElement, summary: TrackingPageQuery, days: number, signal: AbortSignal): void {
  const total = summary.total[0];
  const byDay = [...summary.byDay].sort((a, b) => (a.day ?? '').localeCompare(b.day ?? ''));
  const times = byDay.map((row) => seconds(row.day!));
  const dayLabel = (at: number) => utcDay(new Date(at * 1000).toISOString());
  fill(
    target,
    section(
      'tracking-figures',
      `The last ${days} days`,
      figures([
        { name: 'impressions', label: 'Impressions', value: count(total?.impressions ?? 0) },
        { name: 'viewable', label: 'Viewable impressions', value: count(total?.viewableImpressions ?? 0) },
        { name: 'clicks', label: 'Clicks', value: count(total?.clicks ?? 0) },
        { name: 'ctr', label: 'Click-through rate', value: percent(total?.ctr ?? 0) },
        { name: 'viewability', label: 'Viewability', value: percent(total?.viewability ?? 0) },
        { name: 'reach', label: 'Reach', value: count(total?.reach ?? 0) },
      ]),
    ),
    section(
      'tracking-days',
      'By day',
      timeChart({
        name: 'tracking-impressions',
        title: 'Impressions and viewable impressions per day (UTC)',
        times,
        series: [
          { label: 'Impressions', values: byDay.map((row) => row.impressions) },
          { label: 'Viewable', values: byDay.map((row) => row.viewableImpressions) },
        ],
        timeLabel: dayLabel,
        format: count,
        utc: true,
        signal,
      }),
      timeChart({
        name: 'tracking-clicks',
        title: 'Clicks per day (UTC)',
        times,
        series: [{ label: 'Clicks', values: byDay.map((row) => row.clicks), color: '#146c2e' }],
        timeLabel: dayLabel,
        format: count,
        utc: true,
        bars: true,
        signal,
      }),
      dataTable({
        name: 'tracking-by-day',
        caption: 'Performance by day, with ratios from the sums',
        rows: byDay,
        empty: 'No performance entries in this range.',
        columns: [{ header: 'Day', cell: (row) => utcDay(row.day!) }, ...sumColumns()],
      }),
    ),
    section(
      'tracking-publications',
      'By publication',
      dataTable({
        name: 'tracking-by-publication',
        caption: 'Performance by publication, most impressions first',
        rows: [...summary.byPublication].sort((a, b) => b.impressions - a.impressions),
        empty: 'No performance entries in this range.',
        columns: [{ header: 'Publication id', cell: (row) => String(row.publicationId ?? '–') }, ...sumColumns()],
      }),
    ),
    section(
      'tracking-channels',
      'By channel',
      dataTable({
        name: 'tracking-by-channel',
        caption: 'Performance by channel, most impressions first',
        rows: [...summary.byChannel].sort((a, b) => b.impressions - a.impressions),
        empty: 'No performance entries in this range.',
        columns: [{ header: 'Channel', cell: (row) => row.channel ?? '(none)' }, ...sumColumns()],
      }),
    ),
  );
}

/** Operators start a tracking sync of the last week here and see the page again when it is done. */
function syncControls(context: PageContext, reload: () => Promise<void>): HTMLElement {
  const status = statusLine();
  const sync = actionButton(`Sync the last ${SYNC_DAYS} days`, () =>
    attempt(
      async () => {
        const { syncTracking: job } = await context.api.request(
          SyncTrackingDocument,
          { days: SYNC_DAYS },
          context.signal,
        );
        await followJob(context, job, status, reload);
      },
      status,
      context.signal,
    ),
  );
  return h('div', { class: 'actions' }, sync, status.element);
}

/** Tracking performance: totals, by day (charts and table), by publication and by channel. */
export const trackingPage: Page = async (context) => {
  const { root, api, signal, canOperate } = context;
  const content = h('div');
  const range = h(
    'select',
    { id: 'tracking-range' },
    RANGES.map((days) => h('option', { value: days, selected: days === 30 }, `Last ${days} days`)),
  );
  const status = statusLine();
  const nextDrawing = redrawing(signal);

  async function load(): Promise<void> {
    const days = Number(range.value);
    const summary = await api.request(
      TrackingPageDocument,
      { filter: { dateFrom: `${daysAgo(days)}T00:00:00.000Z` } },
      signal,
    );
    draw(content, summary, days, nextDrawing());
  }

  range.addEventListener('change', () => void attempt(load, status, signal));
  fill(
    root,
    pageHeading('Tracking performance'),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'tracking-range' }, 'Range'),
      range,
      status.element,
      canOperate && syncControls(context, load),
    ),
    content,
  );
  await load();
};

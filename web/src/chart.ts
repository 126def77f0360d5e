import uPlot from 'uplot';
import { dataTable, h } from './dom';

export interface ChartSeries {
  label: string;
  values: readonly number[];
  /** Stroke colour; the palette's next one when absent. */
  color?: string;
}

export interface TimeChartOptions {
  /** Names the chart for tests (`data-chart`). */
  name: string;
  /** Caption, accessible name and table caption. */
  title: string;
  /** Unix seconds, ascending. */
  times: readonly number[];
  series: readonly ChartSeries[];
  /** A point in time as the table shows it. */
  timeLabel: (seconds: number) => string;
  /** A value as the table and the axis show it. */
  format: (value: number) => string;
  /** Days at UTC midnight: axis and legend read in UTC, not in the reader's time zone. */
  utc?: boolean;
  /** Bars rather than lines. */
  bars?: boolean;
  /** Destroys the chart when aborted. */
  signal: AbortSignal;
}

/** Dark enough on white for text contrast (WCAG AA), and apart from one another. */
const PALETTE = ['#0b57d0', '#b3261e', '#146c2e', '#8a4b00'];
const HEIGHT = 260;
const DAY = 86_400;
const HALF_DAY = DAY / 2;
/** Tick steps of a chart of days: a tick a day, every 2 days, a week, a month. */
const DAY_STEPS = [DAY, 2 * DAY, 7 * DAY, 30 * DAY];

/** The UTC day of unix seconds, YYYY-MM-DD. */
const dayOf = (at: number) => new Date(at * 1000).toISOString().slice(0, 10);

function plotOptions(options: TimeChartOptions, width: number): uPlot.Options {
  const { series, format, utc, bars } = options;
  const barPaths = bars ? uPlot.paths.bars!({ size: [0.7, 48] }) : undefined;
  return {
    width,
    height: HEIGHT,
    tzDate: utc ? (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC') : undefined,
    scales: {
      // Days: half a day of room on either side, so the first and last bars show whole.
      x: { time: true, range: utc ? (_plot, min, max) => [min - HALF_DAY, max + HALF_DAY] : undefined },
      // Counts: from zero, so bars and lines compare by height.
      y: { range: (_plot, _min, max) => uPlot.rangeNum(0, max > 0 ? max : 1, 0.1, true) },
    },
    series: [
      {},
      ...series.map((each, index) => {
        const color = each.color ?? PALETTE[index % PALETTE.length]!;
        return {
          label: each.label,
          stroke: color,
          width: 2,
          paths: barPaths,
          fill: bars ? `${color}cc` : undefined,
          value: (_plot: uPlot, value: number | null) => (value == null ? '–' : format(value)),
        };
      }),
    ],
    axes: [
      utc ? { incrs: DAY_STEPS, values: (_plot, ticks) => ticks.map((tick) => dayOf(tick).slice(5)) } : {},
      { size: 64, values: (_plot, ticks) => ticks.map((tick) => format(tick)) },
    ],
  };
}

/**
 * A uPlot chart of series over time, with its caption and, under it, the same figures as a table
 * (folded in a <details>): the chart is an image to screen readers, the table is what they read.
 * The chart is drawn once its box has a width, and follows that width.
 */
export function timeChart(options: TimeChartOptions): HTMLElement {
  const { name, title, times, series, timeLabel, format, signal } = options;
  const box = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': `${title}. The figures are in the table that follows.`,
    'data-chart': name,
  });
  const table = dataTable({
    caption: title,
    columns: [
      { header: 'When', cell: (index: number) => timeLabel(times[index]!) },
      ...series.map((each) => ({
        header: each.label,
        numeric: true,
        cell: (index: number) => format(each.values[index] ?? 0),
      })),
    ],
    rows: times.map((_, index) => index),
    empty: 'No figures in this range.',
  });
  const figure = h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', null, title),
    times.length > 0 ? box : h('p', { class: 'empty' }, 'Nothing to draw in this range.'),
    h('details', { class: 'chart-table' }, h('summary', null, 'Show the figures as a table'), table),
  );
  if (times.length === 0) return figure;

  const data: uPlot.AlignedData = [Float64Array.from(times), ...series.map((each) => Float64Array.from(each.values))];
  let plot: uPlot | undefined;
  const resize = new ResizeObserver(([entry]) => {
    const width = Math.floor(entry?.contentRect.width ?? 0);
    if (width <= 0) return;
    if (!plot) plot = new uPlot(plotOptions(options, width), data, box);
    else if (width !== plot.width) plot.setSize({ width, height: HEIGHT });
  });
  resize.observe(box);
  signal.addEventListener(
    'abort',
    () => {
      resize.disconnect();
      plot?.destroy();
    },
    { once: true },
  );
  return figure;
}

/** Unix seconds of an ISO instant or a YYYY-MM-DD day (UTC midnight). */
export const seconds = (isoOrDay: string): number =>
  Date.parse(isoOrDay.length === 10 ? `${isoOrDay}T00:00:00Z` : isoOrDay) / 1000;

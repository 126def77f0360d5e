import { seconds, timeChart } from '../chart';
import { actionButton, dataTable, figures, fill, h, section } from '../dom';
import { count, label, utcDay, when } from '../format';
import { followJob } from '../followJob';
import { FanCampaignPageDocument, RefreshFanStatsDocument, type FanCampaignPageQuery } from '../generated/graphql';
import { attempt, link, pageHeading, redrawing, statusLine, type Page, type PageContext } from '../page';

type Market = FanCampaignPageQuery['fanCampaign']['markets'][number];

/** A market's registrations against its limit, as a meter when it has one. */
function againstLimit(market: Market): HTMLElement | string {
  if (market.registrationLimit == null) return `${count(market.registrations)} (no limit)`;
  const share = market.registrationLimit === 0 ? 1 : market.registrations / market.registrationLimit;
  return h(
    'span',
    { class: 'meter-cell' },
    h('meter', {
      min: 0,
      max: market.registrationLimit,
      value: Math.min(market.registrations, market.registrationLimit),
      high: Math.round(market.registrationLimit * 0.9),
      'aria-label': `${market.name}: ${count(market.registrations)} of ${count(market.registrationLimit)}`,
    }),
    ` ${Math.round(share * 100)} %`,
  );
}

function draw(target: HTMLElement, data: FanCampaignPageQuery, signal: AbortSignal): void {
  const { fanCampaign: campaign, codePools, waves } = data;
  const stats = campaign.latestStats;
  const perDay = stats?.registrations.perDay ?? [];
  fill(
    target,
    section(
      'fan-figures',
      'Figures',
      h('p', { class: 'hint' }, stats ? `As of the stats snapshot of ${when(stats.at)}.` : 'No stats snapshot yet.'),
      stats &&
        figures([
          { name: 'registrations', label: 'Registrations', value: count(stats.registrations.total) },
          { name: 'scored', label: 'Scored', value: count(stats.scored) },
          { name: 'selected', label: 'Selected', value: count(stats.verdicts.selected) },
          { name: 'dropped', label: 'Dropped', value: count(stats.verdicts.dropped) },
          { name: 'codes-assigned', label: 'Codes given', value: count(stats.codes.assigned) },
          { name: 'codes-available', label: 'Codes available', value: count(stats.codes.available) },
          { name: 'codes-reserved', label: 'Codes held for waves', value: count(stats.codes.reserved) },
        ]),
      timeChart({
        name: 'fan-registrations',
        title: 'Registrations per day (UTC)',
        times: perDay.map((day) => seconds(day.key)),
        series: [{ label: 'Registrations', values: perDay.map((day) => day.count) }],
        timeLabel: (at) => utcDay(new Date(at * 1000).toISOString()),
        format: count,
        utc: true,
        bars: true,
        signal,
      }),
    ),
    section(
      'fan-markets',
      'Markets',
      dataTable({
        name: 'fan-markets',
        caption: 'Markets: registrations (first preference) against their limits',
        rows: campaign.markets,
        empty: 'This campaign has no markets.',
        columns: [
          { header: 'Market', cell: (market) => `${market.name} (${market.city}, ${market.country})` },
          { header: 'Registrations', numeric: true, cell: (market) => count(market.registrations) },
          { header: 'Limit', numeric: true, cell: (market) => count(market.registrationLimit) },
          { header: 'Against the limit', cell: againstLimit },
          { header: 'Left', numeric: true, cell: (market) => count(market.registrationsLeft) },
          { header: 'Selection limit', numeric: true, cell: (market) => count(market.selectionLimit) },
        ],
      }),
    ),
    section(
      'fan-verdicts',
      'Why fans were dropped',
      dataTable({
        name: 'fan-dropped',
        caption: 'Dropped fans by reason, most frequent first',
        rows: stats?.verdicts.droppedByReason ?? [],
        empty: 'No fan was dropped.',
        columns: [
          { header: 'Reason', cell: (row) => label(row.key) },
          { header: 'Fans', numeric: true, cell: (row) => count(row.count) },
        ],
      }),
    ),
    section(
      'fan-codes',
      'Code pools',
      dataTable({
        name: 'fan-code-pools',
        caption: 'Code pools with their codes by state',
        rows: codePools.edges.map((edge) => edge.node),
        empty: 'No code pool yet.',
        columns: [
          { header: 'Pool', cell: (pool) => pool.name },
          { header: 'Kind', cell: (pool) => pool.kind },
          { header: 'Available', numeric: true, cell: (pool) => count(pool.available) },
          { header: 'Held for waves', numeric: true, cell: (pool) => count(pool.reserved) },
          { header: 'Given', numeric: true, cell: (pool) => count(pool.assigned) },
        ],
      }),
    ),
    section(
      'fan-waves',
      'Waves',
      dataTable({
        name: 'fan-waves',
        caption: 'SMS waves of this campaign',
        rows: waves.edges.map((edge) => edge.node),
        empty: 'No wave yet.',
        columns: [
          { header: 'Wave', cell: (wave) => link(`/waves/${encodeURIComponent(wave.id)}`, wave.name) },
          { header: 'Status', cell: (wave) => label(wave.status) },
          {
            header: 'Reached',
            numeric: true,
            cell: (wave) => `${count(wave.counts.ok)} of ${count(wave.counts.total)}`,
          },
          { header: 'Expected finish', cell: (wave) => when(wave.expectedFinishAt) },
        ],
      }),
    ),
  );
}

/** Operators take a stats snapshot now rather than waiting for the next one. */
function refreshControls(context: PageContext, id: string, reload: () => Promise<void>): HTMLElement {
  const status = statusLine();
  const refresh = actionButton('Take a stats snapshot now', () =>
    attempt(
      async () => {
        const { refreshFanStats: job } = await context.api.request(
          RefreshFanStatsDocument,
          { campaignId: id },
          context.signal,
        );
        await followJob(context, job, status, reload);
      },
      status,
      context.signal,
    ),
  );
  return h('div', { class: 'actions' }, refresh, status.element);
}

/** One fan campaign: registrations per day, markets against their limits, verdicts, codes, waves. */
export const fanCampaignPage: Page = async (context) => {
  const { root, api, params, signal, canOperate } = context;
  const id = params[0]!;
  const content = h('div');
  const nextDrawing = redrawing(signal);
  const load = async () => draw(content, await api.request(FanCampaignPageDocument, { id }, signal), nextDrawing());
  const data = await api.request(FanCampaignPageDocument, { id }, signal);
  const campaign = data.fanCampaign;
  fill(
    root,
    h('p', { class: 'breadcrumb' }, link('/fans', 'Fan campaigns'), ' / '),
    pageHeading(campaign.name, h('span', { class: `badge ${campaign.status.toLowerCase()}` }, label(campaign.status))),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Artist'),
      h('dd', null, campaign.artist),
      h('dt', null, 'Registration'),
      h('dd', null, `${when(campaign.registrationOpensAt)} to ${when(campaign.registrationClosesAt)}`),
      h('dt', null, 'Scoring'),
      h('dd', null, label(campaign.scoringType)),
    ),
    canOperate && refreshControls(context, id, load),
    content,
  );
  draw(content, data, nextDrawing());
};

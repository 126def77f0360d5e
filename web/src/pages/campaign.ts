import { seconds, timeChart } from '../chart';
import { actionButton, dataTable, figures, fill, h, section } from '../dom';
import { amount, count, label, rate, utcDay, when } from '../format';
import {
  CampaignPageDocument,
  ExportCampaignRecipientsDocument,
  type RecipientFilterInput,
} from '../generated/graphql';
import { attempt, link, pageHeading, statusLine, type Page, type PageContext } from '../page';

const CLICKERS_SHOWN = 50;
const LINKS_SHOWN = 10;

/** Export buttons for operators: each writes a CSV and shows its signed link. */
function exports(context: PageContext, id: string): HTMLElement {
  const { api, signal } = context;
  const result = h('div', { class: 'export-result' });
  const status = statusLine();
  const exportOf = (what: string, filter: RecipientFilterInput | null) =>
    actionButton(`Export ${what} (CSV)`, () =>
      attempt(
        async () => {
          status.show(`Exporting ${what}…`);
          const { exportCampaignRecipients: file } = await api.request(
            ExportCampaignRecipientsDocument,
            { id, filter },
            signal,
          );
          status.show(`Export of ${what} ready: ${count(file.rows)} rows.`);
          fill(
            result,
            h('a', { href: file.url, download: '' }, `Download ${what} (${count(file.rows)} rows)`),
            ` · link valid until ${when(file.expiresAt)}`,
          );
        },
        status,
        signal,
      ),
    );
  return h(
    'div',
    { class: 'actions' },
    exportOf('who clicked', { clicked: true }),
    exportOf('every recipient', null),
    status.element,
    result,
  );
}

/** One campaign: its figures, opens/clicks/conversions over time, top links, who clicked, export. */
export const campaignPage: Page = async (context) => {
  const { root, api, params, signal, canOperate } = context;
  const id = params[0]!;
  const {
    campaign,
    campaignStats: stats,
    campaignRecipients: clickers,
  } = await api.request(CampaignPageDocument, { id, clickers: CLICKERS_SHOWN }, signal);
  const hourly = stats.granularity === 'HOUR';
  const topLinks = [...stats.links].sort((a, b) => b.clicks - a.clicks).slice(0, LINKS_SHOWN);

  fill(
    root,
    h('p', { class: 'breadcrumb' }, link('/', 'Campaigns'), ' / '),
    pageHeading(campaign.name, h('span', { class: `badge ${campaign.status.toLowerCase()}` }, label(campaign.status))),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Sender'),
      h('dd', null, campaign.sender.name),
      h('dt', null, 'Template'),
      h('dd', null, `${campaign.template.name}: “${campaign.template.subject}”`),
      h('dt', null, 'Audiences'),
      h('dd', null, campaign.audiences.map((audience) => audience.name).join(', ') || '–'),
      h('dt', null, 'Sending'),
      h('dd', null, `${when(campaign.startedAt ?? campaign.sendAt)} to ${when(campaign.finishedAt)}`),
    ),
    section(
      'campaign-figures',
      'Figures',
      figures([
        { name: 'sent', label: 'Sent', value: count(stats.sent) },
        { name: 'opens', label: 'Opened', value: `${count(stats.uniqueOpens)} · ${rate(stats.openRate)}` },
        { name: 'clicks', label: 'Clicked', value: `${count(stats.uniqueClicks)} · ${rate(stats.clickRate)}` },
        { name: 'click-to-open', label: 'Click-to-open', value: rate(stats.clickToOpenRate) },
        {
          name: 'conversions',
          label: 'Converted',
          value: `${count(stats.conversions)} · ${rate(stats.conversionRate)}`,
        },
        { name: 'conversion-value', label: 'Conversion value', value: amount(stats.conversionValue) },
      ]),
    ),
    section(
      'campaign-series',
      'Over time',
      timeChart({
        name: 'campaign-series',
        title: `Opens, clicks and conversions per ${hourly ? 'hour' : 'day'}`,
        times: stats.series.map((bucket) => seconds(bucket.start)),
        series: [
          { label: 'Opens', values: stats.series.map((bucket) => bucket.opens) },
          { label: 'Clicks', values: stats.series.map((bucket) => bucket.clicks) },
          { label: 'Conversions', values: stats.series.map((bucket) => bucket.conversions) },
        ],
        timeLabel: (at) =>
          hourly ? when(new Date(at * 1000).toISOString()) : utcDay(new Date(at * 1000).toISOString()),
        format: count,
        utc: !hourly,
        signal,
      }),
    ),
    section(
      'campaign-links',
      'Top links',
      dataTable({
        name: 'top-links',
        caption: `The ${LINKS_SHOWN} most clicked links`,
        rows: topLinks,
        empty: 'No tracked links were clicked.',
        columns: [
          { header: 'Link', cell: (row) => h('span', { class: 'url' }, row.url) },
          { header: 'Clicks', numeric: true, cell: (row) => count(row.clicks) },
          { header: 'Clickers', numeric: true, cell: (row) => count(row.uniqueClickers) },
          { header: 'Click-through', numeric: true, cell: (row) => rate(row.clickThroughRate) },
        ],
      }),
    ),
    section(
      'campaign-clickers',
      'Who clicked',
      h(
        'p',
        null,
        `${count(clickers.totalCount)} recipients clicked`,
        clickers.totalCount > CLICKERS_SHOWN ? `; the first ${CLICKERS_SHOWN} are listed.` : '.',
      ),
      dataTable({
        name: 'clickers',
        caption: 'Recipients who clicked',
        rows: clickers.edges.map((edge) => edge.node),
        empty: 'Nobody has clicked yet.',
        columns: [
          { header: 'Name', cell: (row) => row.name ?? '–' },
          { header: 'E-mail', cell: (row) => row.email },
          { header: 'First click', cell: (row) => when(row.firstClickedAt) },
          { header: 'Last click', cell: (row) => when(row.lastClickedAt) },
          { header: 'Converted', cell: (row) => (row.converted ? 'Yes' : 'No') },
        ],
      }),
    ),
    section(
      'campaign-export',
      'Export',
      canOperate
        ? exports(context, id)
        : h('p', null, 'An operator key can export the recipients as CSV files from here.'),
    ),
  );
};

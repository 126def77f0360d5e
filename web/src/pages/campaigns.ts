import { dataTable, fill, h, section } from '../dom';
import { count, label, rate, when } from '../format';
import {
  CampaignRatesDocument,
  CampaignsPageDocument,
  type CampaignRatesQuery,
  type CampaignsPageQuery,
} from '../generated/graphql';
import { attempt, link, pageHeading, statusLine, type Page } from '../page';

type CampaignRow = CampaignsPageQuery['campaigns']['edges'][number]['node'];
type Rates = CampaignRatesQuery['campaignStats'];

const PAGE_SIZE = 20;
/** Campaigns whose sending has started have rates; drafts and scheduled ones have none yet. */
const HAS_RATES = new Set(['SENDING', 'PAUSED', 'SENT', 'CANCELLED']);

/** Home: the campaigns, newest first, with their rates; each links to its own page. */
export const campaignsPage: Page = async ({ root, api, signal }) => {
  const list = h('div');
  const more = h('div', { class: 'more' });
  const status = statusLine();
  fill(
    root,
    pageHeading('Campaigns'),
    section(
      'campaign-list',
      'All campaigns',
      h('p', { class: 'hint' }, 'Newest first. Rates are per message sent.'),
      list,
      more,
      status.element,
    ),
  );

  const rows: CampaignRow[] = [];
  const rates = new Map<string, Rates>();

  function draw(total: number): void {
    fill(
      list,
      h('p', null, `${count(total)} campaigns`),
      dataTable({
        name: 'campaigns',
        caption: 'Campaigns with their open, click and conversion rates',
        rows,
        empty: 'No campaigns yet. Create one through the API (createCampaign).',
        columns: [
          { header: 'Campaign', cell: (row) => link(`/campaigns/${encodeURIComponent(row.id)}`, row.name) },
          {
            header: 'Status',
            cell: (row) => h('span', { class: `badge ${row.status.toLowerCase()}` }, label(row.status)),
          },
          { header: 'Sender', cell: (row) => row.sender.name },
          { header: 'Template', cell: (row) => row.template.name },
          { header: 'Audiences', cell: (row) => row.audiences.map((audience) => audience.name).join(', ') },
          { header: 'Sent', numeric: true, cell: (row) => (rates.has(row.id) ? count(rates.get(row.id)!.sent) : '–') },
          { header: 'Opened', numeric: true, cell: (row) => rate(rates.get(row.id)?.openRate) },
          { header: 'Clicked', numeric: true, cell: (row) => rate(rates.get(row.id)?.clickRate) },
          { header: 'Converted', numeric: true, cell: (row) => rate(rates.get(row.id)?.conversionRate) },
          { header: 'Send time', cell: (row) => when(row.startedAt ?? row.sendAt) },
        ],
      }),
    );
  }

  async function load(after: string | null): Promise<void> {
    const { campaigns } = await api.request(CampaignsPageDocument, { first: PAGE_SIZE, after }, signal);
    const page = campaigns.edges.map((edge) => edge.node);
    rows.push(...page);
    draw(campaigns.totalCount);
    await Promise.all(
      page
        .filter((row) => HAS_RATES.has(row.status))
        .map(async (row) => {
          const { campaignStats } = await api.request(CampaignRatesDocument, { id: row.id }, signal);
          rates.set(row.id, campaignStats);
        }),
    );
    draw(campaigns.totalCount);
    const next = campaigns.pageInfo.hasNextPage ? campaigns.pageInfo.endCursor : null;
    fill(
      more,
      next &&
        h(
          'button',
          {
            type: 'button',
            on: { click: () => void attempt(() => load(next), status, signal) },
          },
          'Show more campaigns',
        ),
    );
  }

  await load(null);
};

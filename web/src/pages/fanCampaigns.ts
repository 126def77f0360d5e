import { dataTable, fill, h, section } from '../dom';
import { count, label, when } from '../format';
import { FanCampaignsPageDocument } from '../generated/graphql';
import { link, pageHeading, type Page } from '../page';

/** Fan campaigns, newest first, with the figures of their latest stats snapshot. */
export const fanCampaignsPage: Page = async ({ root, api, signal }) => {
  const { fanCampaigns } = await api.request(FanCampaignsPageDocument, { first: 50 }, signal);
  fill(
    root,
    pageHeading('Fan campaigns'),
    section(
      'fan-campaign-list',
      `All fan campaigns (${count(fanCampaigns.totalCount)})`,
      h(
        'p',
        { class: 'hint' },
        'Figures are from each campaign’s latest stats snapshot (taken every 5 minutes while open).',
      ),
      dataTable({
        name: 'fan-campaigns',
        caption: 'Fan campaigns with registrations, verdicts and codes',
        rows: fanCampaigns.edges.map((edge) => edge.node),
        empty: 'No fan campaigns yet.',
        columns: [
          { header: 'Campaign', cell: (row) => link(`/fans/${encodeURIComponent(row.id)}`, row.name) },
          { header: 'Artist', cell: (row) => row.artist },
          {
            header: 'Status',
            cell: (row) => h('span', { class: `badge ${row.status.toLowerCase()}` }, label(row.status)),
          },
          { header: 'Registrations', numeric: true, cell: (row) => count(row.latestStats?.registrations.total) },
          { header: 'Selected', numeric: true, cell: (row) => count(row.latestStats?.verdicts.selected) },
          { header: 'Dropped', numeric: true, cell: (row) => count(row.latestStats?.verdicts.dropped) },
          { header: 'Codes given', numeric: true, cell: (row) => count(row.latestStats?.codes.assigned) },
          { header: 'Registration closes', cell: (row) => when(row.registrationClosesAt) },
          { header: 'Snapshot', cell: (row) => when(row.latestStats?.at) },
        ],
      }),
    ),
  );
};

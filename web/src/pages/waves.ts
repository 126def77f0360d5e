import { dataTable, fill, h, section } from '../dom';
import { count, label, when } from '../format';
import { WavesPageDocument } from '../generated/graphql';
import { link, pageHeading, type Page } from '../page';

/** SMS waves, newest first, with how far each has got. */
export const wavesPage: Page = async ({ root, api, signal }) => {
  const { waves } = await api.request(WavesPageDocument, { first: 50 }, signal);
  fill(
    root,
    pageHeading('Waves'),
    section(
      'wave-list',
      `All waves (${count(waves.totalCount)})`,
      dataTable({
        name: 'waves',
        caption: 'SMS waves, newest first',
        rows: waves.edges.map((edge) => edge.node),
        empty: 'No waves yet.',
        columns: [
          { header: 'Wave', cell: (wave) => link(`/waves/${encodeURIComponent(wave.id)}`, wave.name) },
          {
            header: 'Fan campaign',
            cell: (wave) => link(`/fans/${encodeURIComponent(wave.config.campaignId)}`, wave.config.campaignId),
          },
          {
            header: 'Status',
            cell: (wave) => h('span', { class: `badge ${wave.status.toLowerCase()}` }, label(wave.status)),
          },
          { header: 'Progress', numeric: true, cell: (wave) => `${Math.round(wave.progress * 100)} %` },
          {
            header: 'Reached',
            numeric: true,
            cell: (wave) => `${count(wave.counts.ok)} of ${count(wave.counts.total)}`,
          },
          { header: 'Starts', cell: (wave) => when(wave.config.notifyDate) },
          { header: 'Expected finish', cell: (wave) => when(wave.expectedFinishAt) },
        ],
      }),
    ),
  );
};

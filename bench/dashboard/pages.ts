import {
  CampaignPageDocument,
  CampaignRatesDocument,
  CampaignsPageDocument,
  ClicksPageDocument,
  FanCampaignPageDocument,
  JobsPageDocument,
  LeadsPageDocument,
  TrackingPageDocument,
  WavePageDocument,
} from '../../web/src/generated/graphql';
import { daysAgo } from '../../web/src/format';

/** The records a page is about: the campaign, fan campaign and wave the benchmark opens. */
export interface PageIds {
  campaignId: string;
  fanCampaignId: string;
  waveId: string;
}

/** One dashboard request: the document the web dashboard sends (its generated text) and its variables. */
export interface DashboardPage {
  name: string;
  title: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * What each page of the web dashboard asks when opened, with the variables it sends by default
 * (web/src/pages/*.ts: 20 campaigns a page, 50 clickers, the last 30 days, 25 jobs per status).
 * The home page also asks each listed campaign's rates, one request per campaign: `homeRates`.
 */
export function dashboardPages(ids: PageIds, now = new Date()): DashboardPage[] {
  const page = (name: string, title: string, query: { toString(): string }, variables: Record<string, unknown>) => ({
    name,
    title,
    query: query.toString(),
    variables,
  });
  return [
    page('home', 'campaigns (home)', CampaignsPageDocument, { first: 20, after: null }),
    page('homeRates', "a listed campaign's rates", CampaignRatesDocument, { id: ids.campaignId }),
    page('campaign', 'one campaign', CampaignPageDocument, { id: ids.campaignId, clickers: 50 }),
    page('tracking', 'tracking performance', TrackingPageDocument, {
      filter: { dateFrom: `${daysAgo(30, now)}T00:00:00.000Z` },
    }),
    page('clicks', 'e-mail clicks', ClicksPageDocument, { dayFrom: daysAgo(30, now), bu: null }),
    page('leads', 'lead routing supervisor', LeadsPageDocument, {}),
    page('jobs', 'jobs', JobsPageDocument, { first: 25 }),
    page('fanCampaign', 'one fan campaign', FanCampaignPageDocument, { id: ids.fanCampaignId }),
    page('wave', 'one wave', WavePageDocument, { id: ids.waveId }),
  ];
}

/** Finds the records the pages open: the most recent sent campaign, the fan campaign with most entries, a wave. */
export const PAGE_IDS_QUERY = `{
  campaigns(first: 100) { edges { node { id status startedAt } } }
  fanCampaigns(first: 20) { edges { node { id latestStats { registrations { total } } } } }
  waves(first: 1) { edges { node { id } } }
}`;

interface PageIdsAnswer {
  campaigns: { edges: { node: { id: string; status: string; startedAt: string | null } }[] };
  fanCampaigns: { edges: { node: { id: string; latestStats: { registrations: { total: number } } | null } }[] };
  waves: { edges: { node: { id: string } }[] };
}

export function pageIdsOf(answer: PageIdsAnswer): PageIds {
  const sent = answer.campaigns.edges
    .map((edge) => edge.node)
    .filter((campaign) => campaign.status === 'SENT' && campaign.startedAt)
    .sort((a, b) => b.startedAt!.localeCompare(a.startedAt!));
  const fans = answer.fanCampaigns.edges
    .map((edge) => edge.node)
    .sort((a, b) => (b.latestStats?.registrations.total ?? 0) - (a.latestStats?.registrations.total ?? 0));
  const wave = answer.waves.edges[0]?.node;
  if (!sent[0] || !fans[0] || !wave) throw new Error('the data set has no sent campaign, fan campaign or wave');
  return { campaignId: sent[0].id, fanCampaignId: fans[0].id, waveId: wave.id };
}

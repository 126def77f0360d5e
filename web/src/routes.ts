import type { Page } from './page';
import { campaignPage } from './pages/campaign';
import { campaignsPage } from './pages/campaigns';
import { clicksPage } from './pages/clicks';
import { fanCampaignPage } from './pages/fanCampaign';
import { fanCampaignsPage } from './pages/fanCampaigns';
import { jobsPage } from './pages/jobs';
import { leadsPage } from './pages/leads';
import { trackingPage } from './pages/tracking';
import { wavePage } from './pages/wave';
import { wavesPage } from './pages/waves';

/** The navigation, in order: each entry names the section its pages belong to. */
export const sections = [
  { id: 'campaigns', path: '/', label: 'Campaigns' },
  { id: 'tracking', path: '/tracking', label: 'Tracking' },
  { id: 'clicks', path: '/clicks', label: 'E-mail clicks' },
  { id: 'leads', path: '/leads', label: 'Lead routing' },
  { id: 'jobs', path: '/jobs', label: 'Jobs' },
  { id: 'fans', path: '/fans', label: 'Fan campaigns' },
  { id: 'waves', path: '/waves', label: 'Waves' },
] as const;

export type SectionId = (typeof sections)[number]['id'];

interface Route {
  pattern: RegExp;
  section: SectionId;
  page: Page;
}

/** Paths after the `#`; captured parts become the page's params. */
const routes: readonly Route[] = [
  { pattern: /^\/$/, section: 'campaigns', page: campaignsPage },
  { pattern: /^\/campaigns\/([^/]+)$/, section: 'campaigns', page: campaignPage },
  { pattern: /^\/tracking$/, section: 'tracking', page: trackingPage },
  { pattern: /^\/clicks$/, section: 'clicks', page: clicksPage },
  { pattern: /^\/leads$/, section: 'leads', page: leadsPage },
  { pattern: /^\/jobs$/, section: 'jobs', page: jobsPage },
  { pattern: /^\/fans$/, section: 'fans', page: fanCampaignsPage },
  { pattern: /^\/fans\/([^/]+)$/, section: 'fans', page: fanCampaignPage },
  { pattern: /^\/waves$/, section: 'waves', page: wavesPage },
  { pattern: /^\/waves\/([^/]+)$/, section: 'waves', page: wavePage },
];

/** The route of a location hash (`#/campaigns/abc`), or undefined for an unknown path. */
export function routeOf(hash: string): { route: Route; params: string[] } | undefined {
  const path = hash.replace(/^#/, '') || '/';
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}

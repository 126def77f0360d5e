import { JOBS } from '../../jobs/jobStore';
import { C } from '../../services/campaigns/model';
import { STATS_COLLECTIONS } from '../../services/campaigns/statsRollup';
import {
  ADMIN_STATS,
  CODE_POOLS,
  CODES,
  DEMAND,
  FAN_CAMPAIGNS,
  FAN_ENTRIES,
  FAN_ENTRY_COUNTS,
} from '../../services/fans/model';
import { AD_CAMPAIGNS } from '../../services/tracking/relatedDocuments';
import { INSERTION_ORDERS, TRACKING_SCRIPTS } from '../../services/tracking/orderLookup';
import { PERFORMANCE_ENTRIES } from '../../services/tracking/performanceEntry';
import { PERFORMANCE_ROLLUPS } from '../../services/tracking/performanceRollups';
import { PUBLICATIONS } from '../../services/tracking/syncTracking';
import { WAVES } from '../../services/waves/model';

/** A dashboard document whose answer depends only on the caller's role, and every collection it reads. */
export interface CachedDocument {
  /** Its operation's name (the metrics label). */
  name: string;
  /** The document, as the dashboard sends it (web/src/queries); whitespace, comments and the order of definitions aside, a request must match it. */
  text: string;
  collections: readonly string[];
}

const campaignCatalog = [C.campaigns, C.senders, C.templates, C.audiences, C.memberships];
const campaignFigures = [C.campaigns, C.recipients, C.events, STATS_COLLECTIONS.totals, STATS_COLLECTIONS.days];
const tracking = [
  PERFORMANCE_ENTRIES,
  PERFORMANCE_ROLLUPS,
  PUBLICATIONS,
  AD_CAMPAIGNS,
  INSERTION_ORDERS,
  TRACKING_SCRIPTS,
];
const fans = [FAN_CAMPAIGNS, FAN_ENTRIES, FAN_ENTRY_COUNTS, DEMAND, ADMIN_STATS, CODE_POOLS, CODES];

const JOB_ROW = `fragment JobRow on Job {
  id type status trigger attempts maxAttempts createdAt startedAt finishedAt runAt cancelRequested
  progress { fraction message }
  error { code message }
}`;

const jobsList = (alias: string, status: string) =>
  `${alias}: jobs(filter: { status: ${status} }, first: $first) { totalCount edges { node { ...JobRow } } }`;

/**
 * The response cache's allowlist. Left out on purpose: the caller's own identity (SignedIn),
 * personal data (CampaignPage lists who clicked), figures that move with the clock or come from
 * outside the store (ClicksPage's click sync status reads Marketing Cloud and ages its backlog;
 * LeadsPage ages its queue), queue statistics (DeadLetterQueue) and everything scoped to a key.
 */
export const cachedDocuments: readonly CachedDocument[] = [
  {
    name: 'CampaignsPage',
    text: `query CampaignsPage($first: Int!, $after: String) {
      campaigns(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          node {
            id name status type sendAt startedAt audienceSize
            sender { id name }
            template { id name }
            audiences { id name }
          }
        }
      }
    }`,
    collections: campaignCatalog,
  },
  {
    name: 'CampaignRates',
    text: `query CampaignRates($id: ID!) {
      campaignStats(id: $id) { campaignId sent openRate clickRate clickToOpenRate conversionRate }
    }`,
    collections: campaignFigures,
  },
  {
    name: 'TrackingPage',
    text: `query TrackingPage($filter: PerformanceEntryFilter!) {
      total: performanceSummary(filter: $filter) {
        entries impressions clicks viewableImpressions reach ctr viewability
      }
      byDay: performanceSummary(filter: $filter, groupBy: [DAY]) {
        day entries impressions clicks viewableImpressions reach ctr viewability
      }
      byPublication: performanceSummary(filter: $filter, groupBy: [PUBLICATION]) {
        publicationId entries impressions clicks reach ctr viewability
      }
      byChannel: performanceSummary(filter: $filter, groupBy: [CHANNEL]) {
        channel entries impressions clicks reach ctr viewability
      }
    }`,
    collections: tracking,
  },
  {
    name: 'JobsPage',
    text: `query JobsPage($first: Int!) {
      ${jobsList('running', 'RUNNING')}
      ${jobsList('queued', 'QUEUED')}
      ${jobsList('failed', 'FAILED')}
    }
    ${JOB_ROW}`,
    collections: [JOBS],
  },
  {
    name: 'FanCampaignsPage',
    text: `query FanCampaignsPage($first: Int!) {
      fanCampaigns(first: $first) {
        totalCount
        edges {
          node {
            id name artist status registrationOpensAt registrationClosesAt
            latestStats {
              at
              registrations { total }
              verdicts { selected dropped }
              codes { assigned available }
            }
          }
        }
      }
    }`,
    collections: fans,
  },
  {
    name: 'FanCampaignPage',
    text: `query FanCampaignPage($id: ID!) {
      fanCampaign(id: $id) {
        id name artist status scoringType registrationOpensAt registrationClosesAt
        markets { id name city country registrations registrationLimit registrationsLeft selectionLimit }
        latestStats {
          at scored
          registrations { total perDay { key count } }
          verdicts { selected dropped droppedByReason { key count } }
          codes { assigned available reserved }
        }
      }
      codePools(campaignId: $id, first: 20) {
        totalCount
        edges { node { id name kind available reserved assigned } }
      }
      waves(filter: { campaignId: $id }, first: 20) {
        edges { node { id name status progress expectedFinishAt counts { total ok } } }
      }
    }`,
    collections: [...fans, WAVES],
  },
  {
    name: 'WavesPage',
    text: `query WavesPage($first: Int!) {
      waves(first: $first) {
        totalCount
        edges {
          node {
            id name status progress expectedFinishAt
            counts { total ok }
            config { campaignId notifyDate }
          }
        }
      }
    }`,
    collections: [WAVES],
  },
];

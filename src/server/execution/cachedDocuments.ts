import { CLICK_LOG, LOCAL_UNITS } from '../../datasources/sfmc';
import { JOBS } from '../../jobs/jobStore';
import { C } from '../../services/campaigns/model';
import { STATS_COLLECTIONS } from '../../services/campaigns/statsRollup';
import { CLICK_HORIZONS } from '../../services/clicks/clickExpiry';
import { CATEGORIES, CLICK_SYNC_STATE, EMAIL_SENDS, EMAIL_URLS } from '../../services/clicks/clickModels';
import { CLICK_ROLLUPS } from '../../services/clicks/clickRollups';
import {
  ADMIN_STATS,
  CODE_POOLS,
  CODE_POOL_COUNTS,
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
import { AGENTS, LEAD_IMPORTS, LEADS } from '../../services/leads/model';
import { WAVES } from '../../services/waves/model';

/** A dashboard document whose answer depends only on the caller's role, and every collection it reads. */
export interface CachedDocument {
  /** Its operation's name (the metrics label). */
  name: string;
  /** The document, as the dashboard sends it (web/src/queries); whitespace, comments and the order of definitions aside, a request must match it. */
  text: string;
  collections: readonly string[];
  /**
   * Set when the answer also moves with the clock (an age in seconds, a series that runs up to the
   * current hour) or reads outside the store: kept at most this long, whatever the collections do.
   */
  maxAgeMs?: number;
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
const fans = [FAN_CAMPAIGNS, FAN_ENTRIES, FAN_ENTRY_COUNTS, DEMAND, ADMIN_STATS, CODE_POOLS, CODES, CODE_POOL_COUNTS];

const JOB_ROW = `fragment JobRow on Job {
  id type status trigger attempts maxAttempts createdAt startedAt finishedAt runAt cancelRequested
  progress { fraction message }
  error { code message }
}`;

const jobsList = (alias: string, status: string) =>
  `${alias}: jobs(filter: { status: ${status} }, first: $first) { totalCount edges { node { ...JobRow } } }`;

/** Answers with ages in seconds, or read from outside the store (Marketing Cloud's backlog): at most a second old. */
const AGES_MS = 1000;
/** Answers with a series that runs up to the current hour or day: at most a minute old. */
const SERIES_MS = 60_000;

const WAVE_PROGRESS = `fragment WaveProgress on Wave {
  id name status statusReason progress expectedFinishAt startedAt finishedAt totalSegments
  counts { total ok sms email delivered undelivered failed expired skipped optedOut uncertain }
}`;

/**
 * The response cache's allowlist. Left out on purpose: the caller's own identity (SignedIn),
 * queue statistics (DeadLetterQueue) and everything scoped to a key (an agent's own leads).
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
  {
    name: 'WavePage',
    text: `query WavePage($id: ID!) {
      wave(id: $id) {
        ...WaveProgress
        createdAt rejectCount
        config { campaignId brand sender senderKind messageType segmentsPerSecond notifyDate validitySeconds }
      }
    }
    ${WAVE_PROGRESS}`,
    collections: [WAVES],
  },
  {
    name: 'CampaignPage',
    text: `query CampaignPage($id: ID!, $clickers: Int!) {
      campaign(id: $id) {
        id name status type sendAt startedAt finishedAt audienceSize
        sender { id name }
        template { id name subject }
        audiences { id name }
      }
      campaignStats(id: $id) {
        sent uniqueOpens uniqueClicks totalClicks conversions conversionValue
        openRate clickRate clickToOpenRate conversionRate granularity
        series { start opens clicks conversions }
        links { index url clicks uniqueClickers clickThroughRate }
      }
      campaignRecipients(id: $id, filter: { clicked: true }, first: $clickers) {
        totalCount
        edges { node { id name email firstClickedAt lastClickedAt converted } }
      }
    }`,
    collections: [...new Set([...campaignCatalog, ...campaignFigures])],
    maxAgeMs: SERIES_MS,
  },
  {
    name: 'ClicksPage',
    text: `query ClicksPage($dayFrom: LocalDate!, $bu: String) {
      perDay: clickStats(filter: { dayFrom: $dayFrom, bu: $bu }, groupBy: [DAY], groupLimit: 120) {
        totalClicks
        groups { day totalClicks uniqueClickers }
      }
      allTime: clickStats(filter: { bu: $bu }, groupBy: [SEND], groupLimit: 20, topLinks: 10) {
        totalClicks uniqueClickers
        topLinks { totalClicks uniqueClickers url { id bu url linkName } }
        groups {
          totalClicks uniqueClickers
          send { id bu jobId emailName firstClickAt lastClickAt category { id name } }
        }
      }
      clickSyncStatus {
        bu source running backlog oldestUnprocessedAgeSeconds lastRunAt lastRunRows watermark
      }
    }`,
    collections: [
      ...Object.values(CLICK_ROLLUPS),
      CLICK_HORIZONS,
      EMAIL_SENDS,
      EMAIL_URLS,
      CATEGORIES,
      CLICK_SYNC_STATE,
      CLICK_LOG,
      LOCAL_UNITS,
    ],
    maxAgeMs: AGES_MS,
  },
  {
    name: 'LeadsPage',
    text: `query LeadsPage {
      leadQueue { ...SupervisorView }
      leadImports(first: 5) {
        totalCount
        edges { node { id listName filename total accepted rejected duplicatesOfExisting createdAt } }
      }
    }
    fragment SupervisorView on LeadQueue {
      at backlog assigned oldestAgeSeconds oldestQueuedAt
      agents { id name presence capacity openLeads answeredToday idleSince lastAssignedAt }
    }`,
    collections: [LEADS, AGENTS, LEAD_IMPORTS],
    maxAgeMs: AGES_MS,
  },
];

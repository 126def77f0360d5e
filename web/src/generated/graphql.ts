/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Only ONLINE agents with a free slot receive leads */
export type AgentPresence =
  | 'AWAY'
  | 'BUSY'
  | 'OFFLINE'
  | 'ONLINE';

/** Where a campaign is in its life */
export type CampaignStatus =
  | 'CANCELLED'
  | 'DRAFT'
  | 'PAUSED'
  | 'SCHEDULED'
  | 'SENDING'
  | 'SENT';

/** EMAIL campaigns are sent by e-mail, MOBILE ones by text (SMS waves); AD campaigns are only reported */
export type CampaignType =
  | 'AD'
  | 'EMAIL'
  | 'MOBILE';

/** NON_TM: from an uploaded pool; TM: issued by the ticketing side; OFFER: generated for a wave */
export type CodeKind =
  | 'NON_TM'
  | 'OFFER'
  | 'TM';

/** DRAFT (being set up) -> OPEN (taking registrations) -> CLOSED */
export type FanCampaignStatus =
  | 'CLOSED'
  | 'DRAFT'
  | 'OPEN';

/** Where a job stands */
export type JobStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

/** What created a job */
export type JobTrigger =
  | 'EVENT'
  | 'MANUAL'
  | 'SCHEDULE';

/** Which performance entries; every field narrows, all optional */
export type PerformanceEntryFilter = {
  campaignId?: string | null | undefined;
  channel?: string | null | undefined;
  /** Entries whose day starts at or after this */
  dateFrom?: string | null | undefined;
  /** Entries whose day starts at or before this */
  dateTo?: string | null | undefined;
  orderId?: string | null | undefined;
  publicationId?: number | null | undefined;
  /** e.g. "automated" */
  source?: string | null | undefined;
};

/** Recipients matching every flag given */
export type RecipientFilterInput = {
  clicked?: boolean | null | undefined;
  converted?: boolean | null | undefined;
  opened?: boolean | null | undefined;
  status?: RecipientStatus | null | undefined;
};

/** PENDING: not sent yet; SENT: the provider accepted it; UNCERTAIN: a crash hid whether the provider accepted it (never re-sent); SKIPPED: not sent (the member archived after the audience was frozen; for a text, the reason says why) */
export type RecipientStatus =
  | 'FAILED'
  | 'PENDING'
  | 'SENT'
  | 'SKIPPED'
  | 'UNCERTAIN';

/** What an API key may do */
export type Role =
  | 'ADMIN'
  | 'AGENT'
  | 'OPERATOR'
  | 'VIEWER';

/** How fanlist ranks become scores in [0, 1] (docs/pipelines/fans/scoring.md) */
export type ScoringType =
  | 'LINEAR'
  | 'LOG';

/** What sends a wave's texts, which caps its rate: long code, toll-free number or short code */
export type SenderKind =
  | 'LONG_CODE'
  | 'SHORT_CODE'
  | 'TOLL_FREE';

/** PROMOTIONAL texts go only to fans with recorded SMS consent */
export type SmsMessageType =
  | 'PROMOTIONAL'
  | 'TRANSACTIONAL';

/** Hourly under 7 days, daily otherwise */
export type StatsGranularity =
  | 'DAY'
  | 'HOUR';

/** DRAFT (uploaded) -> SCHEDULED -> SENDING <-> PAUSED -> SENT | CANCELLED | FAILED */
export type WaveStatus =
  | 'CANCELLED'
  | 'DRAFT'
  | 'FAILED'
  | 'PAUSED'
  | 'SCHEDULED'
  | 'SENDING'
  | 'SENT';

export type CampaignPageQueryVariables = Exact<{
  id: string;
  clickers: number;
}>;


export type CampaignPageQuery = { campaign: { id: string, name: string, status: CampaignStatus, type: CampaignType, sendAt: string | null, startedAt: string | null, finishedAt: string | null, audienceSize: number | null, sender: { id: string, name: string }, template: { id: string, name: string, subject: string }, audiences: Array<{ id: string, name: string }> }, campaignStats: { sent: number, uniqueOpens: number, uniqueClicks: number, totalClicks: number, conversions: number, conversionValue: number, openRate: number, clickRate: number, clickToOpenRate: number, conversionRate: number, granularity: StatsGranularity, series: Array<{ start: string, opens: number, clicks: number, conversions: number }>, links: Array<{ index: number, url: string, clicks: number, uniqueClickers: number, clickThroughRate: number }> }, campaignRecipients: { totalCount: number, edges: Array<{ node: { id: string, name: string | null, email: string, firstClickedAt: string | null, lastClickedAt: string | null, converted: boolean } }> } };

export type ExportCampaignRecipientsMutationVariables = Exact<{
  id: string;
  filter?: RecipientFilterInput | null | undefined;
}>;


export type ExportCampaignRecipientsMutation = { exportCampaignRecipients: { url: string, rows: number, expiresAt: string } };

export type CampaignsPageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type CampaignsPageQuery = { campaigns: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, status: CampaignStatus, type: CampaignType, sendAt: string | null, startedAt: string | null, audienceSize: number | null, sender: { id: string, name: string }, template: { id: string, name: string }, audiences: Array<{ id: string, name: string }> } }> } };

export type CampaignRatesQueryVariables = Exact<{
  id: string;
}>;


export type CampaignRatesQuery = { campaignStats: { campaignId: string, sent: number, openRate: number, clickRate: number, clickToOpenRate: number, conversionRate: number } };

export type ClicksPageQueryVariables = Exact<{
  dayFrom: string;
  bu?: string | null | undefined;
}>;


export type ClicksPageQuery = { perDay: { totalClicks: number, groups: Array<{ day: string | null, totalClicks: number, uniqueClickers: number }> }, allTime: { totalClicks: number, uniqueClickers: number, topLinks: Array<{ totalClicks: number, uniqueClickers: number, url: { id: string, bu: string, url: string, linkName: string | null } | null }>, groups: Array<{ totalClicks: number, uniqueClickers: number, send: { id: string, bu: string, jobId: string, emailName: string | null, firstClickAt: string, lastClickAt: string, category: { id: string, name: string | null } | null } | null }> }, clickSyncStatus: Array<{ bu: string, source: string, running: boolean, backlog: number | null, oldestUnprocessedAgeSeconds: number | null, lastRunAt: string | null, lastRunRows: number | null, watermark: string | null }> };

export type SyncClicksMutationVariables = Exact<{
  bu: string;
}>;


export type SyncClicksMutation = { syncClicks: { id: string, status: JobStatus } };

export type FanCampaignsPageQueryVariables = Exact<{
  first: number;
}>;


export type FanCampaignsPageQuery = { fanCampaigns: { totalCount: number, edges: Array<{ node: { id: string, name: string, artist: string, status: FanCampaignStatus, registrationOpensAt: string | null, registrationClosesAt: string | null, latestStats: { at: string, registrations: { total: number }, verdicts: { selected: number, dropped: number }, codes: { assigned: number, available: number } } | null } }> } };

export type FanCampaignPageQueryVariables = Exact<{
  id: string;
}>;


export type FanCampaignPageQuery = { fanCampaign: { id: string, name: string, artist: string, status: FanCampaignStatus, scoringType: ScoringType, registrationOpensAt: string | null, registrationClosesAt: string | null, markets: Array<{ id: string, name: string, city: string, country: string, registrations: number, registrationLimit: number | null, registrationsLeft: number | null, selectionLimit: number | null }>, latestStats: { at: string, scored: number, registrations: { total: number, perDay: Array<{ key: string, count: number }> }, verdicts: { selected: number, dropped: number, droppedByReason: Array<{ key: string, count: number }> }, codes: { assigned: number, available: number, reserved: number } } | null }, codePools: { totalCount: number, edges: Array<{ node: { id: string, name: string, kind: CodeKind, available: number, reserved: number, assigned: number } }> }, waves: { edges: Array<{ node: { id: string, name: string, status: WaveStatus, progress: number, expectedFinishAt: string | null, counts: { total: number, ok: number } } }> } };

export type RefreshFanStatsMutationVariables = Exact<{
  campaignId: string;
}>;


export type RefreshFanStatsMutation = { refreshFanStats: { id: string, status: JobStatus } };

export type JobRowFragment = { id: string, type: string, status: JobStatus, trigger: JobTrigger, attempts: number, maxAttempts: number, createdAt: string, startedAt: string | null, finishedAt: string | null, runAt: string | null, cancelRequested: boolean, progress: { fraction: number, message: string | null }, error: { code: string, message: string } | null };

export type JobsPageQueryVariables = Exact<{
  first: number;
}>;


export type JobsPageQuery = { running: { totalCount: number, edges: Array<{ node: { id: string, type: string, status: JobStatus, trigger: JobTrigger, attempts: number, maxAttempts: number, createdAt: string, startedAt: string | null, finishedAt: string | null, runAt: string | null, cancelRequested: boolean, progress: { fraction: number, message: string | null }, error: { code: string, message: string } | null } }> }, queued: { totalCount: number, edges: Array<{ node: { id: string, type: string, status: JobStatus, trigger: JobTrigger, attempts: number, maxAttempts: number, createdAt: string, startedAt: string | null, finishedAt: string | null, runAt: string | null, cancelRequested: boolean, progress: { fraction: number, message: string | null }, error: { code: string, message: string } | null } }> }, failed: { totalCount: number, edges: Array<{ node: { id: string, type: string, status: JobStatus, trigger: JobTrigger, attempts: number, maxAttempts: number, createdAt: string, startedAt: string | null, finishedAt: string | null, runAt: string | null, cancelRequested: boolean, progress: { fraction: number, message: string | null }, error: { code: string, message: string } | null } }> } };

export type DeadLetterQueueQueryVariables = Exact<{
  queue: string;
  first: number;
}>;


export type DeadLetterQueueQuery = { deadLetters: { queue: string, stats: { visible: number, inFlight: number, delayed: number, deadLettered: number }, messages: Array<{ id: string, jobId: string | null, groupId: string | null, sentAt: string, body: string }> } };

export type JobsLiveSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type JobsLiveSubscription = { jobsUpdated: { id: string, status: JobStatus } };

export type RetryJobMutationVariables = Exact<{
  id: string;
}>;


export type RetryJobMutation = { retryJob: { id: string, type: string, status: JobStatus, trigger: JobTrigger, attempts: number, maxAttempts: number, createdAt: string, startedAt: string | null, finishedAt: string | null, runAt: string | null, cancelRequested: boolean, progress: { fraction: number, message: string | null }, error: { code: string, message: string } | null } };

export type CancelJobMutationVariables = Exact<{
  id: string;
}>;


export type CancelJobMutation = { cancelJob: { id: string, type: string, status: JobStatus, trigger: JobTrigger, attempts: number, maxAttempts: number, createdAt: string, startedAt: string | null, finishedAt: string | null, runAt: string | null, cancelRequested: boolean, progress: { fraction: number, message: string | null }, error: { code: string, message: string } | null } };

export type RedriveDeadLettersMutationVariables = Exact<{
  queue: string;
}>;


export type RedriveDeadLettersMutation = { redriveDeadLetters: number };

export type JobStatusQueryVariables = Exact<{
  id: string;
}>;


export type JobStatusQuery = { job: { id: string, type: string, status: JobStatus, progress: { fraction: number, message: string | null }, error: { code: string, message: string } | null } | null };

export type SupervisorViewFragment = { at: string, backlog: number, assigned: number, oldestAgeSeconds: number | null, oldestQueuedAt: string | null, agents: Array<{ id: string, name: string, presence: AgentPresence, capacity: number, openLeads: number, answeredToday: number, idleSince: string, lastAssignedAt: string | null }> };

export type LeadsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type LeadsPageQuery = { leadQueue: { at: string, backlog: number, assigned: number, oldestAgeSeconds: number | null, oldestQueuedAt: string | null, agents: Array<{ id: string, name: string, presence: AgentPresence, capacity: number, openLeads: number, answeredToday: number, idleSince: string, lastAssignedAt: string | null }> }, leadImports: { totalCount: number, edges: Array<{ node: { id: string, listName: string | null, filename: string, total: number, accepted: number, rejected: number, duplicatesOfExisting: number, createdAt: string } }> } };

export type LeadQueueLiveSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type LeadQueueLiveSubscription = { leadQueueUpdated: { at: string, backlog: number, assigned: number, oldestAgeSeconds: number | null, oldestQueuedAt: string | null, agents: Array<{ id: string, name: string, presence: AgentPresence, capacity: number, openLeads: number, answeredToday: number, idleSince: string, lastAssignedAt: string | null }> } };

export type SetAgentCapacityMutationVariables = Exact<{
  agentId: string;
  capacity: number;
}>;


export type SetAgentCapacityMutation = { setAgentCapacity: { id: string, capacity: number } };

export type SignedInQueryVariables = Exact<{ [key: string]: never; }>;


export type SignedInQuery = { me: { keyId: string, name: string, role: Role, agentId: string | null } };

export type TrackingPageQueryVariables = Exact<{
  filter: PerformanceEntryFilter;
}>;


export type TrackingPageQuery = { total: Array<{ entries: number, impressions: number, clicks: number, viewableImpressions: number, reach: number, ctr: number, viewability: number }>, byDay: Array<{ day: string | null, entries: number, impressions: number, clicks: number, viewableImpressions: number, reach: number, ctr: number, viewability: number }>, byPublication: Array<{ publicationId: number | null, entries: number, impressions: number, clicks: number, reach: number, ctr: number, viewability: number }>, byChannel: Array<{ channel: string | null, entries: number, impressions: number, clicks: number, reach: number, ctr: number, viewability: number }> };

export type SyncTrackingMutationVariables = Exact<{
  days: number;
}>;


export type SyncTrackingMutation = { syncTracking: { id: string, status: JobStatus } };

export type WaveProgressFragment = { id: string, name: string, status: WaveStatus, statusReason: string | null, progress: number, expectedFinishAt: string | null, startedAt: string | null, finishedAt: string | null, totalSegments: number, counts: { total: number, ok: number, sms: number, email: number, delivered: number, undelivered: number, failed: number, expired: number, skipped: number, optedOut: number, uncertain: number } };

export type WavesPageQueryVariables = Exact<{
  first: number;
}>;


export type WavesPageQuery = { waves: { totalCount: number, edges: Array<{ node: { id: string, name: string, status: WaveStatus, progress: number, expectedFinishAt: string | null, counts: { total: number, ok: number }, config: { campaignId: string, notifyDate: string } } }> } };

export type WavePageQueryVariables = Exact<{
  id: string;
}>;


export type WavePageQuery = { wave: { createdAt: string, rejectCount: number, id: string, name: string, status: WaveStatus, statusReason: string | null, progress: number, expectedFinishAt: string | null, startedAt: string | null, finishedAt: string | null, totalSegments: number, config: { campaignId: string, brand: string, sender: string, senderKind: SenderKind, messageType: SmsMessageType, segmentsPerSecond: number, notifyDate: string, validitySeconds: number }, counts: { total: number, ok: number, sms: number, email: number, delivered: number, undelivered: number, failed: number, expired: number, skipped: number, optedOut: number, uncertain: number } } };

export type WaveLiveSubscriptionVariables = Exact<{
  id: string;
}>;


export type WaveLiveSubscription = { waveUpdated: { id: string, name: string, status: WaveStatus, statusReason: string | null, progress: number, expectedFinishAt: string | null, startedAt: string | null, finishedAt: string | null, totalSegments: number, counts: { total: number, ok: number, sms: number, email: number, delivered: number, undelivered: number, failed: number, expired: number, skipped: number, optedOut: number, uncertain: number } } };

export type SendWaveNowMutationVariables = Exact<{
  id: string;
}>;


export type SendWaveNowMutation = { sendWaveNow: { id: string, name: string, status: WaveStatus, statusReason: string | null, progress: number, expectedFinishAt: string | null, startedAt: string | null, finishedAt: string | null, totalSegments: number, counts: { total: number, ok: number, sms: number, email: number, delivered: number, undelivered: number, failed: number, expired: number, skipped: number, optedOut: number, uncertain: number } } };

export type PauseWaveMutationVariables = Exact<{
  id: string;
}>;


export type PauseWaveMutation = { pauseWave: { id: string, name: string, status: WaveStatus, statusReason: string | null, progress: number, expectedFinishAt: string | null, startedAt: string | null, finishedAt: string | null, totalSegments: number, counts: { total: number, ok: number, sms: number, email: number, delivered: number, undelivered: number, failed: number, expired: number, skipped: number, optedOut: number, uncertain: number } } };

export type ResumeWaveMutationVariables = Exact<{
  id: string;
}>;


export type ResumeWaveMutation = { resumeWave: { id: string, name: string, status: WaveStatus, statusReason: string | null, progress: number, expectedFinishAt: string | null, startedAt: string | null, finishedAt: string | null, totalSegments: number, counts: { total: number, ok: number, sms: number, email: number, delivered: number, undelivered: number, failed: number, expired: number, skipped: number, optedOut: number, uncertain: number } } };

export type CancelWaveMutationVariables = Exact<{
  id: string;
}>;


export type CancelWaveMutation = { cancelWave: { id: string, name: string, status: WaveStatus, statusReason: string | null, progress: number, expectedFinishAt: string | null, startedAt: string | null, finishedAt: string | null, totalSegments: number, counts: { total: number, ok: number, sms: number, email: number, delivered: number, undelivered: number, failed: number, expired: number, skipped: number, optedOut: number, uncertain: number } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const JobRowFragmentDoc = new TypedDocumentString(`
    fragment JobRow on Job {
  id
  type
  status
  trigger
  attempts
  maxAttempts
  createdAt
  startedAt
  finishedAt
  runAt
  cancelRequested
  progress {
    fraction
    message
  }
  error {
    code
    message
  }
}
    `, {"fragmentName":"JobRow"}) as unknown as TypedDocumentString<JobRowFragment, unknown>;
export const SupervisorViewFragmentDoc = new TypedDocumentString(`
    fragment SupervisorView on LeadQueue {
  at
  backlog
  assigned
  oldestAgeSeconds
  oldestQueuedAt
  agents {
    id
    name
    presence
    capacity
    openLeads
    answeredToday
    idleSince
    lastAssignedAt
  }
}
    `, {"fragmentName":"SupervisorView"}) as unknown as TypedDocumentString<SupervisorViewFragment, unknown>;
export const WaveProgressFragmentDoc = new TypedDocumentString(`
    fragment WaveProgress on Wave {
  id
  name
  status
  statusReason
  progress
  expectedFinishAt
  startedAt
  finishedAt
  totalSegments
  counts {
    total
    ok
    sms
    email
    delivered
    undelivered
    failed
    expired
    skipped
    optedOut
    uncertain
  }
}
    `, {"fragmentName":"WaveProgress"}) as unknown as TypedDocumentString<WaveProgressFragment, unknown>;
export const CampaignPageDocument = new TypedDocumentString(`
    query CampaignPage($id: ID!, $clickers: Int!) {
  campaign(id: $id) {
    id
    name
    status
    type
    sendAt
    startedAt
    finishedAt
    audienceSize
    sender {
      id
      name
    }
    template {
      id
      name
      subject
    }
    audiences {
      id
      name
    }
  }
  campaignStats(id: $id) {
    sent
    uniqueOpens
    uniqueClicks
    totalClicks
    conversions
    conversionValue
    openRate
    clickRate
    clickToOpenRate
    conversionRate
    granularity
    series {
      start
      opens
      clicks
      conversions
    }
    links {
      index
      url
      clicks
      uniqueClickers
      clickThroughRate
    }
  }
  campaignRecipients(id: $id, filter: {clicked: true}, first: $clickers) {
    totalCount
    edges {
      node {
        id
        name
        email
        firstClickedAt
        lastClickedAt
        converted
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignPageQuery, CampaignPageQueryVariables>;
export const ExportCampaignRecipientsDocument = new TypedDocumentString(`
    mutation ExportCampaignRecipients($id: ID!, $filter: RecipientFilterInput) {
  exportCampaignRecipients(id: $id, filter: $filter) {
    url
    rows
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<ExportCampaignRecipientsMutation, ExportCampaignRecipientsMutationVariables>;
export const CampaignsPageDocument = new TypedDocumentString(`
    query CampaignsPage($first: Int!, $after: String) {
  campaigns(first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        name
        status
        type
        sendAt
        startedAt
        audienceSize
        sender {
          id
          name
        }
        template {
          id
          name
        }
        audiences {
          id
          name
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignsPageQuery, CampaignsPageQueryVariables>;
export const CampaignRatesDocument = new TypedDocumentString(`
    query CampaignRates($id: ID!) {
  campaignStats(id: $id) {
    campaignId
    sent
    openRate
    clickRate
    clickToOpenRate
    conversionRate
  }
}
    `) as unknown as TypedDocumentString<CampaignRatesQuery, CampaignRatesQueryVariables>;
export const ClicksPageDocument = new TypedDocumentString(`
    query ClicksPage($dayFrom: LocalDate!, $bu: String) {
  perDay: clickStats(
    filter: {dayFrom: $dayFrom, bu: $bu}
    groupBy: [DAY]
    groupLimit: 120
  ) {
    totalClicks
    groups {
      day
      totalClicks
      uniqueClickers
    }
  }
  allTime: clickStats(
    filter: {bu: $bu}
    groupBy: [SEND]
    groupLimit: 20
    topLinks: 10
  ) {
    totalClicks
    uniqueClickers
    topLinks {
      totalClicks
      uniqueClickers
      url {
        id
        bu
        url
        linkName
      }
    }
    groups {
      totalClicks
      uniqueClickers
      send {
        id
        bu
        jobId
        emailName
        firstClickAt
        lastClickAt
        category {
          id
          name
        }
      }
    }
  }
  clickSyncStatus {
    bu
    source
    running
    backlog
    oldestUnprocessedAgeSeconds
    lastRunAt
    lastRunRows
    watermark
  }
}
    `) as unknown as TypedDocumentString<ClicksPageQuery, ClicksPageQueryVariables>;
export const SyncClicksDocument = new TypedDocumentString(`
    mutation SyncClicks($bu: String!) {
  syncClicks(bu: $bu) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<SyncClicksMutation, SyncClicksMutationVariables>;
export const FanCampaignsPageDocument = new TypedDocumentString(`
    query FanCampaignsPage($first: Int!) {
  fanCampaigns(first: $first) {
    totalCount
    edges {
      node {
        id
        name
        artist
        status
        registrationOpensAt
        registrationClosesAt
        latestStats {
          at
          registrations {
            total
          }
          verdicts {
            selected
            dropped
          }
          codes {
            assigned
            available
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FanCampaignsPageQuery, FanCampaignsPageQueryVariables>;
export const FanCampaignPageDocument = new TypedDocumentString(`
    query FanCampaignPage($id: ID!) {
  fanCampaign(id: $id) {
    id
    name
    artist
    status
    scoringType
    registrationOpensAt
    registrationClosesAt
    markets {
      id
      name
      city
      country
      registrations
      registrationLimit
      registrationsLeft
      selectionLimit
    }
    latestStats {
      at
      scored
      registrations {
        total
        perDay {
          key
          count
        }
      }
      verdicts {
        selected
        dropped
        droppedByReason {
          key
          count
        }
      }
      codes {
        assigned
        available
        reserved
      }
    }
  }
  codePools(campaignId: $id, first: 20) {
    totalCount
    edges {
      node {
        id
        name
        kind
        available
        reserved
        assigned
      }
    }
  }
  waves(filter: {campaignId: $id}, first: 20) {
    edges {
      node {
        id
        name
        status
        progress
        expectedFinishAt
        counts {
          total
          ok
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FanCampaignPageQuery, FanCampaignPageQueryVariables>;
export const RefreshFanStatsDocument = new TypedDocumentString(`
    mutation RefreshFanStats($campaignId: ID!) {
  refreshFanStats(campaignId: $campaignId) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<RefreshFanStatsMutation, RefreshFanStatsMutationVariables>;
export const JobsPageDocument = new TypedDocumentString(`
    query JobsPage($first: Int!) {
  running: jobs(filter: {status: RUNNING}, first: $first) {
    totalCount
    edges {
      node {
        ...JobRow
      }
    }
  }
  queued: jobs(filter: {status: QUEUED}, first: $first) {
    totalCount
    edges {
      node {
        ...JobRow
      }
    }
  }
  failed: jobs(filter: {status: FAILED}, first: $first) {
    totalCount
    edges {
      node {
        ...JobRow
      }
    }
  }
}
    fragment JobRow on Job {
  id
  type
  status
  trigger
  attempts
  maxAttempts
  createdAt
  startedAt
  finishedAt
  runAt
  cancelRequested
  progress {
    fraction
    message
  }
  error {
    code
    message
  }
}`) as unknown as TypedDocumentString<JobsPageQuery, JobsPageQueryVariables>;
export const DeadLetterQueueDocument = new TypedDocumentString(`
    query DeadLetterQueue($queue: String!, $first: Int!) {
  deadLetters(queue: $queue, first: $first) {
    queue
    stats {
      visible
      inFlight
      delayed
      deadLettered
    }
    messages {
      id
      jobId
      groupId
      sentAt
      body
    }
  }
}
    `) as unknown as TypedDocumentString<DeadLetterQueueQuery, DeadLetterQueueQueryVariables>;
export const JobsLiveDocument = new TypedDocumentString(`
    subscription JobsLive {
  jobsUpdated {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<JobsLiveSubscription, JobsLiveSubscriptionVariables>;
export const RetryJobDocument = new TypedDocumentString(`
    mutation RetryJob($id: ID!) {
  retryJob(id: $id) {
    ...JobRow
  }
}
    fragment JobRow on Job {
  id
  type
  status
  trigger
  attempts
  maxAttempts
  createdAt
  startedAt
  finishedAt
  runAt
  cancelRequested
  progress {
    fraction
    message
  }
  error {
    code
    message
  }
}`) as unknown as TypedDocumentString<RetryJobMutation, RetryJobMutationVariables>;
export const CancelJobDocument = new TypedDocumentString(`
    mutation CancelJob($id: ID!) {
  cancelJob(id: $id) {
    ...JobRow
  }
}
    fragment JobRow on Job {
  id
  type
  status
  trigger
  attempts
  maxAttempts
  createdAt
  startedAt
  finishedAt
  runAt
  cancelRequested
  progress {
    fraction
    message
  }
  error {
    code
    message
  }
}`) as unknown as TypedDocumentString<CancelJobMutation, CancelJobMutationVariables>;
export const RedriveDeadLettersDocument = new TypedDocumentString(`
    mutation RedriveDeadLetters($queue: String!) {
  redriveDeadLetters(queue: $queue)
}
    `) as unknown as TypedDocumentString<RedriveDeadLettersMutation, RedriveDeadLettersMutationVariables>;
export const JobStatusDocument = new TypedDocumentString(`
    query JobStatus($id: ID!) {
  job(id: $id) {
    id
    type
    status
    progress {
      fraction
      message
    }
    error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<JobStatusQuery, JobStatusQueryVariables>;
export const LeadsPageDocument = new TypedDocumentString(`
    query LeadsPage {
  leadQueue {
    ...SupervisorView
  }
  leadImports(first: 5) {
    totalCount
    edges {
      node {
        id
        listName
        filename
        total
        accepted
        rejected
        duplicatesOfExisting
        createdAt
      }
    }
  }
}
    fragment SupervisorView on LeadQueue {
  at
  backlog
  assigned
  oldestAgeSeconds
  oldestQueuedAt
  agents {
    id
    name
    presence
    capacity
    openLeads
    answeredToday
    idleSince
    lastAssignedAt
  }
}`) as unknown as TypedDocumentString<LeadsPageQuery, LeadsPageQueryVariables>;
export const LeadQueueLiveDocument = new TypedDocumentString(`
    subscription LeadQueueLive {
  leadQueueUpdated {
    ...SupervisorView
  }
}
    fragment SupervisorView on LeadQueue {
  at
  backlog
  assigned
  oldestAgeSeconds
  oldestQueuedAt
  agents {
    id
    name
    presence
    capacity
    openLeads
    answeredToday
    idleSince
    lastAssignedAt
  }
}`) as unknown as TypedDocumentString<LeadQueueLiveSubscription, LeadQueueLiveSubscriptionVariables>;
export const SetAgentCapacityDocument = new TypedDocumentString(`
    mutation SetAgentCapacity($agentId: ID!, $capacity: Int!) {
  setAgentCapacity(agentId: $agentId, capacity: $capacity) {
    id
    capacity
  }
}
    `) as unknown as TypedDocumentString<SetAgentCapacityMutation, SetAgentCapacityMutationVariables>;
export const SignedInDocument = new TypedDocumentString(`
    query SignedIn {
  me {
    keyId
    name
    role
    agentId
  }
}
    `) as unknown as TypedDocumentString<SignedInQuery, SignedInQueryVariables>;
export const TrackingPageDocument = new TypedDocumentString(`
    query TrackingPage($filter: PerformanceEntryFilter!) {
  total: performanceSummary(filter: $filter) {
    entries
    impressions
    clicks
    viewableImpressions
    reach
    ctr
    viewability
  }
  byDay: performanceSummary(filter: $filter, groupBy: [DAY]) {
    day
    entries
    impressions
    clicks
    viewableImpressions
    reach
    ctr
    viewability
  }
  byPublication: performanceSummary(filter: $filter, groupBy: [PUBLICATION]) {
    publicationId
    entries
    impressions
    clicks
    reach
    ctr
    viewability
  }
  byChannel: performanceSummary(filter: $filter, groupBy: [CHANNEL]) {
    channel
    entries
    impressions
    clicks
    reach
    ctr
    viewability
  }
}
    `) as unknown as TypedDocumentString<TrackingPageQuery, TrackingPageQueryVariables>;
export const SyncTrackingDocument = new TypedDocumentString(`
    mutation SyncTracking($days: Int!) {
  syncTracking(input: {days: $days}) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<SyncTrackingMutation, SyncTrackingMutationVariables>;
export const WavesPageDocument = new TypedDocumentString(`
    query WavesPage($first: Int!) {
  waves(first: $first) {
    totalCount
    edges {
      node {
        id
        name
        status
        progress
        expectedFinishAt
        counts {
          total
          ok
        }
        config {
          campaignId
          notifyDate
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WavesPageQuery, WavesPageQueryVariables>;
export const WavePageDocument = new TypedDocumentString(`
    query WavePage($id: ID!) {
  wave(id: $id) {
    ...WaveProgress
    createdAt
    rejectCount
    config {
      campaignId
      brand
      sender
      senderKind
      messageType
      segmentsPerSecond
      notifyDate
      validitySeconds
    }
  }
}
    fragment WaveProgress on Wave {
  id
  name
  status
  statusReason
  progress
  expectedFinishAt
  startedAt
  finishedAt
  totalSegments
  counts {
    total
    ok
    sms
    email
    delivered
    undelivered
    failed
    expired
    skipped
    optedOut
    uncertain
  }
}`) as unknown as TypedDocumentString<WavePageQuery, WavePageQueryVariables>;
export const WaveLiveDocument = new TypedDocumentString(`
    subscription WaveLive($id: ID!) {
  waveUpdated(id: $id) {
    ...WaveProgress
  }
}
    fragment WaveProgress on Wave {
  id
  name
  status
  statusReason
  progress
  expectedFinishAt
  startedAt
  finishedAt
  totalSegments
  counts {
    total
    ok
    sms
    email
    delivered
    undelivered
    failed
    expired
    skipped
    optedOut
    uncertain
  }
}`) as unknown as TypedDocumentString<WaveLiveSubscription, WaveLiveSubscriptionVariables>;
export const SendWaveNowDocument = new TypedDocumentString(`
    mutation SendWaveNow($id: ID!) {
  sendWaveNow(id: $id) {
    ...WaveProgress
  }
}
    fragment WaveProgress on Wave {
  id
  name
  status
  statusReason
  progress
  expectedFinishAt
  startedAt
  finishedAt
  totalSegments
  counts {
    total
    ok
    sms
    email
    delivered
    undelivered
    failed
    expired
    skipped
    optedOut
    uncertain
  }
}`) as unknown as TypedDocumentString<SendWaveNowMutation, SendWaveNowMutationVariables>;
export const PauseWaveDocument = new TypedDocumentString(`
    mutation PauseWave($id: ID!) {
  pauseWave(id: $id) {
    ...WaveProgress
  }
}
    fragment WaveProgress on Wave {
  id
  name
  status
  statusReason
  progress
  expectedFinishAt
  startedAt
  finishedAt
  totalSegments
  counts {
    total
    ok
    sms
    email
    delivered
    undelivered
    failed
    expired
    skipped
    optedOut
    uncertain
  }
}`) as unknown as TypedDocumentString<PauseWaveMutation, PauseWaveMutationVariables>;
export const ResumeWaveDocument = new TypedDocumentString(`
    mutation ResumeWave($id: ID!) {
  resumeWave(id: $id) {
    ...WaveProgress
  }
}
    fragment WaveProgress on Wave {
  id
  name
  status
  statusReason
  progress
  expectedFinishAt
  startedAt
  finishedAt
  totalSegments
  counts {
    total
    ok
    sms
    email
    delivered
    undelivered
    failed
    expired
    skipped
    optedOut
    uncertain
  }
}`) as unknown as TypedDocumentString<ResumeWaveMutation, ResumeWaveMutationVariables>;
export const CancelWaveDocument = new TypedDocumentString(`
    mutation CancelWave($id: ID!) {
  cancelWave(id: $id) {
    ...WaveProgress
  }
}
    fragment WaveProgress on Wave {
  id
  name
  status
  statusReason
  progress
  expectedFinishAt
  startedAt
  finishedAt
  totalSegments
  counts {
    total
    ok
    sms
    email
    delivered
    undelivered
    failed
    expired
    skipped
    optedOut
    uncertain
  }
}`) as unknown as TypedDocumentString<CancelWaveMutation, CancelWaveMutationVariables>;
import { campaignsDemo } from '../services/campaigns/demo';
import { CAMPAIGN_EVENTS_EXPORT_JOB, campaignEventsExportJob } from '../services/campaigns/exportEvents';
import { campaignSendJob } from '../services/campaigns/sendCampaign';
import { AudienceResolver } from '../resolvers/campaigns/audience.resolver';
import { AudienceMembersResolver } from '../resolvers/campaigns/audienceMembers.resolver';
import { CampaignAnalyticsResolver } from '../resolvers/campaigns/analytics.resolver';
import { CampaignResolver } from '../resolvers/campaigns/campaign.resolver';
import { CampaignLaunchResolver } from '../resolvers/campaigns/launch.resolver';
import { MemberResolver } from '../resolvers/campaigns/member.resolver';
import { OutboxResolver } from '../resolvers/campaigns/outbox.resolver';
import { SenderResolver } from '../resolvers/campaigns/sender.resolver';
import { TemplateResolver } from '../resolvers/campaigns/template.resolver';
import { campaignIndexes, retiredCampaignIndexes } from '../services/campaigns/indexes';
import { campaignFastRoutes, campaignRoutes, campaignTracking } from '../resolvers/campaigns/tracking.routes';
import { defineFeature } from './feature';

/** Campaigns and audiences: templates, members, sends, tracking, analytics and the raw export. */
export const campaignsFeature = defineFeature({
  name: 'campaigns',
  indexes: campaignIndexes,
  retiredIndexes: retiredCampaignIndexes,
  resolvers: [
    SenderResolver,
    TemplateResolver,
    AudienceResolver,
    AudienceMembersResolver,
    MemberResolver,
    CampaignResolver,
    CampaignLaunchResolver,
    CampaignAnalyticsResolver,
    OutboxResolver,
  ],
  jobTypes: (app) => [campaignSendJob(app), campaignEventsExportJob(app)],
  schedules: [
    {
      name: 'CAMPAIGN_EVENTS_EXPORT',
      cron: '5 * * * *',
      jobType: CAMPAIGN_EVENTS_EXPORT_JOB,
      params: {},
      description: 'Exports the campaign events of every closed hour to raw/campaign_events/ (NDJSON, gzip)',
    },
  ],
  routes: campaignRoutes,
  fastRoutes: campaignFastRoutes,
  demo: campaignsDemo,
  // events accepted by the tracking endpoints are stored before the store closes
  stop: (app) => campaignTracking(app).recorder.drain(),
});

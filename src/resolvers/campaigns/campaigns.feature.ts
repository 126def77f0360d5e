import type { Feature } from '../../app';
import { campaignsDemo } from '../../services/campaigns/demo';
import { CAMPAIGN_EVENTS_EXPORT_JOB, campaignEventsExportJob } from '../../services/campaigns/exportEvents';
import { campaignSendJob } from '../../services/campaigns/sendCampaign';
import { AudienceResolver } from './audience.resolver';
import { AudienceMembersResolver } from './audienceMembers.resolver';
import { CampaignAnalyticsResolver } from './analytics.resolver';
import { CampaignResolver } from './campaign.resolver';
import { CampaignLaunchResolver } from './launch.resolver';
import { MemberResolver } from './member.resolver';
import { OutboxResolver } from './outbox.resolver';
import { SenderResolver } from './sender.resolver';
import { TemplateResolver } from './template.resolver';
import { campaignFastRoutes, campaignRoutes, campaignTracking } from './tracking.routes';

/** Campaigns and audiences: templates, members, sends, tracking, analytics and the raw export. */
export const campaignsFeature: Feature = {
  name: 'campaigns',
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
};

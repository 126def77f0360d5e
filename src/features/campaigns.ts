import type { App } from '../app';
import { CampaignAnalyticsResolver } from '../resolvers/campaigns/analytics.resolver';
import { AudienceMembersResolver } from '../resolvers/campaigns/audienceMembers.resolver';
import { CampaignReferencesResolver } from '../resolvers/campaigns/campaign.resolver';
import {
  AudienceResolver,
  CampaignResolver,
  MemberResolver,
  SenderResolver,
  TemplateResolver,
} from '../resolvers/campaigns/catalog.resolvers';
import { CampaignLaunchResolver } from '../resolvers/campaigns/launch.resolver';
import { OutboxResolver } from '../resolvers/campaigns/outbox.resolver';
import { campaignFastRoutes, campaignRoutes } from '../resolvers/campaigns/tracking.routes';
import { CampaignAnalytics } from '../services/campaigns/analytics';
import { AudienceMembers } from '../services/campaigns/audienceMembers';
import { campaignCatalog } from '../services/campaigns/campaigns';
import { entities } from '../services/campaigns/catalog';
import { entityCatalog, memberCatalog } from '../services/campaigns/catalogService';
import { campaignsDemo } from '../services/campaigns/demo';
import { CAMPAIGN_EVENTS_EXPORT_JOB, campaignEventsExportJob } from '../services/campaigns/exportEvents';
import { campaignIndexes, retiredCampaignIndexes } from '../services/campaigns/indexes';
import { CampaignLaunch } from '../services/campaigns/launch';
import { OutboxMessages } from '../services/campaigns/outbox';
import { CampaignEventRecorder } from '../services/campaigns/recordEvents';
import { campaignSendJob } from '../services/campaigns/sendCampaign';
import type { CampaignServices } from '../services/campaigns/services';
import { CampaignTracking } from '../services/campaigns/tracking';
import { trackingSite } from '../services/campaigns/trackingSite';
import { leaseTiming } from '../services/uploads/importLease';
import { StaleRecordSweep } from '../services/uploads/staleSweep';
import { uploadLimits } from '../services/uploads/uploadKinds';
import { defineFeature } from './feature';

function campaignServices({ db, config, logger, jobs, ports }: App): CampaignServices {
  const site = trackingSite(config);
  const lease = leaseTiming(config.JOB_VISIBILITY_TIMEOUT_SECONDS);
  const audienceMembers = new AudienceMembers(db, uploadLimits(config, 'audienceImport'), lease);
  return {
    senders: entityCatalog(db, entities.sender),
    templates: entityCatalog(db, entities.template),
    audiences: entityCatalog(db, entities.audience),
    members: memberCatalog(db),
    campaigns: campaignCatalog(db),
    audienceMembers,
    importRecovery: new StaleRecordSweep(
      'audience imports',
      () => audienceMembers.recoverStaleImports(),
      lease,
      logger,
    ),
    launch: new CampaignLaunch({ db, logger, jobs }),
    analytics: new CampaignAnalytics({ db, objects: ports.objects, site }),
    // one recorder per app: the events of every tracking request group-commit together
    tracking: new CampaignTracking(db, site.secret, new CampaignEventRecorder(db)),
    outbox: new OutboxMessages(db),
    sending: { db, messaging: ports.messaging, site },
    eventsExport: { db, objects: ports.objects, lagMs: config.CAMPAIGN_EVENTS_EXPORT_LAG_SECONDS * 1000 },
    site,
  };
}

/** Campaigns and audiences: templates, members, sends, tracking, analytics and the raw export. */
export const campaignsFeature = defineFeature({
  name: 'campaigns',
  services: campaignServices,
  indexes: campaignIndexes,
  retiredIndexes: retiredCampaignIndexes,
  resolvers: [
    SenderResolver,
    TemplateResolver,
    AudienceResolver,
    AudienceMembersResolver,
    MemberResolver,
    CampaignResolver,
    CampaignReferencesResolver,
    CampaignLaunchResolver,
    CampaignAnalyticsResolver,
    OutboxResolver,
  ],
  jobTypes: (_app, services) => [campaignSendJob(services.sending), campaignEventsExportJob(services.eventsExport)],
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
  demo: (app, services) => campaignsDemo(services.sending, app.logger),
  start: (_app, services) => services.importRecovery.start(),
  // events accepted by the tracking endpoints are stored before the store closes
  stop: async (_app, services) => {
    await services.importRecovery.stop();
    await services.tracking.recorder.drain();
  },
});

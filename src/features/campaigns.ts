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
import { CampaignTextStatsResolver } from '../resolvers/campaigns/textStats.resolver';
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
import { rebuildAllCampaignStats } from '../services/campaigns/rebuildStats';
import { campaignSendJob } from '../services/campaigns/sendCampaign';
import type { CampaignServices } from '../services/campaigns/services';
import { CampaignTracking } from '../services/campaigns/tracking';
import { trackingSite } from '../services/campaigns/trackingSite';
import { leaseTiming } from '../services/uploads/importLease';
import { StaleRecordSweep } from '../services/uploads/staleSweep';
import { privacySecret } from '../services/suppression/privacySecret';
import { SuppressionList } from '../services/suppression/suppressionList';
import { uploadLimits } from '../services/uploads/uploadKinds';
import { CampaignTexts } from '../services/campaigns/sms/campaignTexts';
import { RememberedFigures } from '../datasources/rememberedFigures';
import { defineFeature, type ServicesOf } from './feature';
import { wavesFeature } from './waves';

/** Pages, campaigns and stats the dashboards read, remembered at most (RememberedFigures). */
const REMEMBERED_READS = 1000;

/**
 * The campaigns' services. MOBILE campaigns go out as SMS waves: through the waves feature's
 * lifecycle, opt-out list and sending, whose runs tell the campaign when its wave ended.
 */
function campaignServices(app: App, servicesOf: ServicesOf): CampaignServices {
  const { db, config, logger, jobs, ports } = app;
  const site = trackingSite(config);
  const lease = leaseTiming(config.JOB_VISIBILITY_TIMEOUT_SECONDS);
  const phoneCountry = config.MEMBER_PHONE_COUNTRY;
  const audienceMembers = new AudienceMembers(db, uploadLimits(config, 'audienceImport'), lease, phoneCountry);
  const waves = servicesOf(wavesFeature);
  // on MongoDB the recipients' change stream would carry one event per recipient a send marks
  const figures = new RememberedFigures(
    app.store.engine === 'embedded' ? app.store.changeClock : undefined,
    REMEMBERED_READS,
  );
  const texts = new CampaignTexts({
    db,
    lifecycle: waves.lifecycle,
    optOuts: waves.sending.optOuts,
    rates: config,
    timeZone: config.MEMBER_TIME_ZONE,
    logger: logger.child({ feature: 'campaigns' }),
  });
  // Told inside the wave-send job, so listening from the start: no run ends unheard.
  waves.sending.onRunEnded((wave) => texts.waveEnded(wave));
  return {
    senders: entityCatalog(db, entities.sender),
    templates: entityCatalog(db, entities.template),
    audiences: entityCatalog(db, entities.audience),
    members: memberCatalog(db, phoneCountry),
    campaigns: campaignCatalog(db, config, figures),
    audienceMembers,
    importRecovery: new StaleRecordSweep(
      'audience imports',
      () => audienceMembers.recoverStaleImports(),
      lease,
      logger,
    ),
    launch: new CampaignLaunch({ db, logger, jobs, texts }),
    analytics: new CampaignAnalytics({ db, objects: ports.objects, site }, figures),
    // one recorder per app: the events of every tracking request group-commit together
    tracking: new CampaignTracking(db, site.secret, new CampaignEventRecorder(db)),
    outbox: new OutboxMessages(db),
    sending: {
      db,
      messaging: ports.messaging,
      site,
      suppressions: new SuppressionList(db, privacySecret(config)),
      texts,
    },
    texts,
    eventsExport: { db, objects: ports.objects, lagMs: config.CAMPAIGN_EVENTS_EXPORT_LAG_SECONDS * 1000 },
    site,
  };
}

/** Campaigns and audiences: templates, members, e-mail and text sends, tracking, analytics and the raw export. */
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
    CampaignTextStatsResolver,
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
  rebuildStats: (app, services) => rebuildAllCampaignStats(app.db, services.tracking.recorder),
  start: (_app, services) => services.importRecovery.start(),
  // events accepted by the tracking endpoints are stored before the store closes
  stop: async (_app, services) => {
    await services.importRecovery.stop();
    await services.tracking.recorder.drain();
  },
});

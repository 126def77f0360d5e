import type { AudienceMembers } from './audienceMembers';
import type { CampaignAnalytics } from './analytics';
import type { CampaignNarrowing } from './campaigns';
import type { CatalogService, MemberNarrowing } from './catalogService';
import type { EventsExportDeps } from './exportEvents';
import type { CampaignLaunch } from './launch';
import type { AudienceDoc, CampaignDoc, MemberDoc, SenderDoc, TemplateDoc } from './model';
import type { OutboxMessages } from './outbox';
import type { SendDeps } from './sendBatch';
import type { CampaignTexts } from './sms/campaignTexts';
import type { CampaignTracking } from './tracking';
import type { TrackingSite } from './trackingSite';
import type { StaleRecordSweep } from '../uploads/staleSweep';

/** The campaigns domain's services, built once per app by src/features/campaigns.ts. */
export interface CampaignServices {
  senders: CatalogService<SenderDoc>;
  templates: CatalogService<TemplateDoc>;
  audiences: CatalogService<AudienceDoc>;
  members: CatalogService<MemberDoc, MemberNarrowing>;
  campaigns: CatalogService<CampaignDoc, CampaignNarrowing>;
  audienceMembers: AudienceMembers;
  /** Finishes audience imports whose process died (started and stopped with the service). */
  importRecovery: StaleRecordSweep;
  launch: CampaignLaunch;
  analytics: CampaignAnalytics;
  /** Opens, clicks and conversions, through one group-committing event recorder per app. */
  tracking: CampaignTracking;
  outbox: OutboxMessages;
  /** What the campaign-send job (and the demo's send) deliver with. */
  sending: SendDeps;
  /** MOBILE campaigns, sent as SMS waves through the waves feature's sending. */
  texts: CampaignTexts;
  eventsExport: EventsExportDeps;
  site: TrackingSite;
}

import { registerEnumType } from 'type-graphql';

export enum CampaignType {
  EMAIL = 'EMAIL',
  MOBILE = 'MOBILE',
  AD = 'AD',
}

export enum CampaignStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  SENDING = 'SENDING',
  SENT = 'SENT',
  PAUSED = 'PAUSED',
  CANCELLED = 'CANCELLED',
}

export enum RecipientStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  UNCERTAIN = 'UNCERTAIN',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
}

export enum ImportMode {
  ADD = 'ADD',
  REPLACE = 'REPLACE',
}

export enum ImportStatus {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

export enum StatsGranularity {
  HOUR = 'HOUR',
  DAY = 'DAY',
}

export enum MessageChannel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
}

export enum OutboxStatus {
  SENDING = 'SENDING',
  SENT = 'SENT',
  UNCERTAIN = 'UNCERTAIN',
}

registerEnumType(CampaignType, { name: 'CampaignType', description: 'The kind of campaign, for reporting' });
registerEnumType(CampaignStatus, { name: 'CampaignStatus', description: 'Where a campaign is in its life' });
registerEnumType(RecipientStatus, {
  name: 'RecipientStatus',
  description:
    'PENDING: not sent yet; UNCERTAIN: a crash hid whether the provider accepted it (never re-sent); SKIPPED: the member was archived after the audience was frozen (not sent)',
});
registerEnumType(ImportMode, {
  name: 'ImportMode',
  description: 'ADD keeps current members; REPLACE drops those not in the file',
});
registerEnumType(ImportStatus, { name: 'ImportStatus' });
registerEnumType(StatsGranularity, { name: 'StatsGranularity', description: 'Hourly under 7 days, daily otherwise' });
registerEnumType(MessageChannel, { name: 'MessageChannel' });
registerEnumType(OutboxStatus, { name: 'OutboxStatus' });

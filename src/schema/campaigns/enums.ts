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

registerEnumType(CampaignType, {
  name: 'CampaignType',
  description: 'EMAIL campaigns are sent by e-mail, MOBILE ones by text (SMS waves); AD campaigns are only reported',
});
registerEnumType(CampaignStatus, { name: 'CampaignStatus', description: 'Where a campaign is in its life' });
registerEnumType(RecipientStatus, {
  name: 'RecipientStatus',
  description:
    'PENDING: not sent yet; SENT: the provider accepted it; UNCERTAIN: a crash hid whether the provider accepted it (never re-sent); SKIPPED: not sent (the member archived after the audience was frozen; for a text, the reason says why)',
});
registerEnumType(ImportMode, {
  name: 'ImportMode',
  description: 'ADD keeps current members; REPLACE drops those not in the file',
});
registerEnumType(ImportStatus, { name: 'ImportStatus' });
registerEnumType(StatsGranularity, { name: 'StatsGranularity', description: 'Hourly under 7 days, daily otherwise' });
registerEnumType(MessageChannel, { name: 'MessageChannel' });
registerEnumType(OutboxStatus, { name: 'OutboxStatus' });

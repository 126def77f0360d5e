import { registerEnumType } from 'type-graphql';

export enum WaveStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  SENDING = 'SENDING',
  PAUSED = 'PAUSED',
  SENT = 'SENT',
  CANCELLED = 'CANCELLED',
  FAILED = 'FAILED',
}

export enum SenderKind {
  LONG_CODE = 'LONG_CODE',
  TOLL_FREE = 'TOLL_FREE',
  SHORT_CODE = 'SHORT_CODE',
}

export enum SmsMessageType {
  TRANSACTIONAL = 'TRANSACTIONAL',
  PROMOTIONAL = 'PROMOTIONAL',
}

export enum WavePrepStatus {
  TRIGGERED = 'TRIGGERED',
  PREPPED = 'PREPPED',
  FAILED = 'FAILED',
}

registerEnumType(WaveStatus, {
  name: 'WaveStatus',
  description: 'DRAFT (uploaded) -> SCHEDULED -> SENDING <-> PAUSED -> SENT | CANCELLED | FAILED',
});
registerEnumType(SenderKind, {
  name: 'SenderKind',
  description: "What sends a wave's texts, which caps its rate: long code, toll-free number or short code",
});
registerEnumType(SmsMessageType, {
  name: 'SmsMessageType',
  description: 'PROMOTIONAL texts go only to fans with recorded SMS consent',
});
registerEnumType(WavePrepStatus, {
  name: 'WavePrepStatus',
  description: 'TRIGGERED (its job runs) -> PREPPED (files ready) | FAILED',
});

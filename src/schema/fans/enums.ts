import { registerEnumType } from 'type-graphql';

export enum FanCampaignStatus {
  DRAFT = 'DRAFT',
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

export enum ScoringType {
  LINEAR = 'LINEAR',
  LOG = 'LOG',
}

/** The three states of an entry's verdict (stored as null, true, false): a filter needs all three named. */
export enum FanVerdict {
  SELECTED = 'SELECTED',
  DROPPED = 'DROPPED',
  UNDECIDED = 'UNDECIDED',
}

export enum CodeKind {
  NON_TM = 'NON_TM',
  TM = 'TM',
  OFFER = 'OFFER',
}

registerEnumType(FanCampaignStatus, {
  name: 'FanCampaignStatus',
  description: 'DRAFT (being set up) -> OPEN (taking registrations) -> CLOSED',
});
registerEnumType(ScoringType, {
  name: 'ScoringType',
  description: 'How fanlist ranks become scores in [0, 1] (docs/pipelines/fans/scoring.md)',
});
registerEnumType(FanVerdict, {
  name: 'FanVerdict',
  description:
    'SELECTED: verdict true (given a code); DROPPED: verdict false, with a reason; UNDECIDED: no verdict yet',
});
registerEnumType(CodeKind, {
  name: 'CodeKind',
  description: 'NON_TM: from an uploaded pool; TM: issued by the ticketing side; OFFER: generated for a wave',
});

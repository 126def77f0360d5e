import { ObjectId } from 'bson';
import type { SmsMessageType } from '../../datasources/sms';
import type { SenderKind } from '../waves/model';

/**
 * Stored documents of the campaigns domain and their collections. Ids are strings (hex of an
 * ObjectId) except where a deterministic id makes a write idempotent (memberships, recipients).
 */
export const C = {
  senders: 'campaign_senders',
  templates: 'campaign_templates',
  audiences: 'audiences',
  members: 'members',
  memberships: 'audience_members',
  campaigns: 'campaigns',
  recipients: 'campaign_recipients',
  events: 'campaign_events',
  exportState: 'campaign_export_state',
  imports: 'audience_imports',
  importUndo: 'audience_import_undo',
} as const;

export type CampaignType = 'EMAIL' | 'MOBILE' | 'AD';
export type CampaignStatus = 'DRAFT' | 'SCHEDULED' | 'SENDING' | 'SENT' | 'PAUSED' | 'CANCELLED';
export type RecipientStatus = 'PENDING' | 'SENT' | 'UNCERTAIN' | 'FAILED' | 'SKIPPED';
export type CampaignEventType = 'OPEN' | 'CLICK' | 'CONVERSION';

interface Timestamps {
  createdAt: Date;
  updatedAt: Date;
  archivedAt?: Date | null;
}

/** A colleague who sends campaigns (the seed's "user"). */
export interface SenderDoc extends Timestamps {
  _id: string;
  name: string;
  email: string;
  department?: string | null;
  contact?: string | null;
}

export interface TemplateDoc extends Timestamps {
  _id: string;
  name: string;
  /** Style family, e.g. minimalist, business. */
  type: string;
  subject: string;
  html?: string | null;
  text?: string | null;
  /** The text of MOBILE campaigns, same placeholders; at most 1,600 characters. */
  sms?: string | null;
}

export interface AudienceDoc extends Timestamps {
  _id: string;
  name: string;
  segments: string[];
  locationType?: string | null;
}

export interface MemberDoc extends Timestamps {
  _id: string;
  /** Trimmed and lower-cased: unique across members. */
  email: string;
  name?: string | null;
  contact?: string | null;
  /** E.164 (+14155550100): what MOBILE campaigns text. */
  phone?: string | null;
  /** IANA time zone: when quiet hours hold for the member (MEMBER_TIME_ZONE when absent). */
  timeZone?: string | null;
  /** When the member gave SMS consent; PROMOTIONAL texts go only to members who did. */
  smsConsentAt?: Date | null;
  attributes: Record<string, string>;
  /**
   * The import that created this member or last overwrote it. While that import is not
   * published, no other import or addition may use the member (its failure would undo it).
   */
  importId?: string;
}

/** The fields an import's overwrite changes, as they were before it: what its failure restores. */
export type MemberSnapshot = Pick<
  MemberDoc,
  | '_id'
  | 'name'
  | 'contact'
  | 'phone'
  | 'timeZone'
  | 'smsConsentAt'
  | 'attributes'
  | 'updatedAt'
  | 'archivedAt'
  | 'importId'
>;

/**
 * What one batch of an import did to members, stored before it did it: the members it created
 * (deleted if the import fails) and the ones it overwrote, as they were (restored if it fails).
 * Dropped once the import is settled.
 */
export interface ImportUndoDoc {
  _id: string;
  importId: string;
  created: string[];
  previous: MemberSnapshot[];
}

/**
 * A member in an audience; `_id` is `<audienceId>:<memberId>` so adding twice is one row.
 * Readers see it through visibleMemberships.ts, which hides what an unpublished import wrote.
 */
export interface MembershipDoc {
  _id: string;
  audienceId: string;
  memberId: string;
  addedAt: Date;
  /** The import that added it: hidden while that import is staged (not yet published). */
  importId?: string;
  /** The last REPLACE import that listed it: once that import is published, only these remain. */
  listedBy?: string;
}

/** What the campaign froze of its template when it started sending. */
export interface FrozenContent {
  subject: string;
  html?: string | null;
  text?: string | null;
  /** The template's SMS text (MOBILE campaigns). */
  sms?: string | null;
  /** The template's links in order; tracking redirects only to these, by index. */
  links: string[];
}

/** How a MOBILE campaign texts: its sender and the rules of its texts, as the SMS waves have them. */
export interface CampaignSms {
  /** Origination identity, Messaging Service SID or From number. */
  sender: string;
  senderKind: SenderKind;
  /** PROMOTIONAL texts go only to members with recorded SMS consent. */
  messageType: SmsMessageType;
  /** Whose opt-out list applies (the sender when not given). */
  brand: string;
  /** At most the sender kind's cap (WAVE_RATE_*); null: that cap. */
  segmentsPerSecond: number | null;
  /** A text not sent this long after the send started is never sent (quiet hours included). */
  validitySeconds: number;
}

/** Why a member of a MOBILE campaign's frozen audience gets no text. */
export type TextSkipReason = 'ARCHIVED' | 'NO_PHONE' | 'NO_SMS_CONSENT' | 'OPTED_OUT' | 'EMPTY_TEXT' | 'TEXT_TOO_LONG';

export interface CampaignDoc extends Timestamps {
  _id: string;
  name: string;
  templateId: string;
  senderId: string;
  audienceIds: string[];
  type: CampaignType;
  status: CampaignStatus;
  sendAt?: Date | null;
  expiresAt?: Date | null;
  sendJobId?: string | null;
  /**
   * Which launch (send now, schedule, resume) owns the send: its job carries the same key, so a
   * job of an older launch, redelivered late, finds the key changed and sends nothing.
   */
  sendKey?: string | null;
  content?: FrozenContent | null;
  audienceSize?: number | null;
  frozenAt?: Date | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  /** MOBILE campaigns: how they text. */
  sms?: CampaignSms | null;
  /** MOBILE campaigns: the SMS wave that sends the texts, made when the send starts. */
  smsWaveId?: string | null;
  /** MOBILE campaigns: members of the frozen audience given no text, by reason, once the wave is made. */
  textSkips?: Partial<Record<TextSkipReason, number>> | null;
}

/**
 * One member of a campaign's frozen audience (the seed's campaign audience); `_id` is
 * `<campaignId>:<memberId>`. Who the member is (e-mail, name, attributes) stays on the member
 * and is read when the message is rendered and when recipients are listed.
 */
export interface RecipientDoc {
  _id: string;
  campaignId: string;
  memberId: string;
  status: RecipientStatus;
  sentAt?: Date | null;
  /** Why it was not sent (SKIPPED, FAILED): a TextSkipReason, or the SMS wave message's reason. */
  reason?: string | null;
  opened: boolean;
  firstOpenedAt?: Date | null;
  lastOpenedAt?: Date | null;
  clicked: boolean;
  firstClickedAt?: Date | null;
  lastClickedAt?: Date | null;
  /** Indexes of the links clicked (-1: a click that named none): each link's unique clickers. */
  clickedLinks?: number[];
  converted: boolean;
  firstConvertedAt?: Date | null;
  lastConvertedAt?: Date | null;
}

/** What a recipient did, each a flag that once on stays on. */
export const recipientFlags = ['opened', 'clicked', 'converted'] as const;
export type RecipientFlag = (typeof recipientFlags)[number];

/** The source of truth for engagement: written once (unique _id), then applied to the recipient. */
export interface CampaignEventDoc {
  _id: string;
  type: CampaignEventType;
  campaignId: string;
  recipientId: string;
  memberId: string;
  linkIndex?: number | null;
  value?: number | null;
  occurredAt: Date;
  /** When this service stored it: the exporter's ordering, never earlier than a stored position. */
  recordedAt: Date;
}

export const newId = () => new ObjectId().toHexString();
export const membershipId = (audienceId: string, memberId: string) => `${audienceId}:${memberId}`;
export const recipientId = (campaignId: string, memberId: string) => `${campaignId}:${memberId}`;

/** Archived members; also the partial filter of the members' archivedAt index, which holds only them. */
export const archivedMemberFilter = { archivedAt: { $gt: new Date(0) } };

export type ImportMode = 'ADD' | 'REPLACE';

export interface ImportReject {
  rowNumber: number;
  email?: string | null;
  reason: string;
}

/**
 * One run of importAudienceMembers, with its counts and (the first 1,000) rejected rows. While
 * it holds its audience (`active`, one import per audience) readers join on it: its memberships
 * are hidden while it is `staged`, and after a REPLACE is published, while `replacing`, only the
 * memberships it listed are shown until the others are deleted. Publishing is one update of
 * this record. `runId` and `heartbeatAt` are its lease (src/services/uploads/importLease.ts).
 */
export interface AudienceImportDoc {
  _id: string;
  audienceId: string;
  filename: string;
  mode: ImportMode;
  overwrite: boolean;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  counts: {
    rows: number;
    accepted: number;
    rejected: number;
    duplicatesInFile: number;
    created: number;
    updated: number;
    existingMembers: number;
    addedToAudience: number;
    removedFromAudience: number;
  };
  rejects: ImportReject[];
  error?: string | null;
  createdAt: Date;
  finishedAt?: Date | null;
  active?: true;
  staged?: true;
  replacing?: true;
  runId?: string | null;
  heartbeatAt?: Date | null;
}

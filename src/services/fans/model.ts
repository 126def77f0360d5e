/**
 * The stored shapes of fan campaigns (seed 004): campaigns with their markets, one entry per fan
 * per campaign, code pools and codes, demand, admin stats snapshots and the blacklist. Resolvers
 * map them to GraphQL types; nothing here leaves the server raw.
 */

export const FAN_CAMPAIGNS = 'fanCampaigns';
export const FAN_ENTRIES = 'fanEntries';
export const CODE_POOLS = 'codePools';
export const CODES = 'codes';
/** Selected events per (campaign, fan): the seed's DynamoDB demandTable. */
export const DEMAND = 'demand';
export const ADMIN_STATS = 'adminStats';
/** Registrations per market kept with the entries (entries/marketCounts.ts). */
export const FAN_ENTRY_COUNTS = 'fanEntryCounts';
/** Codes per pool and state kept with the codes (codes/poolCounts.ts). */
export const CODE_POOL_COUNTS = 'codePoolCounts';
export const BLACKLIST = 'blacklist';

export type FanCampaignStatus = 'DRAFT' | 'OPEN' | 'CLOSED';
/** How fanlist ranks become scores (docs/pipelines/fans.md). */
export type ScoringType = 'LINEAR' | 'LOG';

export interface MarketDoc {
  /** Unique within the campaign; what entries name in their market preferences. */
  id: string;
  name: string;
  city: string;
  /** ISO 3166-1 alpha-2: the country phone numbers of the market are read in. */
  country: string;
  /** IANA time zone (quiet hours, event times). */
  timeZone: string;
  /** Most registrations that prefer this market first (null: no limit). */
  registrationLimit: number | null;
  /** Most fans selected (given a code) in this market (null: no limit). */
  selectionLimit: number | null;
}

export interface FanCampaignDoc {
  _id: string;
  name: string;
  artist: string;
  status: FanCampaignStatus;
  scoringType: ScoringType;
  registrationOpensAt: Date | null;
  registrationClosesAt: Date | null;
  markets: MarketDoc[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SmsConsent {
  /** Where the fan gave it (registration form, import, ...). */
  source: string;
  at: Date;
}

export type CodeKind = 'NON_TM' | 'TM' | 'OFFER';

export interface FanEntryDoc {
  /** `${campaignId}:${userId}`: one entry per fan per campaign. */
  _id: string;
  campaignId: string;
  userId: string;
  /** Lower-case and trimmed: the alternative key of a fan. */
  email: string;
  /** E.164, or null when none or invalid. */
  phone: string | null;
  firstName: string | null;
  /** Market ids in the fan's order of preference. */
  marketPreferences: string[];
  /** The first preference: what per-market limits and stats count. */
  market: string | null;
  smsConsent: SmsConsent | null;
  registeredAt: Date;
  /** In [0, 1]; null until scored. */
  score: number | null;
  /** null: not decided; true: selected; false: dropped, with its reason. */
  verdict: boolean | null;
  verdictReason: string | null;
  code: string | null;
  codeKind: CodeKind | null;
  selectedEvents: string[];
  updatedAt: Date;
}

export type CodeState = 'AVAILABLE' | 'RESERVED' | 'ASSIGNED';

export interface CodePoolDoc {
  _id: string;
  campaignId: string;
  kind: 'NON_TM' | 'OFFER';
  name: string;
  createdAt: Date;
  createdBy: string;
}

export interface CodeDoc {
  /** The code itself: unique across every campaign and pool. */
  _id: string;
  campaignId: string;
  poolId: string;
  kind: 'NON_TM' | 'OFFER';
  state: CodeState;
  /** The wave it is reserved for (waves domain). */
  waveId: string | null;
  /** The entry it is assigned to. */
  entryId: string | null;
  userId: string | null;
  reservedAt: Date | null;
  assignedAt: Date | null;
  createdAt: Date;
  /** The upload that brought the code in and its line there: a code twice in one file vs. a retried upload. */
  upload?: { id: string; line: number };
}

export interface DemandDoc {
  /** `${campaignId}:${userId}`. */
  _id: string;
  campaignId: string;
  userId: string;
  selectedEvents: string[];
  updatedAt: Date;
}

export interface CountBy {
  key: string;
  count: number;
}

export interface AdminStatsDoc {
  _id: string;
  campaignId: string;
  at: Date;
  registrations: { total: number; perMarket: CountBy[]; perDay: CountBy[] };
  scored: number;
  verdicts: { selected: number; dropped: number; droppedByReason: CountBy[] };
  codes: { available: number; reserved: number; assigned: number };
}

export type BlacklistKind = 'EMAIL' | 'DOMAIN';

export interface BlacklistDoc {
  /** `${kind}:${normalized value}`. */
  _id: string;
  kind: BlacklistKind;
  /** The normalized e-mail (see blacklist.ts) or lower-case domain. */
  value: string;
  addedBy: string;
  addedAt: Date;
}

export const entryId = (campaignId: string, userId: string) => `${campaignId}:${userId}`;

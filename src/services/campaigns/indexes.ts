import type { IndexDeclaration, RetiredIndex } from '../../datasources/store/indexes';
import { archivedMemberFilter, C, recipientFlags } from './model';

/**
 * The campaigns domain's indexes.
 * The unique ones make the domain's writes idempotent: one member per e-mail, one membership
 * per (audience, member), one recipient per (campaign, member): a recipient's _id is
 * `<campaignId>:<memberId>`, so the _id index is the (campaign, member) one, and since members
 * are unique by e-mail it keeps a campaign's recipients unique by e-mail too.
 * Events are unique by _id; the other keys serve the lists, the freeze (which reads archived
 * members from a partial index holding only them) and the exporter. No
 * query reads memberships by member alone, so they have no such index to keep on every import.
 */
export const campaignIndexes: IndexDeclaration[] = [
  { collection: C.members, key: { email: 1 }, options: { unique: true } },
  { collection: C.members, key: { archivedAt: 1 }, options: { partialFilterExpression: archivedMemberFilter } },
  { collection: C.memberships, key: { audienceId: 1, memberId: 1 }, options: { unique: true } },
  { collection: C.campaigns, key: { createdAt: -1, _id: -1 } },
  { collection: C.campaigns, key: { status: 1, sendAt: 1 } },
  { collection: C.senders, key: { name: 1, _id: 1 } },
  { collection: C.templates, key: { name: 1, _id: 1 } },
  { collection: C.audiences, key: { name: 1, _id: 1 } },
  // The lists without archived documents (the default), by status for campaigns: a page reads
  // its rows only, and totalCount is counted from the index.
  { collection: C.campaigns, key: { archivedAt: 1, createdAt: -1, _id: -1 } },
  { collection: C.campaigns, key: { status: 1, archivedAt: 1, createdAt: -1, _id: -1 } },
  { collection: C.senders, key: { archivedAt: 1, name: 1, _id: 1 } },
  { collection: C.templates, key: { archivedAt: 1, name: 1, _id: 1 } },
  { collection: C.audiences, key: { archivedAt: 1, name: 1, _id: 1 } },
  { collection: C.recipients, key: { campaignId: 1, status: 1, _id: 1 } },
  // Who opened, clicked or converted, in _id order: each index holds only the recipients whose
  // flag is on, so a page of them reads its rows only, and a freeze writes none of them.
  ...recipientFlags.map((flag): IndexDeclaration => ({
    collection: C.recipients,
    key: { campaignId: 1, [flag]: 1, _id: 1 },
    options: { partialFilterExpression: { [flag]: true } },
  })),
  { collection: C.events, key: { recordedAt: 1, _id: 1 } },
  { collection: C.events, key: { campaignId: 1, occurredAt: 1 } },
  { collection: C.imports, key: { audienceId: 1, createdAt: -1 } },
  // One import holds an audience at a time (staged, publishing, or being cleaned up after).
  {
    collection: C.imports,
    key: { audienceId: 1 },
    options: { unique: true, partialFilterExpression: { active: true }, name: 'audience_import_holder' },
  },
  { collection: C.importUndo, key: { importId: 1 } },
  { collection: 'outbox', key: { createdAt: -1, _id: -1 } },
];

/**
 * Indexes earlier versions created: recipients no longer carry an e-mail, so a unique
 * (campaignId, email) would collide on null; (campaignId, memberId) is the recipient's _id now; audience_members was renamed.
 */
export const retiredCampaignIndexes: RetiredIndex[] = [
  { collection: C.recipients, key: { campaignId: 1, email: 1 } },
  { collection: C.recipients, key: { campaignId: 1, memberId: 1 } },
  { collection: 'audience_members', key: { memberId: 1 } },
];

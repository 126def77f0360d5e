import type { IndexDeclaration } from '../../datasources/store/indexes';
import { C } from './model';

/**
 * The campaigns domain's indexes, spread into the list of src/datasources/store/indexes.ts.
 * The unique ones make the domain's writes idempotent: one member per e-mail, one membership
 * per (audience, member), one recipient per (campaign, member) and per (campaign, e-mail): a
 * recipient's _id is `<campaignId>:<memberId>`, so the _id index is the (campaign, member) one.
 * Events are unique by _id; the other keys serve the lists, the freeze and the exporter. No
 * query reads memberships by member alone, so they have no such index to keep on every import.
 */
export const campaignIndexes: IndexDeclaration[] = [
  { collection: C.members, key: { email: 1 }, options: { unique: true } },
  { collection: C.memberships, key: { audienceId: 1, memberId: 1 }, options: { unique: true } },
  { collection: C.campaigns, key: { createdAt: -1, _id: -1 } },
  { collection: C.campaigns, key: { status: 1, sendAt: 1 } },
  { collection: C.senders, key: { name: 1, _id: 1 } },
  { collection: C.templates, key: { name: 1, _id: 1 } },
  { collection: C.audiences, key: { name: 1, _id: 1 } },
  { collection: C.recipients, key: { campaignId: 1, email: 1 }, options: { unique: true } },
  { collection: C.recipients, key: { campaignId: 1, status: 1, _id: 1 } },
  { collection: C.events, key: { recordedAt: 1, _id: 1 } },
  { collection: C.events, key: { campaignId: 1, occurredAt: 1 } },
  { collection: C.imports, key: { audienceId: 1, createdAt: -1 } },
  { collection: 'outbox', key: { createdAt: -1, _id: -1 } },
];

import { OUTBOX_COLLECTION, type OutboxDocument } from '../../../datasources/messaging/port';
import type { AudienceImportDoc, ImportUndoDoc, MemberDoc } from '../../campaigns/model';
import { C } from '../../campaigns/model';
import { countMatching, deleteMatching, updateMatching, type StoreHolder } from './holder';

const byIds = (ids: string[]) => (ids.length ? { _id: { $in: ids } } : null);

const isTheirs = (emails: string[], email: string | null | undefined) =>
  !!email && emails.includes(email.trim().toLowerCase());

/**
 * Campaigns: the member is anonymized and archived (its recipients and events, which campaign
 * stats count, name only the member's random id, so they stay as they are); memberships go; the
 * e-mails sent to the person keep their idempotency keys but lose address and content.
 */
export const campaignHolders: StoreHolder[] = [
  {
    collection: C.members,
    domain: 'campaigns',
    action: 'ANONYMIZE',
    filter: (trail) => byIds(trail.memberIds),
    erase: (context, filter) =>
      updateMatching<MemberDoc>(context, C.members, filter, (member) => ({
        $set: {
          email: context.pseudonyms.emailOf(C.members, member._id),
          name: null,
          contact: null,
          phone: null,
          timeZone: null,
          smsConsentAt: null,
          attributes: {},
          archivedAt: member.archivedAt ?? context.now,
          updatedAt: context.now,
        },
      })),
  },
  {
    collection: C.memberships,
    domain: 'campaigns',
    action: 'DELETE',
    filter: (trail) => byIds(trail.membershipIds),
    erase: (context, filter) => deleteMatching(context, C.memberships, filter),
  },
  {
    collection: C.recipients,
    domain: 'campaigns',
    action: 'ANONYMIZE',
    filter: (trail) => byIds(trail.recipientIds),
    erase: (context, filter) => countMatching(context, C.recipients, filter),
  },
  {
    collection: C.events,
    domain: 'campaigns',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.memberIds.length ? { memberId: { $in: trail.memberIds } } : null),
    erase: (context, filter) => countMatching(context, C.events, filter),
  },
  {
    collection: C.imports,
    domain: 'campaigns',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.emails.length ? { 'rejects.email': { $in: trail.emails } } : null),
    present: (doc, trail) => ({
      _id: doc._id,
      audienceId: doc.audienceId,
      filename: doc.filename,
      createdAt: doc.createdAt,
      rejects: (doc as AudienceImportDoc).rejects.filter((reject) => isTheirs(trail.emails, reject.email)),
    }),
    erase: (context, filter, trail) =>
      updateMatching<AudienceImportDoc>(context, C.imports, filter, (doc) => ({
        $set: {
          rejects: doc.rejects.map((reject) =>
            isTheirs(trail.emails, reject.email) ? { ...reject, email: null } : reject,
          ),
        },
      })),
  },
  {
    collection: C.importUndo,
    domain: 'campaigns',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.memberIds.length ? { 'previous._id': { $in: trail.memberIds } } : null),
    present: (doc, trail) => ({
      _id: doc._id,
      importId: doc.importId,
      previous: (doc as ImportUndoDoc).previous.filter((member) => trail.memberIds.includes(member._id)),
    }),
    erase: (context, filter, trail) =>
      updateMatching<ImportUndoDoc>(context, C.importUndo, filter, () => ({
        $pull: { previous: { _id: { $in: trail.memberIds } } },
      })),
  },
  {
    collection: OUTBOX_COLLECTION,
    domain: 'messaging',
    action: 'ANONYMIZE',
    filter: (trail) => ({ to: { $in: [...trail.emails, ...trail.phones] } }),
    erase: (context, filter) =>
      updateMatching<OutboxDocument>(context, OUTBOX_COLLECTION, filter, (message) => ({
        $set: {
          to: message.channel === 'SMS' ? context.pseudonyms.phone(message.to) : context.pseudonyms.email(message.to),
        },
        $unset: { subject: '', html: '', text: '' },
      })),
  },
];

import { LEAD_EVENTS, LEAD_IMPORTS, LEADS, type LeadDoc, type LeadImportDoc } from '../../leads/model';
import { deleteMatching, updateMatching, type EraseContext, type StoreHolder } from './holder';

const isTheirs = (emails: string[], email: string | null) => !!email && emails.includes(email.trim().toLowerCase());

/**
 * Leads: a QUEUED lead (no agent holds it) goes; an assigned or resolved one stays, for the
 * agents' counts and outcomes, without e-mail, name, company, number, attributes or notes. The
 * routing feed's copies of the lead go; import rejects lose the address.
 */
export const leadHolders: StoreHolder[] = [
  {
    collection: LEADS,
    domain: 'leads',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.leadIds.length ? { _id: { $in: trail.leadIds } } : null),
    erase: async (context, filter) => {
      const removed = await deleteMatching(context, LEADS, { $and: [filter, { status: 'QUEUED' }] });
      const kept = await updateMatching<LeadDoc>(context, LEADS, filter, (lead) => anonymizedLead(context, lead));
      return { deleted: removed.deleted, anonymized: kept.anonymized };
    },
  },
  {
    collection: LEAD_EVENTS,
    domain: 'leads',
    action: 'DELETE',
    filter: (trail) => (trail.leadIds.length ? { leadId: { $in: trail.leadIds } } : null),
    erase: (context, filter) => deleteMatching(context, LEAD_EVENTS, filter),
  },
  {
    collection: LEAD_IMPORTS,
    domain: 'leads',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.emails.length ? { 'rejectedRows.email': { $in: trail.emails } } : null),
    present: (doc, trail) => ({
      _id: doc._id,
      filename: doc.filename,
      createdAt: doc.createdAt,
      rejectedRows: (doc as LeadImportDoc).rejectedRows.filter((row) => isTheirs(trail.emails, row.email)),
    }),
    erase: (context, filter, trail) =>
      updateMatching<LeadImportDoc>(context, LEAD_IMPORTS, filter, (doc) => ({
        $set: {
          rejectedRows: doc.rejectedRows.map((row) =>
            isTheirs(trail.emails, row.email) ? { ...row, email: null } : row,
          ),
        },
      })),
  },
];

function anonymizedLead(context: EraseContext, lead: LeadDoc) {
  return {
    $set: {
      email: context.pseudonyms.emailOf(LEADS, lead._id),
      name: null,
      company: null,
      phone: null,
      attributes: [],
      note: null,
      history: lead.history.map(({ note: _note, ...entry }) => entry),
    },
  };
}

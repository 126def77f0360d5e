import { normalizeEmail } from '../../fans/blacklist/normalize';
import {
  BLACKLIST,
  CODES,
  DEMAND,
  entryId,
  FAN_ENTRIES,
  type CodeDoc,
  type DemandDoc,
  type FanEntryDoc,
} from '../../fans/model';
import type { PersonTrail } from '../trail';
import { deleteMatching, rekeyMatching, updateMatching, type StoreHolder } from './holder';

const byEntryIds = (trail: PersonTrail) => (trail.entryIds.length ? { _id: { $in: trail.entryIds } } : null);

/**
 * Fan campaigns: an entry stays (registrations, markets, scores, verdicts and codes are counted
 * by the stats and the lake verification) under a pseudonymous userId, without e-mail, number,
 * first name or consent; its demand and assigned codes follow it to the new id. The blacklist
 * entry of the address goes: the suppression list keeps the person from being contacted.
 */
export const fanHolders: StoreHolder[] = [
  {
    collection: FAN_ENTRIES,
    domain: 'fans',
    action: 'ANONYMIZE',
    filter: byEntryIds,
    erase: (context, filter) =>
      rekeyMatching<FanEntryDoc>(context, FAN_ENTRIES, filter, (entry) => {
        const userId = context.pseudonyms.userId(entry.userId);
        return {
          ...entry,
          _id: entryId(entry.campaignId, userId),
          userId,
          email: context.pseudonyms.email(entry.email),
          phone: null,
          firstName: null,
          smsConsent: null,
          updatedAt: context.now,
        };
      }),
  },
  {
    collection: DEMAND,
    domain: 'fans',
    action: 'ANONYMIZE',
    filter: byEntryIds,
    erase: (context, filter) =>
      rekeyMatching<DemandDoc>(context, DEMAND, filter, (demand) => {
        const userId = context.pseudonyms.userId(demand.userId);
        return { ...demand, _id: entryId(demand.campaignId, userId), userId };
      }),
  },
  {
    collection: CODES,
    domain: 'fans',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.entryIds.length ? { entryId: { $in: trail.entryIds }, state: 'ASSIGNED' } : null),
    erase: (context, filter, trail) => {
      const entries = new Map(trail.entries.map((entry) => [entry._id, entry]));
      return updateMatching<CodeDoc>(context, CODES, filter, (code) => {
        const entry = entries.get(code.entryId ?? '');
        if (!entry) return null;
        const userId = context.pseudonyms.userId(entry.userId);
        return { $set: { entryId: entryId(entry.campaignId, userId), userId } };
      });
    },
  },
  {
    collection: BLACKLIST,
    domain: 'fans',
    action: 'DELETE',
    filter: (trail) => {
      const values = trail.emails.flatMap((email) => normalizeEmail(email) ?? []);
      return values.length ? { _id: { $in: values.map((value) => `EMAIL:${value}`) } } : null;
    },
    erase: (context, filter) => deleteMatching(context, BLACKLIST, filter),
  },
];

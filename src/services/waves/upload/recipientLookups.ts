import type { Db } from '../../../datasources/store';
import { entryId, FAN_ENTRIES, type FanEntryDoc } from '../../fans/model';
import { OPT_OUTS, type OptOutDoc } from '../model';
import { optOutIds } from '../send/optOutList';
import type { RecipientDraft } from './recipientRow';

/** What the store says about a batch of recipients: their fans' entries and the opted-out numbers. */
export interface RecipientFacts {
  /** The entry of a row's fan, by row; absent when the fan is not registered for the campaign. */
  entryOf(draft: RecipientDraft): FanEntryDoc | undefined;
  /** How many entries of the campaign have the row's e-mail, for a row without a userId. */
  emailMatches(draft: RecipientDraft): number;
  optedOut(phone: string): boolean;
}

const ENTRY_FIELDS = { _id: 1, userId: 1, email: 1, firstName: 1, smsConsent: 1 } as const;

/**
 * One read of the entries by id, one by e-mail and one of the opt-outs (the brand's and those of
 * every brand) for the whole batch.
 */
export async function lookUpRecipients(
  db: Db,
  campaignId: string,
  brand: string,
  drafts: RecipientDraft[],
): Promise<RecipientFacts> {
  const entries = db.collection<FanEntryDoc>(FAN_ENTRIES);
  const ids = drafts.filter((draft) => draft.userId).map((draft) => entryId(campaignId, draft.userId!));
  const emails = drafts.filter((draft) => !draft.userId && draft.email).map((draft) => draft.email!);
  const phones = drafts.filter((draft) => draft.phone).flatMap((draft) => optOutIds(brand, draft.phone!));
  const [byId, byEmail, optOuts] = await Promise.all([
    ids.length ? entries.find({ _id: { $in: ids } }, { projection: ENTRY_FIELDS }).toArray() : [],
    emails.length
      ? entries.find({ campaignId, email: { $in: [...new Set(emails)] } }, { projection: ENTRY_FIELDS }).toArray()
      : [],
    phones.length
      ? db
          .collection<OptOutDoc>(OPT_OUTS)
          .find({ _id: { $in: phones } }, { projection: { phone: 1 } })
          .toArray()
      : [],
  ]);
  const idMap = new Map(byId.map((entry) => [entry._id, entry as FanEntryDoc]));
  const emailMap = new Map<string, FanEntryDoc[]>();
  for (const entry of byEmail) emailMap.set(entry.email, [...(emailMap.get(entry.email) ?? []), entry as FanEntryDoc]);
  const optedOut = new Set(optOuts.map((doc) => doc.phone));
  return {
    entryOf(draft) {
      if (draft.userId) return idMap.get(entryId(campaignId, draft.userId));
      const found = draft.email ? (emailMap.get(draft.email) ?? []) : [];
      return found.length === 1 ? found[0] : undefined;
    },
    emailMatches: (draft) => (draft.email ? (emailMap.get(draft.email)?.length ?? 0) : 0),
    optedOut: (phone) => optedOut.has(phone),
  };
}

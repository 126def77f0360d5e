import type { SfmcPort } from '../../datasources/sfmc';
import type { Db } from '../../datasources/store';
import { C, membershipId, recipientId, type MemberDoc } from '../campaigns/model';
import { CLICK_EVENTS, SUBSCRIBERS, type ClickEventDocument, type SubscriberDocument } from '../clicks/clickModels';
import { subscriberId } from '../clicks/modelIds';
import { FAN_CAMPAIGNS, FAN_ENTRIES, type FanEntryDoc } from '../fans/model';
import { LEADS, type LeadDoc } from '../leads/model';
import { WAVE_MESSAGES } from '../waves/model';
import type { SubjectHashes } from './model';
import type { Person } from './person';

/** A fan entry of the person: what its campaign, its fan and the codes given to it are keyed by. */
export interface TrailEntry {
  _id: string;
  campaignId: string;
  userId: string;
}

/** A click-sync subscriber of the person, in one business unit. */
export interface TrailSubscriber {
  _id: string;
  bu: string;
  subscriberKey: string;
}

/**
 * Where the person is in the store: their e-mail and number, and the ids other documents name
 * them by (members, fan entries and userIds, leads, subscribers and their click events), found
 * once before anything is read or changed, so each holder's filter is one indexed read.
 */
export interface PersonTrail {
  person: Person;
  /** The keyed hashes of the e-mail and number: what the privacy domain's own records hold. */
  hashes: SubjectHashes;
  emails: string[];
  phones: string[];
  memberIds: string[];
  /** `<audienceId>:<memberId>` of every audience: memberships are read by _id. */
  membershipIds: string[];
  /** `<campaignId>:<memberId>` of every campaign: recipients are read by _id. */
  recipientIds: string[];
  entries: TrailEntry[];
  entryIds: string[];
  userIds: string[];
  leadIds: string[];
  waveMessageIds: string[];
  subscribers: TrailSubscriber[];
  subscriberIds: string[];
  /** Subscriber keys the person is known by at Marketing Cloud (the e-mail). */
  subscriberKeys: string[];
  clickEventIds: string[];
  /**
   * The other e-mails and numbers the person's fan entries and leads hold (erased by e-mail, their
   * number is theirs too): suppressed with the ones asked about.
   */
  linked: { emails: string[]; phones: string[] };
}

export interface TrailDeps {
  db: Db;
  sfmc: Pick<SfmcPort, 'businessUnits'>;
}

const ids = async (cursor: { toArray(): Promise<{ _id: unknown }[]> }) =>
  (await cursor.toArray()).map((doc) => String(doc._id));

type Contacts = { email: string | null; phone: string | null };

/**
 * Documents whose e-mail is one of `emails` or whose number is one of `phones`: one indexed read
 * each (a query with `$or` would scan the collection on the embedded engine).
 */
async function byContact<T extends { _id: string }>(
  db: Db,
  collection: string,
  emails: string[],
  phones: string[],
  projection: Record<string, 1>,
): Promise<T[]> {
  const found = new Map<string, T>();
  for (const [field, values] of [
    ['email', emails],
    ['phone', phones],
  ] as const) {
    if (values.length === 0) continue;
    const docs = await db
      .collection<T>(collection)
      .find({ [field]: { $in: values } } as object, { projection })
      .toArray();
    for (const doc of docs) found.set(doc._id, doc as T);
  }
  return [...found.values()];
}

export async function tracePerson(deps: TrailDeps, person: Person, hashes: SubjectHashes): Promise<PersonTrail> {
  const { db } = deps;
  const emails = person.email ? [person.email] : [];
  const phones = person.phone ? [person.phone] : [];
  const contactFields = { _id: 1, email: 1, phone: 1 } as const;
  const members = await byContact<Pick<MemberDoc, '_id' | 'email' | 'phone'>>(
    db,
    C.members,
    emails,
    phones,
    contactFields,
  );
  const memberIds = members.map((member) => member._id);
  const [audienceIds, campaignIds] = memberIds.length
    ? await Promise.all([
        ids(db.collection(C.audiences).find({}, { projection: { _id: 1 } })),
        ids(db.collection(C.campaigns).find({}, { projection: { _id: 1 } })),
      ])
    : [[], []];
  const entries = await fanEntriesOf(db, emails, phones);
  const leads = await byContact<Pick<LeadDoc, '_id' | 'email' | 'phone'>>(db, LEADS, emails, phones, contactFields);
  const waveMessageIds = (await byContact(db, WAVE_MESSAGES, emails, phones, { _id: 1 })).map((doc) => doc._id);
  const contacts: Contacts[] = [
    ...members.map(({ email, phone }) => ({ email, phone: phone ?? null })),
    ...entries,
    ...leads,
  ];
  const subscriberKeys = emails;
  const subscribers = await subscribersOf(deps, subscriberKeys);
  const subscriberIds = subscribers.map((subscriber) => subscriber._id);
  const clickEventIds = subscriberIds.length
    ? await ids(
        db
          .collection<ClickEventDocument>(CLICK_EVENTS)
          .find({ subscriber: { $in: subscriberIds } }, { projection: { _id: 1 } }),
      )
    : [];
  return {
    person,
    hashes,
    emails,
    phones,
    memberIds,
    membershipIds: audienceIds.flatMap((audienceId) => memberIds.map((id) => membershipId(audienceId, id))),
    recipientIds: campaignIds.flatMap((campaignId) => memberIds.map((id) => recipientId(campaignId, id))),
    entries: entries.map(({ _id, campaignId, userId }) => ({ _id, campaignId, userId })),
    entryIds: entries.map((entry) => entry._id),
    userIds: [...new Set(entries.map((entry) => entry.userId))],
    leadIds: leads.map((lead) => lead._id),
    waveMessageIds,
    subscribers,
    subscriberIds,
    subscriberKeys,
    clickEventIds,
    linked: {
      emails: [...new Set(contacts.flatMap((contact) => (contact.email ? [contact.email] : [])))],
      phones: [...new Set(contacts.flatMap((contact) => (contact.phone ? [contact.phone] : [])))],
    },
  };
}

/** Entries by e-mail (through each campaign's e-mail index) and by number. */
async function fanEntriesOf(db: Db, emails: string[], phones: string[]): Promise<(TrailEntry & Contacts)[]> {
  const entries = db.collection<FanEntryDoc>(FAN_ENTRIES);
  const projection = { _id: 1, campaignId: 1, userId: 1, email: 1, phone: 1 };
  const found: (TrailEntry & Contacts)[] = [];
  if (emails.length) {
    const campaignIds = await ids(db.collection(FAN_CAMPAIGNS).find({}, { projection: { _id: 1 } }));
    if (campaignIds.length) {
      found.push(
        ...(await entries.find({ campaignId: { $in: campaignIds }, email: { $in: emails } }, { projection }).toArray()),
      );
    }
  }
  if (phones.length) found.push(...(await entries.find({ phone: { $in: phones } }, { projection }).toArray()));
  return [...new Map(found.map((entry) => [entry._id, entry])).values()];
}

/**
 * The person's subscriber in every business unit, by the id their key gives there (a click event
 * names its subscriber by that id, whether or not the click sync wrote the subscriber document),
 * and the subscriber documents stored under their key.
 */
async function subscribersOf(deps: TrailDeps, keys: string[]): Promise<TrailSubscriber[]> {
  if (keys.length === 0) return [];
  const units = (await deps.sfmc.businessUnits()).map((unit) => unit.name);
  const stored = units.length
    ? await deps.db
        .collection<SubscriberDocument>(SUBSCRIBERS)
        .find({ bu: { $in: units }, subscriberKey: { $in: keys } }, { projection: { _id: 1, bu: 1, subscriberKey: 1 } })
        .toArray()
    : [];
  const derived = units.flatMap((bu) =>
    keys.map((subscriberKey) => ({ _id: subscriberId(bu, subscriberKey), bu, subscriberKey })),
  );
  return [...new Map([...derived, ...stored].map((subscriber) => [subscriber._id, subscriber])).values()];
}

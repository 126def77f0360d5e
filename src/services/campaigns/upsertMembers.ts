import type { AnyBulkWriteOperation, Db, Filter } from '../../datasources/store';
import { conflict } from '../../errors';
import { requireMembersFree } from './memberHolds';
import { recordUndo } from './memberUndo';
import { C, membershipId, newId, type MemberDoc, type MemberSnapshot, type MembershipDoc } from './model';

/** A member row ready to store: e-mail already normalized and validated. */
export interface MemberRow {
  email: string;
  name?: string | null;
  contact?: string | null;
  /** Absent: the file has no such column, and an overwrite keeps the member's. */
  phone?: string | null;
  timeZone?: string | null;
  smsConsentAt?: Date | null;
  attributes: Record<string, string>;
}

/** The SMS contact fields a row sets: only those its file has a column for. */
const contactFields = ({ phone, timeZone, smsConsentAt }: MemberRow) =>
  Object.fromEntries(Object.entries({ phone, timeZone, smsConsentAt }).filter(([, value]) => value !== undefined));

export interface UpsertCounts {
  created: number;
  updated: number;
  /** Rows whose e-mail matched an existing member (updated or left as it was). */
  existing: number;
  /** Rows that became new members of the audience (not already in it). */
  addedToAudience: number;
}

/** A member found by e-mail: what an import needs to check it, and to undo an overwrite. */
type FoundMember = Pick<MemberDoc, '_id' | 'email' | 'importId'> & Partial<MemberSnapshot>;

/**
 * Stores one batch of member rows (distinct e-mails) and puts them in an audience. Rows are
 * inserted as new members: the unique e-mail index refuses the e-mails that already have one
 * (or that a concurrent import created a moment ago), and only those are looked up, so a batch
 * of new members costs two inserts and no search. A caller expecting mostly existing members
 * (`expectExisting`) has the whole batch looked up first instead, which is cheaper than a
 * refused insert per row. Existing members are updated only when `overwrite`. Given an
 * `importId`, the batch is staged under it: the members it creates or overwrites carry its id,
 * and what a failure must undo is recorded first (memberUndo.ts); a member another unpublished
 * import wrote is CONFLICT; the memberships it adds are hidden until that import is published,
 * and with `replace` every membership it lists is marked as listed by it, so the ones it did
 * not list can be dropped once it is published. Memberships already there stay as they are
 * otherwise: a staged import never hides what readers saw before.
 */
export async function upsertMembersIntoAudience(
  db: Db,
  audienceId: string,
  rows: MemberRow[],
  options: { overwrite: boolean; importId?: string; replace?: boolean; now?: Date; expectExisting?: boolean },
): Promise<UpsertCounts> {
  const now = options.now ?? new Date();
  const { importId, overwrite } = options;
  const lookup = (emails: string[]) => existingMembers(db, emails, overwrite && importId !== undefined);
  const found = options.expectExisting ? await lookup(rows.map((row) => row.email)) : new Map<string, FoundMember>();
  const createdIds: string[] = [];
  let missing = rows.filter((row) => !found.has(row.email));
  while (missing.length > 0) {
    const docs = missing.map((row) => newMember(row, now, importId));
    if (importId) await recordUndo(db, importId, { created: docs.map((doc) => doc._id) });
    const refused = await insertNewMembers(db, docs);
    createdIds.push(...docs.filter((_, index) => !refused.has(index)).map((doc) => doc._id));
    const taken = await lookup(docs.filter((_, index) => refused.has(index)).map((doc) => doc.email));
    for (const [email, member] of taken) found.set(email, member);
    // refused, then gone: a member a failed import created and has just deleted, so it is created again
    missing = missing.filter((row, index) => refused.has(index) && !taken.has(row.email));
  }
  if (importId) await requireMembersFree(db, [...found.values()], importId);
  const known = rows.filter((row) => found.has(row.email));
  if (overwrite && known.length > 0) {
    if (importId) await recordUndo(db, importId, { previous: [...found.values()].map(snapshot) });
    await overwriteMembers(db, known, found, now, importId);
  }
  // members created just now cannot be in the audience yet: plain inserts, no upsert needed
  const staging = stagingOf(options);
  const memberIds = [...found.values()].map((member) => member._id);
  const addedToAudience =
    (await insertMemberships(db, audienceId, createdIds, now, staging)) +
    (await addMemberships(db, audienceId, memberIds, now, staging));
  return { created: createdIds.length, updated: overwrite ? known.length : 0, existing: known.length, addedToAudience };
}

function newMember(row: MemberRow, now: Date, importId: string | undefined): MemberDoc {
  const { email, name, contact, attributes } = row;
  const times = { createdAt: now, updatedAt: now, archivedAt: null };
  const doc: MemberDoc = { _id: newId(), email, name, contact, ...contactFields(row), attributes, ...times };
  if (importId) doc.importId = importId;
  return doc;
}

/**
 * Inserts members, unordered; answers the positions refused because their e-mail already has a
 * member (any other failure is thrown).
 */
async function insertNewMembers(db: Db, docs: MemberDoc[]): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await db.collection<MemberDoc>(C.members).insertMany(docs, { ordered: false });
    return new Set();
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code?: number; index: number }[] }).writeErrors;
    if (!Array.isArray(writeErrors) || writeErrors.length === 0 || writeErrors.some((e) => e.code !== 11000))
      throw error;
    return new Set(writeErrors.map((e) => e.index));
  }
}

/** The members with these e-mails, by e-mail; with `asBefore`, with the fields an overwrite changes. */
async function existingMembers(db: Db, emails: string[], asBefore: boolean): Promise<Map<string, FoundMember>> {
  if (emails.length === 0) return new Map();
  const fields = asBefore
    ? { name: 1, contact: 1, phone: 1, timeZone: 1, smsConsentAt: 1, attributes: 1, updatedAt: 1, archivedAt: 1 }
    : {};
  const found = await db
    .collection<MemberDoc>(C.members)
    .find({ email: { $in: emails } }, { projection: { _id: 1, email: 1, importId: 1, ...fields } })
    .toArray();
  return new Map(found.map((doc) => [doc.email, doc]));
}

function snapshot(member: FoundMember): MemberSnapshot {
  const { _id, name, contact, phone, timeZone, smsConsentAt, attributes, updatedAt, archivedAt, importId } = member;
  const sms = Object.fromEntries(
    Object.entries({ phone, timeZone, smsConsentAt }).filter(([, value]) => value !== undefined),
  );
  return { _id, name, contact, ...sms, attributes: attributes ?? {}, updatedAt: updatedAt!, archivedAt, importId };
}

/**
 * Overwrites members. For an import, each update matches the member only as it was looked up,
 * so what the undo recorded is what was replaced: a member changed in between is CONFLICT.
 */
async function overwriteMembers(
  db: Db,
  rows: MemberRow[],
  found: Map<string, FoundMember>,
  now: Date,
  importId: string | undefined,
): Promise<void> {
  const updates: AnyBulkWriteOperation<MemberDoc>[] = [];
  for (const row of rows) {
    const member = found.get(row.email)!;
    const fields = {
      name: row.name,
      contact: row.contact,
      ...contactFields(row),
      attributes: row.attributes,
      updatedAt: now,
      archivedAt: null,
    };
    const asLookedUp = { importId: member.importId ?? null, updatedAt: member.updatedAt ?? null };
    const filter = (importId ? { _id: member._id, ...asLookedUp } : { _id: member._id }) as Filter<MemberDoc>;
    updates.push({ updateOne: { filter, update: { $set: importId ? { ...fields, importId } : fields } } });
  }
  const result = await db.collection<MemberDoc>(C.members).bulkWrite(updates, { ordered: false });
  if (result.matchedCount < updates.length) {
    const changed = updates.length - result.matchedCount;
    throw conflict(`${changed} of the file's members were changed while it was imported; import it again`);
  }
}

/** How an import's writes mark the memberships: staged under its id, and listed by it for a REPLACE. */
interface Staging {
  importId?: string;
  listedBy?: string;
}

const stagingOf = (options: { importId?: string; replace?: boolean }): Staging =>
  options.importId ? { importId: options.importId, ...(options.replace ? { listedBy: options.importId } : {}) } : {};

async function insertMemberships(db: Db, audienceId: string, memberIds: string[], now: Date, staging: Staging) {
  if (memberIds.length === 0) return 0;
  const docs: MembershipDoc[] = memberIds.map((memberId) => ({
    _id: membershipId(audienceId, memberId),
    audienceId,
    memberId,
    addedAt: now,
    ...staging,
  }));
  await db.collection<MembershipDoc>(C.memberships).insertMany(docs, { ordered: false });
  return docs.length;
}

/** Upserts memberships by their deterministic id; answers how many were new. */
export async function addMemberships(
  db: Db,
  audienceId: string,
  memberIds: string[],
  now: Date,
  staging: Staging = {},
): Promise<number> {
  if (memberIds.length === 0) return 0;
  const { listedBy, ...added } = staging;
  const operations: AnyBulkWriteOperation<MembershipDoc>[] = memberIds.map((memberId) => ({
    updateOne: {
      filter: { _id: membershipId(audienceId, memberId) },
      update: {
        $setOnInsert: { audienceId, memberId, addedAt: now, ...added },
        ...(listedBy ? { $set: { listedBy } } : {}),
      },
      upsert: true,
    },
  }));
  const result = await db.collection<MembershipDoc>(C.memberships).bulkWrite(operations, { ordered: false });
  return result.upsertedCount;
}

export async function removeMemberships(db: Db, audienceId: string, memberIds: string[]): Promise<number> {
  const result = await db
    .collection<MembershipDoc>(C.memberships)
    .deleteMany({ _id: { $in: memberIds.map((memberId) => membershipId(audienceId, memberId)) } });
  return result.deletedCount;
}

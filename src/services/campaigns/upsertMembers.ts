import type { AnyBulkWriteOperation, Db } from '../../datasources/store';
import { C, membershipId, newId, type MemberDoc, type MembershipDoc } from './model';

/** A member row ready to store: e-mail already normalized and validated. */
export interface MemberRow {
  email: string;
  name?: string | null;
  contact?: string | null;
  attributes: Record<string, string>;
}

export interface UpsertCounts {
  created: number;
  updated: number;
  /** Rows whose e-mail matched an existing member (updated or left as it was). */
  existing: number;
  /** Rows that became new members of the audience (not already in it). */
  addedToAudience: number;
}

/**
 * Stores one batch of member rows (distinct e-mails) and puts them in an audience. Rows are
 * inserted as new members: the unique e-mail index refuses the e-mails that already have one
 * (or that a concurrent import created a moment ago), and only those are looked up, so a batch
 * of new members costs two inserts and no search. A caller expecting mostly existing members
 * (`expectExisting`) has the whole batch looked up first instead, which is cheaper than a
 * refused insert per row. Existing members are updated only when `overwrite`. Given an
 * `importId`, the memberships this batch adds are staged under it (hidden until that import is
 * published), and with `replace` every membership it lists is marked as listed by it, so the
 * ones it did not list can be dropped once it is published. Memberships already there stay
 * as they are otherwise: a staged import never hides what readers saw before.
 */
export async function upsertMembersIntoAudience(
  db: Db,
  audienceId: string,
  rows: MemberRow[],
  options: { overwrite: boolean; importId?: string; replace?: boolean; now?: Date; expectExisting?: boolean },
): Promise<UpsertCounts> {
  const now = options.now ?? new Date();
  const ids = options.expectExisting ? await existingIds(db, rows.map((row) => row.email)) : new Map<string, string>();
  const docs = rows.filter((row) => !ids.has(row.email)).map((row) => newMember(row, now));
  const refused = await insertNewMembers(db, docs);
  const createdIds = docs.filter((_, index) => !refused.has(index)).map((doc) => doc._id);
  const taken = await existingIds(db, docs.filter((_, index) => refused.has(index)).map((doc) => doc.email));
  for (const [email, id] of taken) ids.set(email, id);
  const known = rows.filter((row) => ids.has(row.email));
  if (options.overwrite && known.length > 0) await overwriteMembers(db, known, ids, now);
  // members created just now cannot be in the audience yet: plain inserts, no upsert needed
  const staging = stagingOf(options);
  const addedToAudience =
    (await insertMemberships(db, audienceId, createdIds, now, staging)) +
    (await addMemberships(db, audienceId, [...ids.values()], now, staging));
  return { created: createdIds.length, updated: options.overwrite ? known.length : 0, existing: known.length, addedToAudience };
}

function newMember(row: MemberRow, now: Date): MemberDoc {
  return { _id: newId(), email: row.email, name: row.name, contact: row.contact, attributes: row.attributes, createdAt: now, updatedAt: now, archivedAt: null };
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
    if (!Array.isArray(writeErrors) || writeErrors.length === 0 || writeErrors.some((e) => e.code !== 11000)) throw error;
    return new Set(writeErrors.map((e) => e.index));
  }
}

async function existingIds(db: Db, emails: string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const found = await db
    .collection<MemberDoc>(C.members)
    .find({ email: { $in: emails } }, { projection: { _id: 1, email: 1 } })
    .toArray();
  return new Map(found.map((doc) => [doc.email, doc._id]));
}

async function overwriteMembers(db: Db, rows: MemberRow[], ids: Map<string, string>, now: Date): Promise<void> {
  const updates: AnyBulkWriteOperation<MemberDoc>[] = [];
  for (const row of rows) {
    const _id = ids.get(row.email)!;
    const fields = { name: row.name, contact: row.contact, attributes: row.attributes, updatedAt: now, archivedAt: null };
    updates.push({ updateOne: { filter: { _id }, update: { $set: fields } } });
  }
  await db.collection<MemberDoc>(C.members).bulkWrite(updates, { ordered: false });
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

import type { AnyBulkWriteOperation, Db } from 'mongodb';
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
 * Stores one batch of member rows (distinct e-mails) and puts them in an audience, in four bulk
 * round trips whatever the batch size: find existing by e-mail, insert the new ones, update the
 * existing ones (only when `overwrite`), upsert the memberships. Memberships get `importId` so a
 * REPLACE import can drop the ones it did not touch afterwards.
 */
export async function upsertMembersIntoAudience(
  db: Db,
  audienceId: string,
  rows: MemberRow[],
  options: { overwrite: boolean; importId?: string; now?: Date },
): Promise<UpsertCounts> {
  const now = options.now ?? new Date();
  const members = db.collection<MemberDoc>(C.members);
  const ids = await existingIds(db, rows.map((row) => row.email));
  const fresh = rows.filter((row) => !ids.has(row.email));
  const known = rows.filter((row) => ids.has(row.email));
  let created = 0;
  const createdIds: string[] = [];
  if (fresh.length > 0) {
    const docs: MemberDoc[] = fresh.map((row) => ({ ...row, _id: newId(), createdAt: now, updatedAt: now, archivedAt: null }));
    created = await insertIgnoringDuplicates(db, docs);
    if (created === docs.length) {
      for (const doc of docs) createdIds.push(doc._id);
    } else {
      // another import created some of these e-mails meanwhile: their ids are the stored ones
      const stored = await existingIds(db, fresh.map((row) => row.email));
      for (const [email, id] of stored) ids.set(email, id);
    }
  }
  if (options.overwrite && known.length > 0) {
    await members.bulkWrite(
      known.map((row) => ({
        updateOne: {
          filter: { _id: ids.get(row.email)! },
          update: { $set: { name: row.name, contact: row.contact, attributes: row.attributes, updatedAt: now, archivedAt: null } },
        },
      })),
      { ordered: false },
    );
  }
  // members created just now cannot be in the audience yet: plain inserts, no upsert needed
  const addedToAudience =
    (await insertMemberships(db, audienceId, createdIds, now, options.importId)) +
    (await addMemberships(db, audienceId, [...ids.values()], now, options.importId));
  return { created, updated: options.overwrite ? known.length : 0, existing: known.length, addedToAudience };
}

async function existingIds(db: Db, emails: string[]): Promise<Map<string, string>> {
  const found = await db
    .collection<MemberDoc>(C.members)
    .find({ email: { $in: emails } }, { projection: { _id: 1, email: 1 } })
    .toArray();
  return new Map(found.map((doc) => [doc.email, doc._id]));
}

async function insertIgnoringDuplicates(db: Db, docs: MemberDoc[]): Promise<number> {
  try {
    const result = await db.collection<MemberDoc>(C.members).insertMany(docs, { ordered: false });
    return result.insertedCount;
  } catch (error) {
    const bulk = error as { code?: number; result?: { insertedCount?: number }; insertedCount?: number; writeErrors?: unknown[] };
    const duplicatesOnly = bulk.code === 11000 || (Array.isArray(bulk.writeErrors) && bulk.writeErrors.every((e) => (e as { code?: number }).code === 11000));
    if (!duplicatesOnly) throw error;
    return bulk.result?.insertedCount ?? bulk.insertedCount ?? 0;
  }
}

async function insertMemberships(db: Db, audienceId: string, memberIds: string[], now: Date, importId?: string): Promise<number> {
  if (memberIds.length === 0) return 0;
  const docs: MembershipDoc[] = memberIds.map((memberId) => ({ _id: membershipId(audienceId, memberId), audienceId, memberId, addedAt: now, ...(importId ? { importId } : {}) }));
  await db.collection<MembershipDoc>(C.memberships).insertMany(docs, { ordered: false });
  return docs.length;
}

/** Upserts memberships by their deterministic id; answers how many were new. */
export async function addMemberships(db: Db, audienceId: string, memberIds: string[], now: Date, importId?: string): Promise<number> {
  if (memberIds.length === 0) return 0;
  const operations: AnyBulkWriteOperation<MembershipDoc>[] = memberIds.map((memberId) => ({
    updateOne: {
      filter: { _id: membershipId(audienceId, memberId) },
      update: {
        $setOnInsert: { audienceId, memberId, addedAt: now },
        ...(importId ? { $set: { importId } } : {}),
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

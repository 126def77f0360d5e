import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { C, recipientId, type CampaignDoc, type MemberDoc, type RecipientDoc } from './model';

const CHUNK = 5000;

/**
 * Freezes a campaign's audience into `campaign_recipients`: the union of its audiences'
 * memberships, grouped by member (members are unique by normalized e-mail, and the e-mail set
 * below guards that again), archived members left out. Recipients are upserted by their
 * deterministic id with $setOnInsert, so running it again after a crash completes the set
 * without duplicating or resetting anyone. Answers the audience size.
 */
export async function freezeAudience(db: Db, campaign: CampaignDoc, onProgress?: (frozen: number) => Promise<void>): Promise<number> {
  const memberIds = db
    .collection(C.memberships)
    .aggregate<{ _id: string }>([{ $match: { audienceId: { $in: campaign.audienceIds } } }, { $group: { _id: '$memberId' } }]);
  const emails = new Set<string>();
  let chunk: string[] = [];
  let frozen = 0;
  const flush = async () => {
    frozen += await freezeChunk(db, campaign._id, chunk, emails);
    chunk = [];
    await onProgress?.(frozen);
  };
  for await (const { _id } of memberIds) {
    chunk.push(_id);
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  return db.collection<RecipientDoc>(C.recipients).countDocuments({ campaignId: campaign._id });
}

async function freezeChunk(db: Db, campaignId: string, memberIds: string[], emails: Set<string>): Promise<number> {
  const members = await db
    .collection<MemberDoc>(C.members)
    .find({ _id: { $in: memberIds }, archivedAt: null }, { projection: { _id: 1, email: 1, name: 1, attributes: 1 } })
    .toArray();
  const operations: AnyBulkWriteOperation<RecipientDoc>[] = [];
  for (const member of members) {
    if (emails.has(member.email)) continue;
    emails.add(member.email);
    operations.push({
      updateOne: {
        filter: { _id: recipientId(campaignId, member._id) },
        update: {
          $setOnInsert: {
            campaignId,
            memberId: member._id,
            email: member.email,
            name: member.name ?? null,
            attributes: member.attributes ?? {},
            status: 'PENDING',
            opened: false,
            clicked: false,
            converted: false,
          },
        },
        upsert: true,
      },
    });
  }
  if (operations.length > 0) await db.collection<RecipientDoc>(C.recipients).bulkWrite(operations, { ordered: false });
  return operations.length;
}

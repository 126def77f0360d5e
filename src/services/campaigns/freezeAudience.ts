import type { Db } from 'mongodb';
import { C, recipientId, type CampaignDoc, type MemberDoc, type RecipientDoc } from './model';

// 1,000 keeps the `$in` of a chunk within what the embedded planner serves from an index
const CHUNK = 1000;

/**
 * Freezes a campaign's audience into `campaign_recipients`: the union of its audiences'
 * memberships, grouped by member (members are unique by normalized e-mail, and the e-mail set
 * below guards that again), archived members left out. Recipients have deterministic ids and
 * are inserted in bulk; a recipient already there (a crash during an earlier freeze) is kept as
 * it is, so running it again completes the set without duplicating or resetting anyone.
 * Answers the audience size.
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
  const recipients: RecipientDoc[] = [];
  for (const member of members) {
    if (emails.has(member.email)) continue;
    emails.add(member.email);
    recipients.push({
      _id: recipientId(campaignId, member._id),
      campaignId,
      memberId: member._id,
      email: member.email,
      name: member.name ?? null,
      attributes: member.attributes ?? {},
      status: 'PENDING',
      opened: false,
      clicked: false,
      converted: false,
    });
  }
  if (recipients.length > 0) await insertKeepingExisting(db, recipients);
  return recipients.length;
}

/**
 * Inserts recipients; one frozen by an earlier, interrupted freeze stays as it is (it may have
 * been sent since), so duplicate-key errors are expected and ignored, any other error is not.
 */
async function insertKeepingExisting(db: Db, recipients: RecipientDoc[]): Promise<void> {
  try {
    await db.collection<RecipientDoc>(C.recipients).insertMany(recipients, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
    const duplicatesOnly =
      (error as { code?: number }).code === 11000 && (!Array.isArray(writeErrors) || writeErrors.every((e) => e.code === 11000));
    if (!duplicatesOnly) throw error;
  }
}

import type { Db } from 'mongodb';
import { C, recipientId, type CampaignDoc, type MemberDoc, type MembershipDoc, type RecipientDoc } from './model';

// Within the embedded planner's 10,000 index points per `$in`, and few enough commits that the
// per-commit sync stays a small share of the freeze.
const CHUNK = 5000;

/**
 * Freezes a campaign's audience into `campaign_recipients`: the union of its audiences'
 * memberships, each member once (members are unique by normalized e-mail, and the e-mail set
 * below guards that again), archived members left out. Recipients have deterministic ids and
 * are inserted in bulk; a recipient already there (a crash during an earlier freeze) is kept as
 * it is, so running it again completes the set without duplicating or resetting anyone.
 * One streaming pass: a chunk's members are read while the previous chunk's insert commits.
 * Answers the audience size.
 */
export async function freezeAudience(db: Db, campaign: CampaignDoc, onProgress?: (frozen: number) => Promise<void>): Promise<number> {
  const recipients = db.collection<RecipientDoc>(C.recipients);
  // a fresh freeze whose inserts all went in counts its recipients rather than reading them back
  const resumed = (await recipients.findOne({ campaignId: campaign._id }, { projection: { _id: 1 } })) !== null;
  const emails = new Set<string>();
  let chunk: string[] = [];
  let frozen = 0;
  let keptExisting = false;
  let inserting: Promise<void> = Promise.resolve();
  const flush = async () => {
    const fresh = recipientsOf(campaign._id, await readMembers(db, chunk), emails);
    chunk = [];
    // The e-mail set is updated before the insert starts, so chunks never race on it; one
    // insert at a time keeps the store's commits in order and errors surfacing here.
    await inserting;
    await onProgress?.(frozen);
    frozen += fresh.length;
    inserting = insertKeepingExisting(db, fresh).then((kept) => {
      keptExisting ||= kept;
    });
    inserting.catch(() => undefined);
  };
  for await (const memberId of distinctMembers(db, campaign.audienceIds)) {
    chunk.push(memberId);
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  await inserting;
  await onProgress?.(frozen);
  return resumed || keptExisting ? recipients.countDocuments({ campaignId: campaign._id }) : frozen;
}

/**
 * The members of the audiences, each once: one index range per audience (several ranges in one
 * query would make the store remember every membership it returned to drop repeats; this set
 * holds each member once instead). Only memberId is read, which the (audienceId, memberId)
 * index holds: the memberships themselves are not read (a covered query).
 */
async function* distinctMembers(db: Db, audienceIds: string[]): AsyncGenerator<string> {
  const seen = new Set<string>();
  for (const audienceId of new Set(audienceIds)) {
    const memberships = db.collection<MembershipDoc>(C.memberships).find({ audienceId }, { projection: { _id: 0, memberId: 1 } });
    for await (const { memberId } of memberships) {
      if (seen.has(memberId)) continue;
      seen.add(memberId);
      yield memberId;
    }
  }
}

/**
 * The active members among `memberIds`. Filtered here rather than in the query: an `_id`-only
 * `$in` is answered by index points without testing each document, and whole documents skip
 * the projection pass.
 */
async function readMembers(db: Db, memberIds: string[]): Promise<MemberDoc[]> {
  const members = await db.collection<MemberDoc>(C.members).find({ _id: { $in: memberIds } }).toArray();
  return members.filter((member) => member.archivedAt === null || member.archivedAt === undefined);
}

/** New recipients for members whose e-mail is not frozen yet (the set is updated here). */
function recipientsOf(campaignId: string, members: MemberDoc[], emails: Set<string>): RecipientDoc[] {
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
  return recipients;
}

/**
 * Inserts recipients; one frozen by an earlier, interrupted freeze stays as it is (it may have
 * been sent since), so duplicate-key errors are expected and ignored, any other error is not.
 * Answers whether any recipient was already there.
 */
async function insertKeepingExisting(db: Db, recipients: RecipientDoc[]): Promise<boolean> {
  if (recipients.length === 0) return false;
  try {
    await db.collection<RecipientDoc>(C.recipients).insertMany(recipients, { ordered: false });
    return false;
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
    const duplicatesOnly =
      (error as { code?: number }).code === 11000 && (!Array.isArray(writeErrors) || writeErrors.every((e) => e.code === 11000));
    if (!duplicatesOnly) throw error;
    return true;
  }
}

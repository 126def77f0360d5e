import type { Db } from '../../datasources/store';
import {
  archivedMemberFilter,
  C,
  recipientId,
  type CampaignDoc,
  type MemberDoc,
  type MembershipDoc,
  type RecipientDoc,
} from './model';
import { membershipView } from './visibleMemberships';

// Few enough commits that the per-commit sync stays a small share of the freeze.
const CHUNK = 5000;

/**
 * Freezes a campaign's audience into `campaign_recipients`: the union of its audiences'
 * memberships, each member once, archived members left out. Members are unique by normalized
 * e-mail, so each member once is each e-mail once. Recipients have deterministic ids and are
 * inserted in bulk; a recipient already there (a crash during an earlier freeze) is kept as it
 * is, so running it again completes the set without duplicating or resetting anyone. Neither
 * memberships nor members are read whole: member ids come from the (audience, member) index and
 * archived ones from the members' partial index on archivedAt. One streaming pass: a chunk's
 * recipients are built while the previous chunk's insert commits. Answers the audience size.
 */
export async function freezeAudience(
  db: Db,
  campaign: CampaignDoc,
  onProgress?: (frozen: number) => Promise<void>,
): Promise<number> {
  const recipients = db.collection<RecipientDoc>(C.recipients);
  // a fresh freeze whose inserts all went in counts its recipients rather than reading them back
  const resumed = (await recipients.findOne({ campaignId: campaign._id }, { projection: { _id: 1 } })) !== null;
  const archived = await archivedMembers(db);
  let chunk: RecipientDoc[] = [];
  let frozen = 0;
  let keptExisting = false;
  let inserting: Promise<void> = Promise.resolve();
  const flush = async () => {
    const fresh = chunk;
    chunk = [];
    // one insert at a time keeps the store's commits in order and errors surfacing here
    await inserting;
    await onProgress?.(frozen);
    frozen += fresh.length;
    inserting = insertKeepingExisting(db, fresh).then((kept) => {
      keptExisting ||= kept;
    });
    inserting.catch(() => undefined);
  };
  for await (const memberIds of distinctMembers(db, campaign.audienceIds)) {
    for (const memberId of memberIds) {
      if (archived.has(memberId)) continue;
      chunk.push(newRecipient(campaign._id, memberId));
      if (chunk.length >= CHUNK) await flush();
    }
  }
  if (chunk.length > 0) await flush();
  await inserting;
  await onProgress?.(frozen);
  return resumed || keptExisting ? recipients.countDocuments({ campaignId: campaign._id }) : frozen;
}

/**
 * The members of the audiences, each once, in chunks: one index range per audience (several
 * ranges in one query would make the store remember every membership it returned to drop
 * repeats; this set holds each member once instead). Only memberId is read, which the
 * (audienceId, memberId) index holds: the memberships themselves are not read (a covered
 * query), except for an audience an import holds, whose published memberships are told apart by
 * their fields. An import may take hold of an audience while it is read: each chunk is handed
 * on only once the audience's mark (visibleMemberships.ts) is found unchanged since the read
 * began, and a read that finds it changed starts again with the new filter, so no staged row
 * is ever frozen.
 */
async function* distinctMembers(db: Db, audienceIds: string[]): AsyncGenerator<string[]> {
  const seen = new Set<string>();
  for (const audienceId of new Set(audienceIds)) yield* audienceChunks(db, audienceId, seen);
}

/** One audience's members not in `seen`, in chunks, each added to `seen` as it is handed on. */
async function* audienceChunks(db: Db, audienceId: string, seen: Set<string>): AsyncGenerator<string[]> {
  const memberships = db.collection<MembershipDoc>(C.memberships);
  for (let view = await membershipView(db, audienceId); ;) {
    const read = view;
    const unchanged = async () => (view = await membershipView(db, audienceId)).mark === read.mark;
    let pending: string[] = [];
    let changed = false;
    for await (const { memberId } of memberships.find(read.filter, { projection: { _id: 0, memberId: 1 } })) {
      if (seen.has(memberId)) continue;
      pending.push(memberId);
      if (pending.length < CHUNK) continue;
      if ((changed = !(await unchanged()))) break;
      yield handOn(pending, seen);
      pending = [];
    }
    if (changed || !(await unchanged())) continue;
    yield handOn(pending, seen);
    return;
  }
}

function handOn(memberIds: string[], seen: Set<string>): string[] {
  for (const memberId of memberIds) seen.add(memberId);
  return memberIds;
}

/** Ids of archived members, from the partial index that holds only them (a covered query). */
async function archivedMembers(db: Db): Promise<Set<string>> {
  const archived = db.collection<MemberDoc>(C.members).find(archivedMemberFilter, { projection: { _id: 1 } });
  const ids = new Set<string>();
  for await (const { _id } of archived) ids.add(_id);
  return ids;
}

function newRecipient(campaignId: string, memberId: string): RecipientDoc {
  return {
    _id: recipientId(campaignId, memberId),
    campaignId,
    memberId,
    status: 'PENDING',
    opened: false,
    clicked: false,
    converted: false,
  };
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
      (error as { code?: number }).code === 11000 &&
      (!Array.isArray(writeErrors) || writeErrors.every((e) => e.code === 11000));
    if (!duplicatesOnly) throw error;
    return true;
  }
}

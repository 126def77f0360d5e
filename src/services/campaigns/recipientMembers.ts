import type { Db } from '../../datasources/store';
import { C, type MemberDoc, type RecipientDoc } from './model';

export type RecipientMember = Pick<
  MemberDoc,
  '_id' | 'email' | 'name' | 'attributes' | 'archivedAt' | 'phone' | 'timeZone' | 'smsConsentAt'
>;

/**
 * The members of some recipients, by member id, in one `$in`: who a recipient is lives on its
 * member, read when a message is rendered or texted and when recipients are listed or exported.
 */
export async function membersOf(
  db: Db,
  recipients: Pick<RecipientDoc, 'memberId'>[],
): Promise<Map<string, RecipientMember>> {
  if (recipients.length === 0) return new Map();
  const members = await db
    .collection<MemberDoc>(C.members)
    .find(
      { _id: { $in: recipients.map((recipient) => recipient.memberId) } },
      { projection: { email: 1, name: 1, attributes: 1, archivedAt: 1, phone: 1, timeZone: 1, smsConsentAt: 1 } },
    )
    .toArray();
  return new Map(members.map((member) => [member._id, member]));
}

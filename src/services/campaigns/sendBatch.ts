import type { MessagingPort, OutboundMessage, SendResult } from '../../datasources/messaging/port';
import type { Db } from '../../datasources/store';
import type { JobContext } from '../../jobs/jobType';
import type { SuppressionList } from '../suppression/suppressionList';
import { markRecipients, movableRecipients } from './markRecipients';
import { C, type CampaignDoc, type RecipientDoc, type RecipientStatus } from './model';
import { membersOf, type RecipientMember } from './recipientMembers';
import { renderMessage } from './render';
import type { CampaignTexts } from './sms/campaignTexts';
import type { TrackingSite } from './trackingSite';
import { signTrackingToken } from './trackingTokens';

const BATCH_SIZE = 200;
/** Provider calls in flight at once within a batch. */
const PARALLEL_SENDS = 16;
/** Provider errors that are about this one message: the recipient is FAILED, the send goes on. */
const recipientErrors = new Set(['MessageRejected', 'BadRequestException', 'InvalidParameterValue']);
const PENDING: RecipientStatus[] = ['PENDING'];

/** What a campaign send uses: the store, the messaging port, where tracking links point and who is suppressed. */
export interface SendDeps {
  db: Db;
  messaging: MessagingPort;
  site: TrackingSite;
  /** Erased people: never sent to, whatever audience they are in again. */
  suppressions: SuppressionList;
  /** MOBILE campaigns' texts, through the SMS waves; absent where the service runs without them. */
  texts?: CampaignTexts;
}

export type StopReason = 'PAUSED' | 'CANCELLED' | 'SUPERSEDED';

/**
 * Sends every PENDING recipient in batches by id: render from the member as it is now (one
 * archived since the freeze, or on the suppression list, is SKIPPED), hand to the messaging port
 * with the recipient id as idempotency key, then mark the batch in one commit with the count of
 * those sent (markRecipients.ts). A crash between the send and the mark leaves the recipient
 * PENDING; the next run sends again with the same key, which the port answers as a duplicate
 * without delivering twice. Between batches it reports progress (which also throws if the job
 * was cancelled) and stops when the campaign was paused, cancelled or taken over by a newer send
 * job.
 */
export async function sendPendingRecipients(
  deps: SendDeps,
  campaign: CampaignDoc,
  secret: string,
  context: JobContext,
  now: () => Date,
): Promise<{ stopped?: StopReason; sent: number }> {
  const recipients = deps.db.collection<RecipientDoc>(C.recipients);
  const total = campaign.audienceSize ?? 0;
  let done = await recipients.countDocuments({ campaignId: campaign._id, status: { $ne: 'PENDING' } });
  let sent = 0;
  let lastId = '';
  for (;;) {
    const stopped = await stopReason(deps.db, campaign);
    if (stopped) return { stopped, sent };
    const batch = await recipients
      .find(
        { campaignId: campaign._id, status: 'PENDING', _id: { $gt: lastId } },
        { sort: { _id: 1 }, limit: BATCH_SIZE },
      )
      .toArray();
    if (batch.length === 0) return { sent };
    lastId = batch[batch.length - 1]._id;
    const members = await membersOf(deps.db, batch);
    const suppressed = await suppressedMembers(deps.suppressions, members);
    const outcomes = await mapLimit(batch, PARALLEL_SENDS, (recipient) => {
      // a member archived since the freeze, or suppressed, is not sent to
      const member = members.get(recipient.memberId);
      return member && !member.archivedAt && !suppressed.has(member._id)
        ? sendOne(deps, campaign, recipient, member, secret)
        : Promise.resolve<RecipientStatus>('SKIPPED');
    });
    const sentAt = now();
    const ids = batch.map((recipient) => recipient._id);
    const marks = ids.map((recipientId, index) => ({ recipientId, set: { status: outcomes[index]!, sentAt } }));
    await markRecipients(deps.db, campaign._id, marks, PENDING, await movableRecipients(deps.db, ids, PENDING));
    sent += outcomes.filter((status) => status === 'SENT').length;
    done += batch.length;
    await context.setStats({ audienceSize: total, processed: done });
    await context.progress(total === 0 ? 1 : Math.min(done / total, 1), `sent ${done} of ${total}`);
  }
}

/** The ids of the members whose e-mail is on the suppression list: one read per batch. */
async function suppressedMembers(
  suppressions: SuppressionList,
  members: Map<string, RecipientMember>,
): Promise<Set<string>> {
  const listed = [...members.values()];
  const flags = await suppressions.suppressed(listed.map((member) => ({ email: member.email })));
  return new Set(listed.filter((_member, index) => flags[index]).map((member) => member._id));
}

async function stopReason(db: Db, campaign: CampaignDoc): Promise<StopReason | undefined> {
  const current = await db
    .collection<CampaignDoc>(C.campaigns)
    .findOne({ _id: campaign._id }, { projection: { status: 1, sendKey: 1 } });
  if (!current || current.status === 'CANCELLED') return 'CANCELLED';
  if (current.status === 'PAUSED') return 'PAUSED';
  if (current.status !== 'SENDING' || current.sendKey !== campaign.sendKey) return 'SUPERSEDED';
  return undefined;
}

async function sendOne(
  deps: SendDeps,
  campaign: CampaignDoc,
  recipient: RecipientDoc,
  member: RecipientMember,
  secret: string,
): Promise<RecipientStatus> {
  const base = deps.site.baseUrl;
  const token = signTrackingToken(secret, { campaignId: campaign._id, memberId: recipient.memberId });
  const rendered = renderMessage(
    campaign.content!,
    { email: member.email, name: member.name, attributes: member.attributes ?? {} },
    {
      open: `${base}/o/${token}.gif`,
      click: (index) => `${base}/c/${token}?l=${index}`,
    },
  );
  const message: OutboundMessage = {
    channel: 'EMAIL',
    to: member.email,
    ...rendered,
    metadata: { campaignId: campaign._id, recipientId: recipient._id, senderId: campaign.senderId },
  };
  let result: SendResult;
  try {
    result = await deps.messaging.send(message, { idempotencyKey: recipient._id });
  } catch (error) {
    if (recipientErrors.has((error as Error).name)) return 'FAILED';
    throw error;
  }
  return result.status;
}

async function mapLimit<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

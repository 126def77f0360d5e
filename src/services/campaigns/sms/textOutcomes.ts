import type { Db, Filter } from '../../../datasources/store';
import { WAVE_MESSAGES, type WaveMessageDoc } from '../../waves/model';
import { markRecipients, movableRecipients, type RecipientMark } from '../markRecipients';
import { recipientId, type RecipientDoc, type RecipientStatus } from '../model';

/** Recipients written together. */
const BATCH = 1000;
/** The statuses a text's outcome may still move a recipient from: the others are final. */
const UNSETTLED: RecipientStatus[] = ['PENDING', 'UNCERTAIN'];

type TextOutcome = Pick<RecipientDoc, 'status' | 'sentAt' | 'reason'>;

/**
 * A campaign recipient's status from its text, as for an e-mail: SENT once the provider accepted
 * it (what became of it after, delivered or not, is the text's own status), FAILED when it never
 * was, UNCERTAIN while nobody knows, SKIPPED with the reason when it was not sent (opted out
 * meanwhile, expired, cancelled). Null while the text is still to be sent.
 */
export function textOutcome(message: Pick<WaveMessageDoc, 'status' | 'sentAt' | 'reason'>): TextOutcome | null {
  const sent = (status: RecipientStatus): TextOutcome => ({ status, sentAt: message.sentAt, reason: null });
  const notSent = (status: RecipientStatus, reason: string | null): TextOutcome => ({ status, sentAt: null, reason });
  switch (message.status) {
    case 'PENDING':
    case 'SENDING':
      return null;
    case 'SENT':
    case 'DELIVERED':
    case 'UNDELIVERED':
      return sent('SENT');
    case 'FAILED':
      return message.sentAt ? sent('SENT') : notSent('FAILED', message.reason);
    case 'UNCERTAIN':
      return notSent('UNCERTAIN', message.reason);
    case 'EXPIRED':
      return notSent('SKIPPED', 'EXPIRED');
    default:
      return notSent('SKIPPED', message.reason);
  }
}

/**
 * Writes each text's outcome on its campaign recipient (the text's `userId` is the member) once
 * the wave ended: recipients still PENDING or UNCERTAIN move, the others are final, and those
 * moved to SENT are counted in the campaign's totals in the same commit (markRecipients.ts). One
 * pass over the wave's messages (a range of the _id index). Idempotent; answers how many
 * recipients moved.
 */
export async function recordTextOutcomes(db: Db, campaignId: string, waveId: string): Promise<number> {
  const range = { _id: { $gt: `${waveId}:`, $lt: `${waveId};` } } as Filter<WaveMessageDoc>;
  const messages = db
    .collection<WaveMessageDoc>(WAVE_MESSAGES)
    .find(range, { projection: { status: 1, sentAt: 1, reason: 1, userId: 1 } });
  let batch: RecipientMark[] = [];
  let moved = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const movable = await movableRecipients(
      db,
      batch.map((mark) => mark.recipientId),
      UNSETTLED,
    );
    moved += await markRecipients(db, campaignId, batch, UNSETTLED, movable);
    batch = [];
  };
  for await (const message of messages) {
    const outcome = textOutcome(message);
    if (!outcome || !message.userId) continue;
    batch.push({ recipientId: recipientId(campaignId, message.userId), set: outcome });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return moved;
}

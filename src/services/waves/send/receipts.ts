import type { MessagingPort } from '../../../datasources/messaging/port';
import { isForward, type SmsDeliveryStatus, type SmsStatusEvent } from '../../../datasources/sms';
import type { Db } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc, type WaveMessageStatus } from '../model';
import { fallbackEmailOf, sendFallbackEmail } from './fallbackEmail';
import type { WaveSendMetrics } from './metrics';
import type { OptOutList } from './optOutList';
import type { MessageTransitions } from './transitions';

const RECEIPT_STATUS: Record<SmsStatusEvent['status'], WaveMessageStatus> = {
  sent: 'SENT',
  delivered: 'DELIVERED',
  undelivered: 'UNDELIVERED',
  failed: 'FAILED',
};

/**
 * Where a message stands at the provider, as far as the wave knows. Unsent, claimed or uncertain:
 * nothing known (a receipt proves the text went). A FAILED or FALLBACK_EMAIL message that was
 * never accepted has no text at the provider: no receipt applies to it.
 */
function providerStatusOf(message: WaveMessageDoc): SmsDeliveryStatus | undefined | 'none' {
  switch (message.status) {
    case 'PENDING':
    case 'SENDING':
    case 'UNCERTAIN':
      return undefined;
    case 'SENT':
      return 'sent';
    case 'DELIVERED':
      return 'delivered';
    case 'UNDELIVERED':
      return 'undelivered';
    case 'FAILED':
      return message.sentAt ? 'failed' : 'none';
    case 'FALLBACK_EMAIL':
      return message.sentAt ? 'failed' : 'none';
    default:
      return 'none';
  }
}

/** Lost races (another receipt, the sender's answer) tried again, re-reading the message each time. */
const MAX_ROUNDS = 4;

export interface ReceiptDeps {
  db: Db;
  messaging: MessagingPort;
  transitions: MessageTransitions;
  optOuts: OptOutList;
  metrics: WaveSendMetrics;
  logger: Logger;
}

/**
 * Delivery receipts of wave texts: the message found by the receipt's idempotency key (its id) or
 * the provider's message id, moved only forward (sent -> delivered / undelivered / failed; a
 * final status never changes), counts with it. A failure the provider calls opted out adds the
 * number to the opt-out list; a permanent one sends the fallback e-mail when the wave has one.
 * Receipts of other texts (replies to STOP, campaigns) are left to their own handlers.
 */
export class Receipts {
  constructor(private readonly deps: ReceiptDeps) {}

  private get messages() {
    return this.deps.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  }

  async handle(event: SmsStatusEvent): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const message = await this.find(event);
      if (!message) return;
      const outcome = await this.apply(message, event);
      if (outcome !== 'lost') return;
    }
    throw new Error(`receipt for ${event.providerMessageId} kept losing races; it will come again`);
  }

  /** Applies the status the provider recorded for a message (reconciliation), as its receipt would. */
  async applyRecord(
    messageId: string,
    record: { providerMessageId: string; status: SmsDeliveryStatus; createdAt: Date },
  ) {
    if (record.status === 'queued') return;
    await this.handle({
      kind: 'status',
      providerMessageId: record.providerMessageId,
      status: record.status,
      idempotencyKey: messageId,
      at: record.createdAt,
    });
  }

  private async find(event: SmsStatusEvent): Promise<WaveMessageDoc | null> {
    if (event.idempotencyKey) {
      const byKey = await this.messages.findOne({ _id: event.idempotencyKey });
      if (byKey) return byKey;
    }
    return event.providerMessageId ? this.messages.findOne({ providerMessageId: event.providerMessageId }) : null;
  }

  private async apply(message: WaveMessageDoc, event: SmsStatusEvent): Promise<'done' | 'lost'> {
    const current = providerStatusOf(message);
    if (current === 'none') {
      this.deps.logger.warn(
        { messageId: message._id, status: message.status, receipt: event.status },
        'receipt for a wave message that was never sent; ignored',
      );
      return 'done';
    }
    const failed = event.status === 'failed' || event.status === 'undelivered';
    if (!isForward(current, event.status)) {
      // Already there: a repeated receipt may still owe the fallback a crash interrupted.
      if (failed && event.permanent && (message.status === 'FAILED' || message.status === 'UNDELIVERED')) {
        await this.fallBack(message, event);
      }
      return 'done';
    }
    const moved = await this.deps.transitions.move(
      message,
      {
        status: RECEIPT_STATUS[event.status],
        providerMessageId: message.providerMessageId ?? event.providerMessageId,
        sentAt: message.sentAt ?? event.at,
        ...(event.status === 'delivered' ? { deliveredAt: event.at } : {}),
        ...(failed
          ? { errorCode: event.errorCode ?? null, reason: event.optedOut ? 'OPTED_OUT' : (event.reason ?? null) }
          : {}),
      },
      message.status === 'SENDING' ? { claimedBy: message.claimedBy } : {},
    );
    if (!moved) return 'lost';
    if (failed && event.optedOut) await this.recordOptOut(message, event);
    if (failed && event.permanent) {
      const after = await this.messages.findOne({ _id: message._id });
      if (after) await this.fallBack(after, event);
    }
    return 'done';
  }

  private async recordOptOut(message: WaveMessageDoc, event: SmsStatusEvent): Promise<void> {
    const wave = await this.waveOf(message);
    if (!message.phone || !wave) return;
    const brand = this.deps.optOuts.scopeOf(wave.config.brand);
    if (await this.deps.optOuts.add(brand, message.phone, `receipt:${event.errorCode ?? 'opted-out'}`)) {
      this.deps.metrics.optOutsRecorded.inc({ source: 'provider' });
    }
  }

  /** The fallback e-mail of a text that failed for good, when the wave has one. */
  private async fallBack(message: WaveMessageDoc, event: SmsStatusEvent): Promise<void> {
    if (message.status !== 'FAILED' && message.status !== 'UNDELIVERED') return;
    const wave = await this.waveOf(message);
    if (!wave) return;
    const email = fallbackEmailOf(wave.config, message);
    if ('impossible' in email) return;
    await sendFallbackEmail(this.deps.messaging, message, email);
    await this.deps.transitions.move(message, {
      status: 'FALLBACK_EMAIL',
      reason: message.reason ?? event.reason ?? null,
    });
  }

  private waveOf(message: WaveMessageDoc): Promise<WaveDoc | null> {
    return this.deps.db.collection<WaveDoc>(WAVES).findOne({ _id: message.waveId });
  }
}

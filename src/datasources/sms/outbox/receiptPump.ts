import type { Logger } from '../../../logger';
import type { Db } from '../../store';
import type { SmsEventHub } from '../eventHub';
import { SMS_OUTBOX_COLLECTION, failureFields, type SmsMessageType, type SmsStatusEvent } from '../port';
import type { SmsEncoding } from '../segments';
import type { SmsDeliveryStatus } from '../status';
import { twilioErrorReason } from '../twilioCodes';

/** A text in the outbox engine's `smsOutbox` collection. */
export interface SmsOutboxDocument {
  /** The send's idempotency key. */
  _id: string;
  providerMessageId: string;
  to: string;
  body: string;
  sender: string;
  messageType: SmsMessageType;
  validitySeconds: number;
  encoding: SmsEncoding;
  segments: number;
  metadata: Record<string, string>;
  sentAt: Date;
  /** `sent` until its receipt was handled, then the outcome's status. */
  status: SmsDeliveryStatus;
  /** Drawn at send time, so a receipt delivered twice says the same thing. */
  outcome: { status: 'delivered' | 'undelivered' | 'failed'; errorCode?: string };
  /** When the receipt is due; removed once a handler took it. */
  receiptDueAt?: Date;
}

const BATCH = 100;

/**
 * Delivers the outbox's receipts once due. The due time lives in the document, so receipts
 * survive a restart and several processes share the work: a pump claims a receipt by moving its
 * due time a lease ahead (atomically), hands it to the handlers, and only then removes it. A
 * handler that fails, or a process that dies, leaves it to come again after the lease: receipts
 * are delivered at least once, as a provider's are.
 */
export class ReceiptPump {
  private timer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = 0;
  private running?: Promise<void>;
  private stopped = true;
  /** A tick came while a round ran: run another round right after it. */
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly hub: SmsEventHub,
    private readonly options: {
      pollIntervalMs: number;
      /** A receipt claimed and not handled (its handler failed, its process died) is due again after this. */
      leaseMs: number;
      clock: () => Date;
      logger?: Logger;
    },
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), this.options.pollIntervalMs);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    await this.running;
  }

  /**
   * Looks again once a receipt just written comes due, rather than at the next interval. One
   * wake-up is pending at a time (the earliest); receipts it misses wait for the interval.
   */
  wakeAfter(delayMs: number): void {
    const at = Date.now() + delayMs + 1;
    if (this.stopped || (this.wakeTimer && this.wakeAt <= at)) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.tick();
    }, delayMs + 1);
    this.wakeTimer.unref();
  }

  private tick(): void {
    if (this.stopped || !this.hub.listening) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverDue()
      .catch((error: unknown) => this.options.logger?.error({ err: error }, 'outbox SMS receipts failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.tick();
        }
      });
  }

  private async deliverDue(): Promise<void> {
    const outbox = this.db.collection<SmsOutboxDocument>(SMS_OUTBOX_COLLECTION);
    for (;;) {
      const now = this.options.clock();
      const due = await outbox
        .find({ receiptDueAt: { $lte: now } })
        .sort({ receiptDueAt: 1 })
        .limit(BATCH)
        .toArray();
      for (const entry of due) {
        if (this.stopped) return;
        await this.deliver(entry, now);
      }
      if (due.length < BATCH) return;
    }
  }

  private async deliver(entry: SmsOutboxDocument, now: Date): Promise<void> {
    const outbox = this.db.collection<SmsOutboxDocument>(SMS_OUTBOX_COLLECTION);
    const claimed = await outbox.findOneAndUpdate(
      { _id: entry._id, receiptDueAt: entry.receiptDueAt },
      { $set: { receiptDueAt: new Date(now.getTime() + this.options.leaseMs) } },
    );
    if (!claimed) return;
    try {
      await this.hub.dispatch([receiptOf(entry, now)]);
    } catch (error) {
      this.options.logger?.warn(
        { err: error, providerMessageId: entry.providerMessageId },
        'outbox SMS receipt not taken',
      );
      return;
    }
    await outbox.updateOne(
      { _id: entry._id },
      { $set: { status: entry.outcome.status }, $unset: { receiptDueAt: '' } },
    );
  }
}

function receiptOf(entry: SmsOutboxDocument, at: Date): SmsStatusEvent {
  const { status, errorCode } = entry.outcome;
  return {
    kind: 'status',
    providerMessageId: entry.providerMessageId,
    status,
    ...(errorCode === undefined ? {} : failureFields(errorCode, twilioErrorReason(Number(errorCode)))),
    idempotencyKey: entry._id,
    at,
  };
}

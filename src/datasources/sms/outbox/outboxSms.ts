import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../logger';
import type { Db } from '../../store';
import { SmsEventHub } from '../eventHub';
import { smsKeyword } from '../keywords';
import {
  SMS_OUTBOX_COLLECTION,
  SMS_OUTBOX_OPT_OUTS_COLLECTION,
  SmsSendError,
  type SentSmsRecord,
  type SmsEvent,
  type SmsEventHandler,
  type SmsInboundEvent,
  type SmsMessage,
  type SmsPort,
  type SmsSendResult,
} from '../port';
import { measureSms, smsBodyProblem } from '../segments';
import { twilioErrorReason, twilioFailureStatus } from '../twilioCodes';
import { webhooksNotTaken } from '../webhookErrors';
import { ReceiptPump, type SmsOutboxDocument } from './receiptPump';

export interface OutboxSmsOptions {
  /** How long after a send its receipt comes (SMS_OUTBOX_RECEIPT_DELAY_MS). */
  receiptDelayMs: number;
  /** Share of messages whose receipt is a failure, 0..1 (SMS_OUTBOX_FAIL_RATE). */
  failRate: number;
  /** Twilio error numbers the failures draw from (SMS_OUTBOX_FAIL_CODES). */
  failCodes: readonly number[];
  /** How often the receipt pump looks for receipts due (also after a restart). */
  pollIntervalMs?: number;
  /** A receipt no handler took comes again after this (default 30 s). */
  receiptLeaseMs?: number;
  logger?: Logger;
  clock?: () => Date;
  random?: () => number;
}

/**
 * Numbers that answer as Twilio's test credentials' magic numbers do, so a send-time refusal
 * can be seen without a provider.
 */
const MAGIC_NUMBERS = new Map<string, number>([
  ['+15005550001', 21211],
  ['+15005550004', 21610],
  ['+15005550009', 21614],
]);

const OUTBOX_SENDER = 'outbox';

const messageId = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/**
 * The embedded engine: sending is recording the text in `smsOutbox` (keyed by its idempotency
 * key, so a repeated send answers the first one), and a pump later plays the carrier, producing
 * its receipt: delivered, or a failure with one of the configured codes for `failRate` of them.
 * Like a provider it keeps an opt-out list, fed by `simulateInbound` (STOP, START...), and refuses
 * texts to opted-out numbers with Twilio's 21610.
 */
export class OutboxSms implements SmsPort {
  readonly engine = 'outbox' as const;
  private readonly hub = new SmsEventHub();
  private readonly pump: ReceiptPump;
  private readonly clock: () => Date;
  private readonly random: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: OutboxSmsOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.pump = new ReceiptPump(db, this.hub, {
      pollIntervalMs: options.pollIntervalMs ?? Math.min(Math.max(options.receiptDelayMs, 20), 1000),
      leaseMs: options.receiptLeaseMs ?? 30_000,
      clock: this.clock,
      logger: options.logger,
    });
  }

  async send(message: SmsMessage): Promise<SmsSendResult> {
    const problem = smsBodyProblem(message.body);
    if (problem) throw new SmsSendError(problem, { code: 'BODY', reason: 'REJECTED', mayHaveSent: false });
    const outbox = this.db.collection<SmsOutboxDocument>(SMS_OUTBOX_COLLECTION);
    // a key already sent answers as it did, even to a number that opted out since
    const earlier = await outbox.findOne({ _id: message.idempotencyKey });
    if (earlier) return { providerMessageId: earlier.providerMessageId, status: 'SENT', duplicate: true };
    await this.refuseLikeTwilio(message.to);
    const measure = measureSms(message.body);
    const sentAt = this.clock();
    const entry: SmsOutboxDocument = {
      _id: message.idempotencyKey,
      providerMessageId: messageId('OB'),
      to: message.to,
      body: message.body,
      sender: message.sender,
      messageType: message.messageType,
      validitySeconds: message.validitySeconds,
      encoding: measure.encoding,
      segments: measure.segments,
      metadata: message.metadata,
      sentAt,
      status: 'sent',
      outcome: this.outcome(),
      receiptDueAt: new Date(sentAt.getTime() + this.options.receiptDelayMs),
    };
    try {
      await outbox.insertOne(entry);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      const first = await outbox.findOne({ _id: message.idempotencyKey });
      return { providerMessageId: first!.providerMessageId, status: 'SENT', duplicate: true };
    }
    this.pump.wakeAfter(this.options.receiptDelayMs);
    return { providerMessageId: entry.providerMessageId, status: 'SENT' };
  }

  async findSentSince(to: string, since: Date): Promise<SentSmsRecord[]> {
    const found = await this.db
      .collection<SmsOutboxDocument>(SMS_OUTBOX_COLLECTION)
      .find({ to, sentAt: { $gte: since } })
      .sort({ sentAt: -1 })
      .limit(100)
      .toArray();
    return found.map((entry) => ({
      providerMessageId: entry.providerMessageId,
      to: entry.to,
      from: entry.sender,
      body: entry.body,
      status: entry.status,
      createdAt: entry.sentAt,
      ...(entry.status === entry.outcome.status && entry.outcome.errorCode
        ? { errorCode: entry.outcome.errorCode }
        : {}),
      idempotencyKey: entry._id,
    }));
  }

  /**
   * A text from `from` arriving as a provider would pass it on; `to` defaults to the sender that
   * last texted that number. Opt-out and opt-in keywords update the engine's own list first.
   */
  async simulateInbound(from: string, body: string, to?: string): Promise<SmsInboundEvent> {
    const optOuts = this.optOuts();
    const keyword = smsKeyword(body);
    if (keyword === 'OPT_OUT') await optOuts.updateOne({ _id: from }, { $set: { at: this.clock() } }, { upsert: true });
    if (keyword === 'OPT_IN') await optOuts.deleteOne({ _id: from });
    const event: SmsInboundEvent = {
      kind: 'inbound',
      from,
      to: to ?? (await this.lastSenderTo(from)),
      body,
      providerMessageId: messageId('IB'),
      at: this.clock(),
    };
    await this.hub.dispatch([event]);
    return event;
  }

  onEvent(handler: SmsEventHandler): () => void {
    return this.hub.onEvent(handler);
  }

  handleWebhook(): Promise<SmsEvent[]> {
    return Promise.reject(webhooksNotTaken('outbox'));
  }

  async start(): Promise<void> {
    this.pump.start();
  }

  async stop(): Promise<void> {
    await this.pump.stop();
  }

  private outcome(): SmsOutboxDocument['outcome'] {
    const { failRate, failCodes } = this.options;
    if (failCodes.length === 0 || this.random() >= failRate) return { status: 'delivered' };
    const code = failCodes[Math.floor(this.random() * failCodes.length)]!;
    return { status: twilioFailureStatus(code), errorCode: String(code) };
  }

  private async refuseLikeTwilio(to: string): Promise<void> {
    const optedOut = await this.optOuts().findOne({ _id: to });
    const code = optedOut ? 21610 : MAGIC_NUMBERS.get(to);
    if (code === undefined) return;
    throw new SmsSendError(`The outbox refuses ${to} (Twilio error ${code})`, {
      code: String(code),
      reason: twilioErrorReason(code, 400),
      mayHaveSent: false,
      httpStatus: 400,
    });
  }

  /** The numbers that texted an opt-out keyword, as a provider keeps them (across all senders). */
  private optOuts() {
    return this.db.collection<{ _id: string; at: Date }>(SMS_OUTBOX_OPT_OUTS_COLLECTION);
  }

  private async lastSenderTo(number: string): Promise<string> {
    const [last] = await this.db
      .collection<SmsOutboxDocument>(SMS_OUTBOX_COLLECTION)
      .find({ to: number })
      .sort({ sentAt: -1 })
      .limit(1)
      .toArray();
    return last?.sender ?? OUTBOX_SENDER;
  }
}

import type { MessagingPort } from '../../../datasources/messaging/port';
import { SmsSendError, type SmsPort } from '../../../datasources/sms';
import type { Db } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import type { RateLimiter } from '../../rateLimiter/rateLimiter';
import type { SuppressionList } from '../../suppression/suppressionList';
import type { WaveDoc, WaveMessageDoc } from '../model';
import { CLAIM_FRESH_MS, renewClaim } from './claims';
import { fallbackEmailOf, sendFallbackEmail } from './fallbackEmail';
import type { WaveSendMetrics } from './metrics';
import type { OptOutList } from './optOutList';
import { isQuiet, nextSendableAt } from './quietHours';
import type { SenderSlots } from './senderSlots';
import { sendingKeys, type SendSettings } from './sendSettings';
import type { MessageTransitions } from './transitions';

export interface MessageSenderDeps {
  db: Db;
  slots: SenderSlots;
  sms: SmsPort;
  messaging: MessagingPort;
  limiter: RateLimiter;
  transitions: MessageTransitions;
  optOuts: OptOutList;
  /** Erased people: neither texted nor e-mailed, whatever brand. */
  suppressions: SuppressionList;
  metrics: WaveSendMetrics;
  settings: SendSettings;
  logger: Logger;
  now: () => Date;
}

/** What a message's send needs of the run sending it. */
export interface SendRun {
  /** The wave as last read (every 400 ms at most). */
  wave(): WaveDoc;
  signal: AbortSignal;
  /** Numbers of the claimed batches found on the opt-out list when claimed. */
  optedOut(phone: string): boolean;
  /** Messages of the claimed batches whose number or e-mail was on the suppression list when claimed. */
  suppressed(messageId: string): boolean;
  /** Told just before the provider call: from then on the message is never given back unsent. */
  calling(messageId: string): void;
  /** A provider error (not the recipient's fault): counted towards the wave's pause. */
  providerError(error: SmsSendError | Error): Promise<void>;
  providerSuccess(): Promise<void>;
}

/** Retries after an error that may pass: 1 s doubling to at most a minute, with jitter. */
function retryDelayMs(attempts: number, retryAfterMs?: number): number {
  const backoff = Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.max(retryAfterMs ?? 0, backoff * (0.75 + Math.random() * 0.5));
}

/** How a provider call went, or why none was made. */
type Attempt =
  | { kind: 'giveBack' }
  | { kind: 'expired' }
  | { kind: 'lost' }
  | { kind: 'sent'; providerMessageId: string }
  | { kind: 'failed'; error: unknown; wave: WaveDoc };

export const validUntil = (wave: WaveDoc) => wave.config.notifyDate.getTime() + wave.config.validitySeconds * 1000;

/**
 * One claimed message, from its checks to its outcome: each step either ends it (EXPIRED, the
 * fallback e-mail, SKIPPED, FAILED), gives it back (PENDING: a pause, quiet hours, an error that
 * may pass), or sends it: limiter tokens for its segments, then the provider, once, with the
 * message's id as idempotency key.
 */
export class MessageSender {
  constructor(private readonly deps: MessageSenderDeps) {}

  async send(message: WaveMessageDoc, run: SendRun): Promise<void> {
    const wave = run.wave();
    const guard = { claimedBy: message.claimedBy };
    const now = this.deps.now();
    if (wave.status !== 'SENDING') return this.giveBack(message);
    if (now.getTime() >= validUntil(wave)) {
      await this.deps.transitions.move(message, { status: 'EXPIRED', reason: 'VALIDITY_PASSED' }, guard);
      return;
    }
    if (run.suppressed(message._id)) {
      await this.deps.transitions.move(message, { status: 'SKIPPED', reason: 'SUPPRESSED' }, guard);
      return;
    }
    if (!message.phone) return this.fallback(message, wave, 'NO_PHONE', null);
    if (run.optedOut(message.phone)) return this.fallback(message, wave, 'OPTED_OUT', null);
    if (isQuiet(now, message.timeZone, this.deps.settings.quiet)) {
      const retryAt = nextSendableAt(now, message.timeZone, this.deps.settings.quiet);
      await this.deps.transitions.move(message, this.backToPending(message, { retryAt }), guard);
      return;
    }
    const attempt = await this.attempt(message, run);
    if (attempt.kind === 'giveBack') return this.giveBack(message);
    if (attempt.kind === 'expired') {
      await this.deps.transitions.move(message, { status: 'EXPIRED', reason: 'VALIDITY_PASSED' }, guard);
      return;
    }
    if (attempt.kind === 'lost') return;
    const attempts = (message.attempts ?? 0) + 1;
    if (attempt.kind === 'failed') return this.failed(message, attempt.wave, attempts, attempt.error);
    // The hot path: gathered into bulk writes. The sender's own change is the one that set its attempts.
    await this.deps.transitions.moveSoon(
      message,
      {
        status: 'SENT',
        sentAt: this.deps.now(),
        providerMessageId: attempt.providerMessageId,
        attempts,
        retryAt: null,
        errorCode: null,
        reason: null,
      },
      guard,
      (after) => after.attempts === attempts,
    );
    await run.providerSuccess();
  }

  /**
   * The provider call, in one of the sender's slots taken before the limiter's tokens and given
   * back as soon as the provider answered (the outcome is written after). Tokens may take a
   * while: the wave may have paused meanwhile, or the message aged.
   */
  private async attempt(message: WaveMessageDoc, run: SendRun): Promise<Attempt> {
    const sender = run.wave().config.sender;
    // No abort signal on these waits (one listener per waiting message costs more than the wait):
    // a stopped run's messages get their slot and tokens within a claim's worth of the rate, and
    // are given back then.
    await this.deps.slots.acquire(sender);
    try {
      await this.deps.limiter.acquire(sendingKeys(this.deps.settings, run.wave().config), message.segments);
      const wave = run.wave();
      if (wave.status !== 'SENDING' || run.signal.aborted) return { kind: 'giveBack' };
      const callAt = this.deps.now();
      if (callAt.getTime() >= validUntil(wave)) return { kind: 'expired' };
      const stale = callAt.getTime() - (message.claimedAt?.getTime() ?? 0) > CLAIM_FRESH_MS;
      if (stale && !(await renewClaim(this.deps.db, message, callAt))) return { kind: 'lost' };
      run.calling(message._id);
      try {
        const result = await this.deps.sms.send({
          to: message.phone!,
          body: message.text,
          sender: wave.config.sender,
          messageType: wave.config.messageType,
          validitySeconds: Math.max(1, Math.floor((validUntil(wave) - callAt.getTime()) / 1000)),
          idempotencyKey: message._id,
          metadata: { waveId: message.waveId, messageId: message._id, campaignId: message.campaignId },
        });
        return { kind: 'sent', providerMessageId: result.providerMessageId };
      } catch (error) {
        // Counted before the slot is given back: once the limit pauses the wave, the next holder sees it.
        if (!(error instanceof SmsSendError) || (!error.permanent && !error.optedOut)) {
          this.deps.metrics.providerErrors.inc({ reason: error instanceof SmsSendError ? error.reason : 'UNKNOWN' });
          await run.providerError(error as Error);
        }
        return { kind: 'failed', error, wave };
      }
    } finally {
      this.deps.slots.release(sender);
    }
  }

  private async failed(message: WaveMessageDoc, wave: WaveDoc, attempts: number, error: unknown): Promise<void> {
    const guard = { claimedBy: message.claimedBy };
    const sendError = error instanceof SmsSendError ? error : null;
    if (sendError?.optedOut) {
      const brand = this.deps.optOuts.scopeOf(wave.config.brand);
      if (await this.deps.optOuts.add(brand, message.phone!, `provider:${sendError.code}`)) {
        this.deps.metrics.optOutsRecorded.inc({ source: 'provider' });
      }
      return this.fallback({ ...message, attempts }, wave, 'OPTED_OUT', sendError.code);
    }
    if (sendError?.permanent) return this.fallback({ ...message, attempts }, wave, sendError.reason, sendError.code);
    if (!sendError || sendError.mayHaveSent) {
      // The text may be at the provider: never sent again until a receipt or the provider's record settles it.
      if (!sendError) this.deps.logger.error({ err: error, messageId: message._id }, 'wave text send failed');
      await this.deps.transitions.move(
        message,
        {
          status: 'UNCERTAIN',
          attempts,
          errorCode: sendError?.code ?? 'UNKNOWN',
          reason: sendError?.reason ?? 'UNKNOWN',
        },
        guard,
      );
    } else {
      const retryAt = new Date(this.deps.now().getTime() + retryDelayMs(attempts, sendError.retryAfterMs));
      await this.deps.transitions.move(
        message,
        this.backToPending(message, { retryAt, attempts, errorCode: sendError.code, reason: sendError.reason }),
        guard,
      );
    }
  }

  /**
   * No text for this recipient: the fallback e-mail when there is one (FALLBACK_EMAIL), else
   * SKIPPED (no contact, opted out) or FAILED (the number cannot take texts).
   */
  private async fallback(message: WaveMessageDoc, wave: WaveDoc, reason: string, errorCode: string | null) {
    const guard = { claimedBy: message.claimedBy };
    const email = fallbackEmailOf(wave.config, message);
    if ('impossible' in email) {
      const failed = reason !== 'OPTED_OUT' && reason !== 'NO_PHONE';
      const status = failed ? 'FAILED' : 'SKIPPED';
      const why = reason === 'NO_PHONE' ? 'NO_CONTACT' : reason;
      await this.deps.transitions.move(message, { status, reason: why, errorCode, attempts: message.attempts }, guard);
      return;
    }
    try {
      await sendFallbackEmail(this.deps.messaging, message, email);
    } catch (error) {
      this.deps.logger.warn({ err: error, messageId: message._id }, 'fallback e-mail not sent; retried later');
      const retryAt = new Date(this.deps.now().getTime() + retryDelayMs(message.attempts ?? 1));
      await this.deps.transitions.move(message, this.backToPending(message, { retryAt }), guard);
      return;
    }
    await this.deps.transitions.move(
      message,
      { status: 'FALLBACK_EMAIL', reason, errorCode, attempts: message.attempts },
      guard,
    );
  }

  /** Unsent, back to PENDING for any worker (the wave paused or stopped). */
  private async giveBack(message: WaveMessageDoc): Promise<void> {
    await this.deps.transitions.move(message, this.backToPending(message, {}), { claimedBy: message.claimedBy });
  }

  private backToPending(message: WaveMessageDoc, fields: Partial<WaveMessageDoc>) {
    return {
      status: 'PENDING' as const,
      claimedAt: null,
      claimedBy: null,
      ...fields,
      attempts: fields.attempts ?? message.attempts,
    };
  }
}

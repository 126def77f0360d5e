import { measureSms, smsKeyword, type SmsInboundEvent, type SmsPort } from '../../../datasources/sms';
import type { Db } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import type { RateLimiter } from '../../rateLimiter/rateLimiter';
import { WAVES, type WaveDoc } from '../model';
import { recordInbound } from './inboundLog';
import type { WaveSendMetrics } from './metrics';
import type { OptOutList } from './optOutList';
import { sendingKeys, type SendSettings } from './sendSettings';

export interface InboundDeps {
  db: Db;
  sms: SmsPort;
  limiter: RateLimiter;
  optOuts: OptOutList;
  metrics: WaveSendMetrics;
  settings: SendSettings;
  logger: Logger;
}

/** A sender's brand is looked up again after this long (waves rarely change sender). */
const BRAND_CACHE_MS = 60_000;
/** How long a reply may wait at the provider before it is pointless. */
const REPLY_VALIDITY_SECONDS = 3600;

/**
 * Texts fans send to our senders. STOP and its synonyms put the number on the opt-out list of
 * the brand whose sender it reached (of every brand with WAVE_OPT_OUT_SCOPE=global) and get one
 * confirmation; START, YES and UNSTOP take it off; HELP and INFO get the help text. The list is
 * changed first and the text is logged after, so a redelivered STOP still stops but is not
 * confirmed twice; a crash between the two loses the reply, never the opt-out.
 */
export class InboundTexts {
  private readonly brands = new Map<string, { brand: string | null; at: number }>();

  constructor(private readonly deps: InboundDeps) {}

  async handle(event: SmsInboundEvent): Promise<void> {
    const keyword = smsKeyword(event.body);
    const brand = this.deps.optOuts.scopeOf(await this.brandOf(event.to));
    if (keyword === 'OPT_OUT' && (await this.deps.optOuts.add(brand, event.from, `keyword:${event.body.trim()}`))) {
      this.deps.metrics.optOutsRecorded.inc({ source: 'keyword' });
    }
    if (keyword === 'OPT_IN') await this.deps.optOuts.remove(brand, event.from);
    const first = await recordInbound(this.deps.db, {
      _id: event.providerMessageId,
      from: event.from,
      to: event.to,
      body: event.body.slice(0, 1600),
      keyword,
      brand,
      at: event.at,
    });
    if (!first) return;
    if (keyword === 'OPT_OUT') await this.reply(event, this.deps.settings.optOutConfirmationText);
    if (keyword === 'HELP') await this.reply(event, this.deps.settings.helpText);
  }

  /** The brand of the latest wave sent from `sender`; null for a sender no wave used. */
  private async brandOf(sender: string): Promise<string | null> {
    const cached = this.brands.get(sender);
    if (cached && Date.now() - cached.at < BRAND_CACHE_MS) return cached.brand;
    const wave = await this.deps.db
      .collection<WaveDoc>(WAVES)
      .findOne({ 'config.sender': sender }, { sort: { createdAt: -1 }, projection: { 'config.brand': 1 } });
    const brand = wave?.config.brand ?? null;
    this.brands.set(sender, { brand, at: Date.now() });
    return brand;
  }

  /** One reply from the sender the fan wrote to; a failure is logged (the list change stands). */
  private async reply(event: SmsInboundEvent, body: string): Promise<void> {
    try {
      const [, global] = sendingKeys(this.deps.settings, { sender: event.to, segmentsPerSecond: 1 });
      await this.deps.limiter.acquire([global!], measureSms(body).segments);
      await this.deps.sms.send({
        to: event.from,
        body,
        sender: event.to,
        messageType: 'TRANSACTIONAL',
        validitySeconds: REPLY_VALIDITY_SECONDS,
        idempotencyKey: `reply:${event.providerMessageId}`,
        metadata: { inboundId: event.providerMessageId },
      });
    } catch (error) {
      this.deps.logger.warn({ err: error, inboundId: event.providerMessageId }, 'reply to an inbound text not sent');
    }
  }
}

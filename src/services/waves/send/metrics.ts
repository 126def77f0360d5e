import { Counter, type Registry } from 'prom-client';
import type { CountsDelta } from './counts';

/** The waves' sending counters at /metrics, counted by this process as its changes are stored. */
export interface WaveSendMetrics {
  /** Texts the provider accepted, and their segments. */
  sent: Counter;
  segments: Counter;
  delivered: Counter;
  /** Texts that failed for good (FAILED receipts, refusals), and undelivered receipts apart. */
  failed: Counter;
  undelivered: Counter;
  /** Recipients not texted because they opted out, and opt-outs recorded, by source. */
  optedOut: Counter;
  optOutsRecorded: Counter<'source'>;
  fallbackEmails: Counter;
  expired: Counter;
  /** Provider errors met while sending, by reason (THROTTLED, NETWORK...). */
  providerErrors: Counter<'reason'>;
}

export function createWaveSendMetrics(registry: Registry): WaveSendMetrics {
  const registers = [registry];
  const counter = (name: string, help: string) => new Counter({ name, help, registers });
  return {
    sent: counter('wave_sms_sent_total', 'Wave texts accepted by the SMS provider'),
    segments: counter('wave_sms_segments_total', 'Segments of the wave texts accepted by the SMS provider'),
    delivered: counter('wave_sms_delivered_total', 'Wave texts with a delivered receipt'),
    failed: counter('wave_sms_failed_total', 'Wave texts that failed for good (refused, or a failed receipt)'),
    undelivered: counter('wave_sms_undelivered_total', 'Wave texts with an undelivered receipt'),
    optedOut: counter('wave_sms_opted_out_total', 'Wave recipients not texted because their number opted out'),
    optOutsRecorded: new Counter({
      name: 'wave_opt_outs_recorded_total',
      help: 'Numbers added to the opt-out list, by source (keyword, provider)',
      labelNames: ['source'] as const,
      registers,
    }),
    fallbackEmails: counter('wave_fallback_emails_total', 'Fallback e-mails sent instead of a wave text'),
    expired: counter('wave_messages_expired_total', 'Wave messages not sent within their validity'),
    providerErrors: new Counter({
      name: 'wave_sms_provider_errors_total',
      help: 'SMS provider errors met while sending waves, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
}

/** The counters a change of wave counts moves (only the rises: gauges like ok go down too). */
export function countMetrics(metrics: WaveSendMetrics, delta: CountsDelta): void {
  const rise = (value: number | undefined) => Math.max(0, value ?? 0);
  metrics.sent.inc(rise(delta.sms));
  metrics.segments.inc(rise(delta.segments));
  metrics.delivered.inc(rise(delta.delivered));
  metrics.failed.inc(rise(delta.failed));
  metrics.undelivered.inc(rise(delta.undelivered));
  metrics.optedOut.inc(rise(delta.optedOut));
  metrics.fallbackEmails.inc(rise(delta.email));
  metrics.expired.inc(rise(delta.expired));
}

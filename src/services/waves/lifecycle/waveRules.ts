import type { Config } from '../../../config';
import { badInput } from '../../../errors';
import type { SenderKind } from '../model';

/** Twilio's SendAt reaches 35 days ahead; a wave is scheduled no further. */
export const MAX_NOTIFY_DAYS = 35;
const DAY_MS = 86_400_000;

/** The most segments per second a wave may be given on this kind of sender (WAVE_RATE_* settings). */
export function senderCap(
  config: Pick<Config, 'WAVE_RATE_LONG_CODE' | 'WAVE_RATE_TOLL_FREE' | 'WAVE_RATE_SHORT_CODE'>,
  kind: SenderKind,
): number {
  if (kind === 'SHORT_CODE') return config.WAVE_RATE_SHORT_CODE;
  if (kind === 'TOLL_FREE') return config.WAVE_RATE_TOLL_FREE;
  return config.WAVE_RATE_LONG_CODE;
}

const CAP_SETTING: Record<SenderKind, string> = {
  LONG_CODE: 'WAVE_RATE_LONG_CODE',
  TOLL_FREE: 'WAVE_RATE_TOLL_FREE',
  SHORT_CODE: 'WAVE_RATE_SHORT_CODE',
};

/** BAD_USER_INPUT unless the rate is above 0 and at most the sender's cap. */
export function checkRate(
  config: Parameters<typeof senderCap>[0],
  kind: SenderKind,
  segmentsPerSecond: number,
  field = 'segmentsPerSecond',
): void {
  const cap = senderCap(config, kind);
  if (!Number.isFinite(segmentsPerSecond) || segmentsPerSecond <= 0 || segmentsPerSecond > cap) {
    throw badInput(
      `${field}: above 0 and at most ${cap} for a ${kind} sender (${CAP_SETTING[kind]}); got ${segmentsPerSecond}`,
      field,
    );
  }
}

/** BAD_USER_INPUT unless the date is after `now` and at most MAX_NOTIFY_DAYS ahead. */
export function checkNotifyDate(notifyDate: Date, now = new Date(), field = 'notifyDate'): void {
  if (!Number.isFinite(notifyDate.getTime())) throw badInput(`${field}: a date and time`, field);
  if (notifyDate.getTime() <= now.getTime()) {
    throw badInput(`${field}: ${notifyDate.toISOString()} is in the past`, field);
  }
  if (notifyDate.getTime() > now.getTime() + MAX_NOTIFY_DAYS * DAY_MS) {
    throw badInput(`${field}: at most ${MAX_NOTIFY_DAYS} days ahead (${notifyDate.toISOString()})`, field);
  }
}

/** Seconds a wave takes at its rate, quiet hours aside. */
export const expectedDurationSeconds = (totalSegments: number, segmentsPerSecond: number) =>
  Math.ceil(totalSegments / segmentsPerSecond);

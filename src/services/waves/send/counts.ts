import type { WaveCounts, WaveMessageStatus, WaveTallyKey } from '../model';

/** What of a message the counts depend on, before and after a change. */
export interface CountedState {
  status: WaveMessageStatus;
  /** Set once the provider accepted the text. */
  sentAt: Date | null;
  reason: string | null;
  segments: number;
}

export type CountsDelta = Partial<Record<keyof WaveCounts, number>>;

/** Recipients reached by a channel: the text went (and did not fail) or the e-mail did. */
const REACHED = new Set<WaveMessageStatus>(['SENT', 'DELIVERED', 'FALLBACK_EMAIL']);
/** Reasons of a text that can never reach the number (not opt-outs, counted apart). */
const SMS_FAILURES = new Set(['INVALID_RECIPIENT', 'REJECTED']);

/**
 * How a wave's counts move when one message goes from `before` to `after`. Applied only for a
 * change that really happened (a conditional update that matched), so a repeated receipt or a
 * retried job counts nothing twice.
 *
 * - `ok`, `uncertain`: messages now reached / now UNCERTAIN (they go down as well as up);
 * - `sms`, `segments`: texts the provider accepted, and their segments;
 * - `delivered`, `undelivered`, `expired`, `skipped`, `email`: messages that entered that status;
 * - `failed`: texts that failed for good: a FAILED receipt, or a send refused as invalid or
 *   rejected (even when the e-mail then went instead);
 * - `optedOut`: messages not texted, or no longer, because the number opted out.
 */
export function countsDelta(before: CountedState, after: CountedState): CountsDelta {
  const delta: CountsDelta = {};
  const add = (key: keyof WaveCounts, value: number) => {
    if (value !== 0) delta[key] = (delta[key] ?? 0) + value;
  };
  const entered = (status: WaveMessageStatus) => after.status === status && before.status !== status;
  add('ok', Number(REACHED.has(after.status)) - Number(REACHED.has(before.status)));
  add('uncertain', Number(after.status === 'UNCERTAIN') - Number(before.status === 'UNCERTAIN'));
  if (!before.sentAt && after.sentAt) {
    add('sms', 1);
    add('segments', after.segments);
  }
  if (entered('DELIVERED')) add('delivered', 1);
  if (entered('UNDELIVERED')) add('undelivered', 1);
  if (entered('EXPIRED')) add('expired', 1);
  if (entered('SKIPPED')) add('skipped', 1);
  if (entered('FALLBACK_EMAIL')) add('email', 1);
  const refusedForGood =
    entered('FALLBACK_EMAIL') &&
    !['FAILED', 'UNDELIVERED'].includes(before.status) &&
    SMS_FAILURES.has(after.reason ?? '');
  if (entered('FAILED') || refusedForGood) add('failed', 1);
  if (after.reason === 'OPTED_OUT' && before.reason !== 'OPTED_OUT') add('optedOut', 1);
  return delta;
}

/** `delta` times `times` (a bulk change of `times` messages alike). */
export function scaleDelta(delta: CountsDelta, times: number): CountsDelta {
  return Object.fromEntries(Object.entries(delta).map(([key, value]) => [key, value * times]));
}

export function mergeDelta(into: CountsDelta, delta: CountsDelta): void {
  for (const [key, value] of Object.entries(delta) as [keyof WaveCounts, number][]) {
    into[key] = (into[key] ?? 0) + value;
  }
}

export const isEmptyDelta = (delta: CountsDelta) => Object.values(delta).every((value) => !value);

/** The counts a message adds to once and for good (the others follow its current status). */
export const TALLY_KEYS: readonly WaveTallyKey[] = [
  'sms',
  'segments',
  'delivered',
  'undelivered',
  'failed',
  'email',
  'optedOut',
  'expired',
  'skipped',
];

export type MessageTally = Partial<Record<WaveTallyKey, number>>;

/**
 * What a message has added to its wave's lasting counts, after `delta`: kept on the message with
 * its status, so a wave's counts can be recounted from its messages (recountWave).
 */
export function tallyAfter(tally: MessageTally | undefined, delta: CountsDelta): MessageTally | null {
  let changed = false;
  const next: MessageTally = { ...tally };
  for (const key of TALLY_KEYS) {
    if (delta[key]) {
      next[key] = (next[key] ?? 0) + delta[key];
      changed = true;
    }
  }
  return changed ? next : null;
}

/** Statuses the `ok` and `uncertain` counts follow. */
export const REACHED_STATUSES = [...REACHED];

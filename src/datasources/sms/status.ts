/**
 * Where a text stands at the provider. Statuses only move forward: queued -> sent -> one of
 * delivered, undelivered, failed. Receipts arrive late, twice and out of order (Twilio may post
 * `delivered` before `sent`), so a receipt is applied only when it moves the status forward, and
 * a final status is never replaced by another.
 */
export type SmsDeliveryStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

const RANK: Record<SmsDeliveryStatus, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  undelivered: 2,
  failed: 2,
};

export const SMS_DELIVERY_STATUSES = Object.keys(RANK) as SmsDeliveryStatus[];

export const isFinalStatus = (status: SmsDeliveryStatus) => RANK[status] === 2;

/** True when a message at `from` (undefined: nothing known yet) may take the status `to`. */
export function isForward(from: SmsDeliveryStatus | undefined, to: SmsDeliveryStatus): boolean {
  return from === undefined || RANK[to] > RANK[from];
}

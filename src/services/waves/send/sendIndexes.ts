import type { IndexDeclaration } from '../../../datasources/store/indexes';
import { OPT_OUTS, WAVE_MESSAGES } from '../model';
import { SMS_INBOUND } from './inboundLog';

/** The sending's indexes: claims, receipts, message pages, opt-outs and the inbound log. */
export const sendIndexes: IndexDeclaration[] = [
  // Claims in row order, of one time zone when quiet hours close others; pending segments by zone.
  { collection: WAVE_MESSAGES, key: { waveId: 1, status: 1, timeZone: 1, row: 1 } },
  // Claims in row order across zones; waveMessages(waveId, status) pages; SENDING and UNCERTAIN of a wave.
  { collection: WAVE_MESSAGES, key: { waveId: 1, status: 1, row: 1 } },
  // waveMessages(waveId) of every status, in row order (no status in it: unchanged as messages move).
  { collection: WAVE_MESSAGES, key: { waveId: 1, row: 1 } },
  // Messages waiting for a retry, and only those (a due retry loses its retryAt: claimable again).
  { collection: WAVE_MESSAGES, key: { retryAt: 1 }, options: { sparse: true } },
  // Receipts that carry no idempotency key find their message by the provider's id.
  { collection: WAVE_MESSAGES, key: { providerMessageId: 1 } },
  // START with WAVE_OPT_OUT_SCOPE=global removes every opt-out of the number; optOuts pages, newest first.
  { collection: OPT_OUTS, key: { phone: 1 } },
  { collection: OPT_OUTS, key: { at: -1, _id: -1 } },
  { collection: OPT_OUTS, key: { brand: 1, at: -1, _id: -1 } },
  // Inbound texts are kept 30 days: long enough for any redelivery of the same text.
  { collection: SMS_INBOUND, key: { at: 1 }, options: { expireAfterSeconds: 30 * 86_400 } },
];

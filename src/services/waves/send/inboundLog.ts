import type { Db } from '../../../datasources/store';

/** Texts fans sent to our senders, each kept once by the provider's id (30 days). */
export const SMS_INBOUND = 'smsInbound';

export interface SmsInboundDoc {
  /** The provider's id of the inbound text. */
  _id: string;
  from: string;
  to: string;
  body: string;
  /** What it asked for: OPT_OUT, OPT_IN, HELP, or null (no keyword). */
  keyword: string | null;
  brand: string;
  at: Date;
}

/**
 * Records an inbound text; true the first time. Providers deliver at least once, and a reply
 * (the opt-out confirmation, the help text) goes only for the first delivery: at most once,
 * since a text sent twice cannot be taken back.
 */
export async function recordInbound(db: Db, inbound: SmsInboundDoc): Promise<boolean> {
  try {
    await db.collection<SmsInboundDoc>(SMS_INBOUND).insertOne(inbound);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
}

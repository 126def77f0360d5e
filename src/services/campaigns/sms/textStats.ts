import type { Db } from '../../../datasources/store';
import { WAVES, type WaveDoc, type WaveStatus } from '../../waves/model';
import { getCampaign } from '../campaigns';
import type { CampaignDoc } from '../model';
import { notTexted } from './campaignWave';

/** A MOBILE campaign's texts: the skips counted when its wave was made, then its wave's counts. */
export interface TextStats {
  waveId: string;
  waveStatus: WaveStatus;
  texts: number;
  notTexted: number;
  noPhone: number;
  noSmsConsent: number;
  textNotSendable: number;
  archived: number;
  optedOut: number;
  sent: number;
  delivered: number;
  undelivered: number;
  failed: number;
  expired: number;
  uncertain: number;
  skipped: number;
  segments: number;
}

/**
 * The figures of a campaign's texts, or null for a campaign that has no SMS wave (not MOBILE, or
 * not launched yet). Two reads by id: the figures are kept as they change (the skips on the
 * campaign when its wave is made, the wave's counts as its texts are sent and receipts come).
 */
export async function textStats(db: Db, campaignId: string): Promise<TextStats | null> {
  const campaign: CampaignDoc = await getCampaign(db, campaignId);
  if (!campaign.smsWaveId) return null;
  const wave = await db.collection<WaveDoc>(WAVES).findOne({ _id: campaign.smsWaveId });
  if (!wave) return null;
  const skips = campaign.textSkips ?? {};
  const { counts } = wave;
  return {
    waveId: wave._id,
    waveStatus: wave.status,
    texts: counts.total,
    notTexted: notTexted(skips),
    noPhone: skips.NO_PHONE ?? 0,
    noSmsConsent: skips.NO_SMS_CONSENT ?? 0,
    textNotSendable: (skips.TEXT_TOO_LONG ?? 0) + (skips.EMPTY_TEXT ?? 0),
    archived: skips.ARCHIVED ?? 0,
    optedOut: (skips.OPTED_OUT ?? 0) + counts.optedOut,
    sent: counts.sms,
    delivered: counts.delivered,
    undelivered: counts.undelivered,
    failed: counts.failed,
    expired: counts.expired,
    uncertain: counts.uncertain,
    skipped: counts.skipped,
    segments: counts.segments,
  };
}

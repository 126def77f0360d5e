import { z } from 'zod';
import { smsBodyProblem } from '../../../datasources/sms';
import type { Db } from '../../../datasources/store';
import { badInput } from '../../../errors';
import { checkRate, senderCap } from '../../waves/lifecycle/waveRules';
import { MAX_VALIDITY_SECONDS, MIN_VALIDITY_SECONDS, type RateSettings } from '../../waves/upload/waveConfigInput';
import { C, type CampaignDoc, type CampaignSms, type TemplateDoc } from '../model';

/** A campaign's texts may wait a whole night of quiet hours and still go. */
export const CAMPAIGN_VALIDITY_SECONDS = 24 * 3600;

const MAX_SENDER = 100;

/** How a MOBILE campaign texts, as createCampaign and updateCampaign take it. */
export const campaignSmsInput = z
  .object({
    sender: z.string().trim().min(1, 'required').max(MAX_SENDER),
    senderKind: z.enum(['LONG_CODE', 'TOLL_FREE', 'SHORT_CODE']).nullish(),
    messageType: z.enum(['TRANSACTIONAL', 'PROMOTIONAL']),
    brand: z.string().trim().max(MAX_SENDER).nullish(),
    segmentsPerSecond: z.number().positive().nullish(),
    validitySeconds: z.number().int().min(MIN_VALIDITY_SECONDS).max(MAX_VALIDITY_SECONDS).nullish(),
  })
  .transform((input): CampaignSms => ({
    sender: input.sender,
    senderKind: input.senderKind ?? 'LONG_CODE',
    messageType: input.messageType,
    brand: input.brand || input.sender,
    segmentsPerSecond: input.segmentsPerSecond ?? null,
    validitySeconds: input.validitySeconds ?? CAMPAIGN_VALIDITY_SECONDS,
  }));

/** The campaign's SMS settings with its rate: the one given, else the sender kind's cap. */
export function smsSettingsOf(sms: CampaignSms, rates: RateSettings): CampaignSms & { segmentsPerSecond: number } {
  return { ...sms, segmentsPerSecond: sms.segmentsPerSecond ?? senderCap(rates, sms.senderKind) };
}

/**
 * BAD_USER_INPUT naming the field unless a MOBILE campaign can text: its SMS settings given, its
 * rate within the sender's cap (when `rates` are given: the launch always gives them), its
 * template with an SMS text of at most 1,600 characters. Checked when the campaign is saved, and
 * again at its launch (the template may have changed since).
 */
export async function assertTextable(
  db: Db,
  campaign: Pick<CampaignDoc, 'type' | 'sms' | 'templateId'>,
  rates?: RateSettings,
): Promise<void> {
  if (campaign.type !== 'MOBILE') return;
  const { sms } = campaign;
  if (!sms) throw badInput('sms: a MOBILE campaign needs its SMS settings (sender and messageType)', 'sms');
  if (rates && sms.segmentsPerSecond !== null) {
    checkRate(rates, sms.senderKind, sms.segmentsPerSecond, 'sms.segmentsPerSecond');
  }
  const template = await db
    .collection<TemplateDoc>(C.templates)
    .findOne({ _id: campaign.templateId }, { projection: { sms: 1 } });
  if (!template?.sms) {
    throw badInput(`templateId: template ${campaign.templateId} has no SMS text for a MOBILE campaign`, 'templateId');
  }
  const problem = smsBodyProblem(template.sms);
  if (problem) throw badInput(`templateId: the SMS text of template ${campaign.templateId}: ${problem}`, 'templateId');
}

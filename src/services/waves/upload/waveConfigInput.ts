import type { Config } from '../../../config';
import { smsBodyProblem, type SmsMessageType } from '../../../datasources/sms';
import { badInput } from '../../../errors';
import type { CampaignDirectory } from '../../fans/campaignDirectory';
import { checkNotifyDate, checkRate, senderCap } from '../lifecycle/waveRules';
import type { SenderKind, WaveConfig } from '../model';
import { placeholdersOf } from './template';

/** A wave's settings as uploadWave and createWaveFromPrep take them (the GraphQL input). */
export interface WaveConfigInput {
  campaignId: string;
  /** Shown in lists; the file's name when not given. */
  name?: string | null;
  notifyDate: Date;
  generateOfferCode?: boolean | null;
  messageTemplate: string;
  emailSubjectTemplate?: string | null;
  emailTemplate?: string | null;
  validitySeconds?: number | null;
  /** At most the sender's cap; the cap when not given. */
  segmentsPerSecond?: number | null;
  sender: string;
  senderKind?: SenderKind | null;
  messageType: SmsMessageType;
  /** Whose opt-outs apply; the sender when not given. */
  brand?: string | null;
}

export const DEFAULT_VALIDITY_SECONDS = 4 * 3600;
export const MAX_VALIDITY_SECONDS = 7 * 86_400;
export const MIN_VALIDITY_SECONDS = 60;
const MAX_NAME = 200;
const MAX_SENDER = 100;
const MAX_EMAIL_TEMPLATE = 100_000;
const MAX_SUBJECT = 500;

export type RateSettings = Pick<Config, 'WAVE_RATE_LONG_CODE' | 'WAVE_RATE_TOLL_FREE' | 'WAVE_RATE_SHORT_CODE'>;

/**
 * The input checked and completed into a wave's stored config: the campaign exists, notifyDate
 * is ahead and within 35 days, the rate within the sender's cap, the templates usable.
 * BAD_USER_INPUT (NOT_FOUND for the campaign) naming the field; nothing is kept.
 */
export async function checkWaveConfig(
  input: WaveConfigInput,
  deps: { config: RateSettings; directory: CampaignDirectory },
  now = new Date(),
): Promise<{ name: string | null; config: WaveConfig }> {
  const name = optionalText(input.name, 'config.name', MAX_NAME);
  const messageTemplate = input.messageTemplate ?? '';
  const problem = smsBodyProblem(messageTemplate);
  if (problem) throw badInput(`config.messageTemplate: ${problem}`, 'config.messageTemplate');
  const emailSubjectTemplate = optionalText(input.emailSubjectTemplate, 'config.emailSubjectTemplate', MAX_SUBJECT);
  const emailTemplate = optionalText(input.emailTemplate, 'config.emailTemplate', MAX_EMAIL_TEMPLATE);
  if ((emailSubjectTemplate === null) !== (emailTemplate === null)) {
    throw badInput(
      'config.emailTemplate: give the e-mail fallback its subject and body, or neither',
      'config.emailTemplate',
    );
  }
  const generateOfferCode = input.generateOfferCode === true;
  if (generateOfferCode && !placeholdersOf(messageTemplate).includes('code')) {
    throw badInput(
      'config.messageTemplate: generateOfferCode needs a {{code}} placeholder to show it',
      'config.messageTemplate',
    );
  }
  const validitySeconds = input.validitySeconds ?? DEFAULT_VALIDITY_SECONDS;
  if (
    !Number.isInteger(validitySeconds) ||
    validitySeconds < MIN_VALIDITY_SECONDS ||
    validitySeconds > MAX_VALIDITY_SECONDS
  ) {
    throw badInput(
      `config.validitySeconds: whole seconds from ${MIN_VALIDITY_SECONDS} to ${MAX_VALIDITY_SECONDS}`,
      'config.validitySeconds',
    );
  }
  const sender = optionalText(input.sender, 'config.sender', MAX_SENDER);
  if (!sender) throw badInput('config.sender: required', 'config.sender');
  const senderKind = input.senderKind ?? 'LONG_CODE';
  const segmentsPerSecond = input.segmentsPerSecond ?? senderCap(deps.config, senderKind);
  checkRate(deps.config, senderKind, segmentsPerSecond, 'config.segmentsPerSecond');
  checkNotifyDate(input.notifyDate, now, 'config.notifyDate');
  const campaign = await deps.directory.require(String(input.campaignId ?? '').trim());
  return {
    name,
    config: {
      campaignId: campaign._id,
      notifyDate: input.notifyDate,
      generateOfferCode,
      messageTemplate,
      emailSubjectTemplate,
      emailTemplate,
      validitySeconds,
      segmentsPerSecond,
      sender,
      senderKind,
      messageType: input.messageType,
      brand: optionalText(input.brand, 'config.brand', MAX_SENDER) ?? sender,
    },
  };
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  const text = value?.trim() ?? '';
  if (text.length > max) throw badInput(`${field}: at most ${max} characters`, field);
  return text === '' ? null : text;
}

import { measureSms, smsBodyProblem } from '../../../datasources/sms';
import { UNSENT_MESSAGE, type WaveConfig, type WaveMessageDoc, type WaveReject } from '../model';
import { messageValues } from './messageValues';
import type { RecipientFacts } from './recipientLookups';
import type { RecipientDraft } from './recipientRow';
import { renderTemplate } from './template';

/** Recipients kept so far in the file: a second row for the same fan or phone is a duplicate. */
export class SeenRecipients {
  private readonly lines = new Map<string, number>();

  /** The line that already holds one of the keys, or null (and the keys are taken for `line`). */
  claim(keys: string[], line: number): number | null {
    for (const key of keys) {
      const first = this.lines.get(key);
      if (first !== undefined) return first;
    }
    for (const key of keys) this.lines.set(key, line);
    return null;
  }
}

export interface CheckContext {
  waveId: string;
  config: WaveConfig;
  facts: RecipientFacts;
  seen: SeenRecipients;
  now: Date;
}

/**
 * The store-side checks of one recipient, in the order a person would fix them: the fan known
 * by e-mail, SMS consent for a promotional wave, the number not opted out, a phone or an e-mail
 * fallback, every placeholder filled, the text at most 1,600 characters, and no earlier row for
 * the same fan or phone. Answers the message to keep, or the reject with the row's line.
 */
export function checkRecipient(draft: RecipientDraft, context: CheckContext): WaveMessageDoc | WaveReject {
  const { config, facts } = context;
  const reject = (reason: string): WaveReject => ({ line: draft.row, reason });
  if (!draft.userId && facts.emailMatches(draft) > 1) {
    return reject(`email: ${facts.emailMatches(draft)} fans of the campaign registered with it; give the userId`);
  }
  const entry = facts.entryOf(draft);
  if (config.messageType === 'PROMOTIONAL' && !entry?.smsConsent) {
    return reject('no recorded SMS consent: a PROMOTIONAL wave texts only fans who gave it');
  }
  if (draft.phone && facts.optedOut(draft.phone)) return reject(`phone: ${draft.phone} opted out of ${config.brand}`);
  const email = draft.email ?? entry?.email ?? null;
  const fallback = email !== null && config.emailTemplate !== null;
  if (!draft.phone && !fallback) {
    const why = draft.invalidPhone
      ? `${draft.invalidPhone} is not a valid number in ${draft.market.country}`
      : 'required';
    return reject(`phone: ${why} (and the row has no e-mail fallback)`);
  }
  const firstName = draft.firstName ?? entry?.firstName ?? null;
  const rendered = renderTemplate(
    config.messageTemplate,
    messageValues({ fields: draft.fields, firstName, code: draft.code }),
  );
  if ('missing' in rendered) return reject(`{{${rendered.missing}}}: no value in this row`);
  const problem = smsBodyProblem(rendered.text);
  if (problem) return reject(`text: ${problem}`);
  const userId = draft.userId ?? entry?.userId ?? null;
  const keys = [userId ? `user:${userId}` : `email:${email}`, ...(draft.phone ? [`phone:${draft.phone}`] : [])];
  const first = context.seen.claim(keys, draft.row);
  if (first !== null) return reject(`duplicate recipient: the same fan or phone as line ${first}`);
  return {
    _id: `${context.waveId}:${draft.row}`,
    waveId: context.waveId,
    row: draft.row,
    campaignId: config.campaignId,
    userId,
    email,
    phone: draft.phone,
    firstName,
    market: draft.market.id,
    timeZone: draft.market.timeZone,
    code: draft.code,
    codeKind: draft.codeKind,
    fields: draft.fields,
    text: rendered.text,
    segments: measureSms(rendered.text).segments,
    ...UNSENT_MESSAGE,
    updatedAt: context.now,
  };
}

export const isMessage = (checked: WaveMessageDoc | WaveReject): checked is WaveMessageDoc => 'waveId' in checked;

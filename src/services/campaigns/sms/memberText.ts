import { measureSms, SMS_MAX_CHARACTERS, type SmsMessageType } from '../../../datasources/sms';
import type { TextSkipReason } from '../model';
import type { RecipientMember } from '../recipientMembers';
import { renderText } from '../render';

/** What a MOBILE campaign's texts are checked against: its SMS template, message type and opt-outs. */
export interface TextRules {
  template: string;
  messageType: SmsMessageType;
  /** Whether the number is on the opt-out list of the campaign's brand (or of every brand). */
  optedOut(phone: string): boolean;
}

export type MemberText = { phone: string; text: string; segments: number } | { skip: TextSkipReason };

/**
 * The text one member of a MOBILE campaign gets, or why none, in the order a person would fix
 * it: a member archived since the freeze, no phone, no recorded SMS consent for a PROMOTIONAL
 * campaign, a number on the opt-out list, a text that is empty or over 1,600 characters once its
 * placeholders are filled. The text is measured in segments (GSM-7 160/153, UCS-2 70/67).
 */
export function memberText(member: RecipientMember | undefined, rules: TextRules): MemberText {
  if (!member || member.archivedAt) return { skip: 'ARCHIVED' };
  if (!member.phone) return { skip: 'NO_PHONE' };
  if (rules.messageType === 'PROMOTIONAL' && !member.smsConsentAt) return { skip: 'NO_SMS_CONSENT' };
  if (rules.optedOut(member.phone)) return { skip: 'OPTED_OUT' };
  const text = renderText(rules.template, {
    email: member.email,
    name: member.name,
    attributes: member.attributes ?? {},
  });
  if (text.trim() === '') return { skip: 'EMPTY_TEXT' };
  const { characters, segments } = measureSms(text);
  if (characters > SMS_MAX_CHARACTERS) return { skip: 'TEXT_TOO_LONG' };
  return { phone: member.phone, text, segments };
}

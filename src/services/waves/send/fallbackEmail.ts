import type { MessagingPort } from '../../../datasources/messaging/port';
import type { WaveConfig, WaveMessageDoc } from '../model';
import { messageValues } from '../upload/messageValues';
import { renderTemplate } from '../upload/template';

/** The e-mail that goes instead of a text, or why none can. */
export type FallbackEmail = { to: string; subject: string; text: string } | { impossible: string };

/**
 * The fallback e-mail of a message: the wave's e-mail templates filled from the message's values,
 * to the recipient's e-mail. Impossible without an e-mail, without templates, or when a
 * placeholder has no value for this recipient.
 */
export function fallbackEmailOf(
  config: Pick<WaveConfig, 'emailSubjectTemplate' | 'emailTemplate'>,
  message: WaveMessageDoc,
): FallbackEmail {
  if (!message.email) return { impossible: 'no e-mail' };
  if (!config.emailTemplate) return { impossible: 'the wave has no e-mail template' };
  const values = messageValues(message);
  const body = renderTemplate(config.emailTemplate, values);
  const subject = renderTemplate(config.emailSubjectTemplate ?? '', values);
  if ('missing' in body) return { impossible: `{{${body.missing}}} has no value` };
  if ('missing' in subject) return { impossible: `{{${subject.missing}}} has no value` };
  return { to: message.email, subject: subject.text, text: body.text };
}

/** Sends it through the messaging port's e-mail channel: one e-mail per message, whatever the retries. */
export async function sendFallbackEmail(
  messaging: MessagingPort,
  message: WaveMessageDoc,
  email: { to: string; subject: string; text: string },
): Promise<void> {
  await messaging.send(
    {
      channel: 'EMAIL',
      to: email.to,
      subject: email.subject,
      text: email.text,
      metadata: { waveId: message.waveId, messageId: message._id, campaignId: message.campaignId },
    },
    { idempotencyKey: `${message._id}:email` },
  );
}

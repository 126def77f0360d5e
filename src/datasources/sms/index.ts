import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { QueuePort } from '../queue/port';
import type { Db } from '../store';
import type { IndexDeclaration } from '../store/indexes';
import { AwsSms } from './aws/awsSms';
import { OutboxSms } from './outbox/outboxSms';
import { SMS_OUTBOX_COLLECTION, type SmsPort } from './port';
import { TwilioSms } from './twilio/twilioSms';

export * from './port';
export * from './status';
export * from './segments';
export * from './keywords';
export { OutboxSms, type OutboxSmsOptions } from './outbox/outboxSms';
export type { SmsOutboxDocument } from './outbox/receiptPump';
export { AwsSms, type AwsSmsOptions } from './aws/awsSms';
export { parseAwsSmsNotification, SmsEventFormatError } from './aws/awsEvents';
export { TwilioSms, type TwilioSmsOptions } from './twilio/twilioSms';
export { twilioSignature, verifyTwilioSignature } from './twilio/signature';

/** The outbox engine's indexes (harmless with the other engines: the collection stays empty). */
export const smsIndexes: IndexDeclaration[] = [
  // the receipt pump's due receipts; sent texts lose the field once their receipt was taken
  { collection: SMS_OUTBOX_COLLECTION, key: { receiptDueAt: 1 }, options: { sparse: true } },
  // findSentSince, and the sender that last texted a number
  { collection: SMS_OUTBOX_COLLECTION, key: { to: 1, sentAt: -1 } },
];

export type SmsConfig = Pick<
  Config,
  | 'SMS_BACKEND'
  | 'SMS_OUTBOX_RECEIPT_DELAY_MS'
  | 'SMS_OUTBOX_FAIL_RATE'
  | 'SMS_OUTBOX_FAIL_CODES'
  | 'SMS_AWS_CONFIGURATION_SET'
  | 'SMS_AWS_EVENTS_QUEUE'
  | 'SMS_AWS_INBOUND_QUEUE'
  | 'SMS_REQUEST_TIMEOUT_MS'
  | 'TWILIO_ACCOUNT_SID'
  | 'TWILIO_AUTH_TOKEN'
  | 'TWILIO_API_BASE_URL'
  | 'PUBLIC_BASE_URL'
  | 'AWS_REGION'
>;

/**
 * The SMS engine chosen by SMS_BACKEND: `outbox` (the `smsOutbox` collection, with receipts it
 * makes itself), `aws` (End User Messaging SMS; events read from SMS_AWS_EVENTS_QUEUE on the
 * queue port) or `twilio` (the Messages API; callbacks to PUBLIC_BASE_URL). A missing setting of
 * the chosen engine throws here, at start-up.
 */
export function createSmsPort(config: SmsConfig, db: Db, deps: { queue: QueuePort; logger?: Logger }): SmsPort {
  if (config.SMS_BACKEND === 'aws') {
    return new AwsSms({
      // one attempt: a send the SDK retried after a lost answer could go out twice
      client: new PinpointSMSVoiceV2Client({ region: config.AWS_REGION, maxAttempts: 1 }),
      queue: deps.queue,
      eventsQueue: config.SMS_AWS_EVENTS_QUEUE,
      inboundQueue: config.SMS_AWS_INBOUND_QUEUE,
      configurationSet: config.SMS_AWS_CONFIGURATION_SET,
      logger: deps.logger,
    });
  }
  if (config.SMS_BACKEND === 'twilio') {
    const missing = (['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL'] as const).filter(
      (name) => !config[name],
    );
    if (missing.length > 0) throw new Error(`SMS_BACKEND=twilio needs ${missing.join(', ')}`);
    return new TwilioSms({
      accountSid: config.TWILIO_ACCOUNT_SID!,
      authToken: config.TWILIO_AUTH_TOKEN!,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
      publicBaseUrl: config.PUBLIC_BASE_URL!,
      timeoutMs: config.SMS_REQUEST_TIMEOUT_MS,
      logger: deps.logger,
    });
  }
  return new OutboxSms(db, {
    receiptDelayMs: config.SMS_OUTBOX_RECEIPT_DELAY_MS,
    failRate: config.SMS_OUTBOX_FAIL_RATE,
    failCodes: config.SMS_OUTBOX_FAIL_CODES.split(',').map((code) => Number(code.trim())),
    logger: deps.logger,
  });
}

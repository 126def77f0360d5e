import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Db } from '../store';
import type { Config } from '../../config';
import { OutboxMessaging } from './outbox/outbox';
import { SesMessaging } from './ses/ses';
import type { MessagingPort } from './port';

export * from './port';
export { OutboxMessaging } from './outbox/outbox';
export { SesMessaging } from './ses/ses';

/**
 * The messaging engine chosen by MESSAGING_BACKEND: `outbox` (the `outbox` collection, readable
 * through GraphQL) or `ses` (Amazon SES v2 from SES_FROM_ADDRESS, with the outbox as its ledger).
 */
export function createMessagingPort(config: Config, db: Db): MessagingPort {
  if (config.MESSAGING_BACKEND === 'outbox') return new OutboxMessaging(db, config.SES_FROM_ADDRESS);
  if (!config.SES_FROM_ADDRESS) throw new Error('MESSAGING_BACKEND=ses needs SES_FROM_ADDRESS');
  return new SesMessaging(new SESv2Client({ region: config.AWS_REGION }), db, config.SES_FROM_ADDRESS);
}

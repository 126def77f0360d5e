import { OUTBOX_COLLECTION } from '../../datasources/messaging/port';
import type { IndexDeclaration } from '../../datasources/store/indexes';
import { C } from '../campaigns/model';
import { FAN_ENTRIES } from '../fans/model';
import { LEADS } from '../leads/model';
import { WAVE_MESSAGES } from '../waves/model';
import { SMS_INBOUND } from '../waves/send/inboundLog';
import { ERASURES, PRIVACY_EXPORTS, PRIVACY_REQUESTS } from './model';

/**
 * The privacy domain's own indexes, and the ones its look-ups need on other domains' collections
 * (a person found by e-mail or number where nothing else reads by them): written once per
 * document, never moved by the pipelines' updates.
 */
export const privacyIndexes: IndexDeclaration[] = [
  { collection: ERASURES, key: { at: -1 } },
  { collection: PRIVACY_EXPORTS, key: { 'hashes.email': 1 } },
  { collection: PRIVACY_EXPORTS, key: { 'hashes.phone': 1 } },
  { collection: PRIVACY_EXPORTS, key: { expiresAt: 1 } },
  // a request's e-mail and number are dropped 30 days on at the latest, whatever its job did
  { collection: PRIVACY_REQUESTS, key: { expiresAt: 1 }, options: { expireAfterSeconds: 0 } },
  { collection: C.members, key: { phone: 1 } },
  { collection: WAVE_MESSAGES, key: { email: 1 } },
  { collection: WAVE_MESSAGES, key: { phone: 1 } },
  { collection: FAN_ENTRIES, key: { phone: 1 } },
  // every lead by e-mail (the unique { email } one holds open leads only), and by number
  { collection: LEADS, key: { email: 1, status: 1 } },
  { collection: LEADS, key: { phone: 1 } },
  { collection: OUTBOX_COLLECTION, key: { to: 1 } },
  { collection: SMS_INBOUND, key: { from: 1 } },
  { collection: C.events, key: { memberId: 1 } },
  { collection: 'sfmc_click_log', key: { 'values.SubscriberKey': 1 } },
];

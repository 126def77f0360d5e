import {
  SMS_OUTBOX_COLLECTION,
  SMS_OUTBOX_OPT_OUTS_COLLECTION,
  type SmsOutboxDocument,
} from '../../../datasources/sms';
import { OPT_OUTS, WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../../waves/model';
import { SMS_INBOUND } from '../../waves/send/inboundLog';
import type { PersonTrail } from '../trail';
import { deleteMatching, updateMatching, type StoreHolder } from './holder';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches the person's e-mail or number inside free text (a reject's reason). */
const contactPattern = (trail: PersonTrail) => [...trail.emails, ...trail.phones].map(escapeRegex).join('|');

const byPhones = (field: string) => (trail: PersonTrail) =>
  trail.phones.length ? { [field]: { $in: trail.phones } } : null;

/**
 * SMS waves: a message stays (its wave's counts are recounted from the messages) without e-mail,
 * number, name, row values or text, under the fan's pseudonymous userId; a PENDING one is then
 * skipped by the sender (no contact). Rejects' reasons lose the value. Opt-outs, inbound texts and
 * the embedded provider's records of the number go, or keep only their ids: the suppression list
 * takes over from the opt-outs.
 */
export const waveHolders: StoreHolder[] = [
  {
    collection: WAVE_MESSAGES,
    domain: 'waves',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.waveMessageIds.length ? { _id: { $in: trail.waveMessageIds } } : null),
    erase: (context, filter) =>
      updateMatching<WaveMessageDoc>(context, WAVE_MESSAGES, filter, (message) => ({
        $set: {
          email: null,
          phone: null,
          firstName: null,
          fields: {},
          text: '',
          userId: message.userId ? context.pseudonyms.userId(message.userId) : null,
          updatedAt: context.now,
        },
      })),
  },
  {
    collection: WAVES,
    domain: 'waves',
    action: 'ANONYMIZE',
    filter: (trail) => ({ 'rejects.reason': { $regex: contactPattern(trail), $options: 'i' } }),
    present: (doc, trail) => {
      const contact = new RegExp(contactPattern(trail), 'i');
      const wave = doc as WaveDoc;
      return { _id: wave._id, name: wave.name, rejects: wave.rejects.filter((reject) => contact.test(reject.reason)) };
    },
    erase: (context, filter, trail) => {
      const contact = new RegExp(contactPattern(trail), 'gi');
      return updateMatching<WaveDoc>(context, WAVES, filter, (wave) => ({
        $set: {
          rejects: wave.rejects.map((reject) => ({ ...reject, reason: reject.reason.replace(contact, '(erased)') })),
        },
      }));
    },
  },
  {
    collection: OPT_OUTS,
    domain: 'waves',
    action: 'DELETE',
    filter: byPhones('phone'),
    erase: (context, filter) => deleteMatching(context, OPT_OUTS, filter),
  },
  {
    collection: SMS_INBOUND,
    domain: 'waves',
    action: 'DELETE',
    filter: byPhones('from'),
    erase: (context, filter) => deleteMatching(context, SMS_INBOUND, filter),
  },
  {
    collection: SMS_OUTBOX_COLLECTION,
    domain: 'messaging',
    action: 'ANONYMIZE',
    filter: byPhones('to'),
    erase: (context, filter) =>
      updateMatching<SmsOutboxDocument>(context, SMS_OUTBOX_COLLECTION, filter, (text) => ({
        $set: { to: context.pseudonyms.phone(text.to), body: '' },
      })),
  },
  {
    collection: SMS_OUTBOX_OPT_OUTS_COLLECTION,
    domain: 'messaging',
    action: 'DELETE',
    filter: byPhones('_id'),
    erase: (context, filter) => deleteMatching(context, SMS_OUTBOX_OPT_OUTS_COLLECTION, filter),
  },
];

import type { RegistrationRecord } from '../../src/services/fans/records';

/**
 * The benchmark's fans, made from their number alone so every phase (registrations, scored file,
 * blacklist, code assignments) agrees on them without keeping them in memory. Fan i is
 * `u0000000i`; one fan in ten has an e-mail the blacklist catches in one of the forms the scrub must
 * see through (case, spaces, plus-tags, Gmail dots, a blacklisted domain or a subdomain of one).
 */
export const CAMPAIGN_ID = 'bench-fans';

export const MARKETS = [
  { id: 'nyc', name: 'New York', city: 'New York', country: 'US', timeZone: 'America/New_York' },
  { id: 'lax', name: 'Los Angeles', city: 'Los Angeles', country: 'US', timeZone: 'America/Los_Angeles' },
  { id: 'chi', name: 'Chicago', city: 'Chicago', country: 'US', timeZone: 'America/Chicago' },
  { id: 'bos', name: 'Boston', city: 'Boston', country: 'US', timeZone: 'America/New_York' },
];

export const BLACKLISTED_DOMAINS = ['spammy-mail.com', 'throwaway-inbox.net'];

const AREA_CODES = ['212', '310', '312', '617'];

/** Registrations spread over one UTC day: yesterday's, so a merge of the day is a merge of a past day. */
export const REGISTRATION_DAY = (() => {
  const today = new Date();
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1);
})();

export const userIdOf = (i: number) => `u${String(i).padStart(8, '0')}`;

/** The e-mail as the data-science file writes it: for the one fan in ten caught, a variant of a blacklisted one. */
export function scoredEmailOf(i: number): string {
  switch (i % 100) {
    case 0:
      return `USER${i}@EXAMPLE.COM`;
    case 1:
      return `  user${i}@example.com `;
    case 2:
      return `user${i}+tickets@example.com`;
    case 3:
      return `fan.user.${i}@gmail.com`;
    case 4:
      return ` Fan.User.${i}+Promo@GMail.com`;
    case 5:
      return `user${i}@spammy-mail.com`;
    case 6:
      return `user${i}@mail.spammy-mail.com`;
    case 7:
      return `USER${i}@EU.MAIL.SPAMMY-MAIL.COM`;
    case 8:
      return `user${i}@throwaway-inbox.net`;
    case 9:
      return `user${i}@x.throwaway-inbox.net`;
    default:
      return i % 7 === 0 ? `fan.${i}@gmail.com` : `user${i}@example.com`;
  }
}

/** Whether fan i's e-mail is caught by the blacklist (one fan in ten). */
export const isBlacklisted = (i: number) => i % 100 < 10;

/** The e-mail addresses to blacklist (normalized): the fans caught by address, not by domain. */
export function blacklistedEmailOf(i: number): string | null {
  switch (i % 100) {
    case 0:
    case 1:
    case 2:
      return `user${i}@example.com`;
    case 3:
    case 4:
      return `fanuser${i}@gmail.com`;
    default:
      return null;
  }
}

/** A valid US mobile-style number in E.164, in the fan's first market's area. */
export const phoneOf = (i: number) =>
  `+1${AREA_CODES[i % AREA_CODES.length]}${String(2_000_000 + ((i * 7919) % 8_000_000)).padStart(7, '0')}`;

/** A score in [0, 1), spread evenly but not in fan order. */
export const scoreOf = (i: number) => ((i * 2_654_435_761) % 1_000_003) / 1_000_003;

export function registrationOf(i: number): RegistrationRecord {
  const registeredAt = REGISTRATION_DAY + (i % 1_000_000) * 80;
  return {
    type: 'registration',
    campaignId: CAMPAIGN_ID,
    userId: userIdOf(i),
    email: scoredEmailOf(i).trim().toLowerCase(),
    phone: phoneOf(i),
    firstName: `Fan${i}`,
    marketPreferences: [MARKETS[i % MARKETS.length]!.id, MARKETS[(i + 1) % MARKETS.length]!.id],
    smsConsentSource: i % 3 === 0 ? null : 'registration-form',
    smsConsentAt: i % 3 === 0 ? null : registeredAt,
    registeredAt,
  };
}

/** Lines [from, to) of the NDJSON body a client would post. */
export function registrationLines(from: number, to: number): string {
  let body = '';
  for (let i = from; i < to; i++) body += `${JSON.stringify(registrationOf(i))}\n`;
  return body;
}

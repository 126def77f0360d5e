import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Phone numbers as the scrub judges them: with libphonenumber-js's default (min) metadata, the
 * build registrations are read with (ingest/phone.ts), so a number a fan registered with is
 * never refused here. Measured on one core of this service's hosts, the min, max and default
 * builds all parse and validate about 80,000-90,000 numbers a second (the library compiles its
 * patterns anew on each call), so the build is chosen for agreeing with registrations, and the
 * scrub skips numbers equal to the entry's, which registration validated already.
 */
/** Characters written between the digits of a phone number: space, no-break space, - . / ( ). */
const SEPARATORS = new Set([32, 160, 45, 46, 47, 40, 41]);

export class PhoneCheck {
  /** Markets' countries as the library names them (undefined: unknown to it), looked up once each. */
  private readonly regions = new Map<string, CountryCode | undefined>();

  /**
   * True for an empty phone (a row need not have one) and for a valid number: international
   * (`+...`) or national in `country` (ISO 3166-1 alpha-2, the fan's market's).
   */
  isValid(raw: string, country: string | null): boolean {
    const phone = raw.trim();
    if (phone === '') return true;
    const parsed = parsePhoneNumberFromString(phone, { defaultCountry: this.region(country), extract: false });
    return parsed !== undefined && parsed.isValid();
  }

  /**
   * True when `raw` is written as the international number `e164` is, give or take the spaces,
   * dashes, dots, slashes and parentheses people put in (`+1 (212) 555-0199` is `+12125550199`):
   * a number registration validated already, which need not be parsed again.
   */
  sameNumber(raw: string, e164: string | null): boolean {
    if (e164 === null) return false;
    let at = 0;
    for (let i = 0; i < raw.length; i++) {
      const code = raw.charCodeAt(i);
      if (SEPARATORS.has(code)) continue;
      if (at >= e164.length || code !== e164.charCodeAt(at)) return false;
      at += 1;
    }
    return at === e164.length;
  }

  private region(country: string | null): CountryCode | undefined {
    if (!country) return undefined;
    if (!this.regions.has(country)) {
      const code = country.toUpperCase();
      this.regions.set(country, isSupportedCountry(code) ? (code as CountryCode) : undefined);
    }
    return this.regions.get(country);
  }
}

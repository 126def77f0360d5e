import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * A phone number in E.164 (+14155550100), read in `country` (ISO 3166-1 alpha-2, the fan's
 * market's) when it has no international prefix; null when there is none or it is not a valid
 * number there. A fan's bad phone number does not refuse the registration: the fan is reached by
 * e-mail, and the scoring marks the entry when the phone matters.
 */
export function toE164(text: string | null, country: string | null): string | null {
  if (!text) return null;
  const region =
    country && isSupportedCountry(country.toUpperCase()) ? (country.toUpperCase() as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(text, region);
  return parsed?.isValid() ? parsed.number : null;
}

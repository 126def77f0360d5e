import { toE164 } from '../../src/services/fans/ingest/phone';
import { PhoneCheck } from '../../src/services/fans/scoring/phoneCheck';

describe('phone checks of the scrub', () => {
  const phones = new PhoneCheck();

  it.each([
    ['', 'US', true],
    ['  ', null, true],
    ['+1 212 555 0199', null, true],
    ['(212) 555-0199', 'US', true],
    ['2125550199', 'us', true],
    ['07400 123456', 'GB', true],
    ['07400 123456', 'US', false],
    ['12345', 'US', false],
    ['+1 212 555 0199 call me', 'US', false],
    ['not a phone', 'US', false],
    ['2125550199', 'XX', false],
  ])('judges %j in %s valid: %s', (phone, country, valid) => {
    expect(phones.isValid(phone, country)).toBe(valid);
  });

  it('agrees with the registrations on the numbers they keep', () => {
    for (const [raw, country] of [
      ['(212) 555-0199', 'US'],
      ['07400 123456', 'GB'],
      ['+49 151 12345678', 'DE'],
    ] as const) {
      const e164 = toE164(raw, country)!;
      expect(phones.isValid(e164, null)).toBe(true);
      expect(phones.isValid(raw, country)).toBe(true);
    }
  });

  it.each([
    ['+12125550199', '+12125550199', true],
    ['+1 (212) 555-0199', '+12125550199', true],
    ['+1.212.555.0199', '+12125550199', true],
    ['+1 212 555 0198', '+12125550199', false],
    ['2125550199', '+12125550199', false],
    ['+121255501990', '+12125550199', false],
    ['+12125550199', null, false],
  ])('takes %j for the registered %s: %s', (raw, registered, same) => {
    expect(phones.sameNumber(raw, registered)).toBe(same);
  });
});

import { readPhone, readSmsConsent, readTimeZone } from '../../src/services/campaigns/memberContact';
import { memberText, type TextRules } from '../../src/services/campaigns/sms/memberText';
import { textOutcome } from '../../src/services/campaigns/sms/textOutcomes';
import type { RecipientMember } from '../../src/services/campaigns/recipientMembers';

describe('reading a member SMS contact', () => {
  it.each([
    ['+1 415 555 0100', 'US', '+14155550100'],
    ['(415) 555-0100', 'US', '+14155550100'],
    ['07911 123456', 'GB', '+447911123456'],
    ['+447911123456', 'US', '+447911123456'],
    ['', 'US', null],
    [null, 'US', null],
  ])('phone %p in %s: %p', (text, country, phone) => {
    expect(readPhone(text, country)).toEqual({ value: phone });
  });

  it.each([
    ['12', 'US'],
    ['+1 555 555 0100', 'US'],
    ['not a phone', 'GB'],
  ])('phone %p in %s: a problem naming it', (text, country) => {
    expect(readPhone(text, country)).toEqual({ problem: expect.stringContaining(text) });
  });

  it('time zones: IANA names, blank for none', () => {
    expect(readTimeZone('Europe/Paris')).toEqual({ value: 'Europe/Paris' });
    expect(readTimeZone(' ')).toEqual({ value: null });
    expect(readTimeZone('Mars/Olympus')).toEqual({ problem: expect.stringContaining('Mars/Olympus') });
  });

  const at = new Date('2026-03-01T12:00:00Z');
  it.each([
    ['yes', at],
    ['TRUE', at],
    ['1', at],
    ['no', null],
    ['', null],
    ['2025-11-02T10:00:00Z', new Date('2025-11-02T10:00:00Z')],
    [new Date('2025-01-05T00:00:00Z'), new Date('2025-01-05T00:00:00Z')],
  ])('SMS consent %p: %p', (value, consent) => {
    expect(readSmsConsent(value, at)).toEqual({ value: consent });
  });

  it('SMS consent that is neither yes, no nor a date is a problem', () => {
    expect(readSmsConsent('maybe', at)).toEqual({ problem: expect.stringContaining('maybe') });
  });
});

describe('the text a member of a MOBILE campaign gets', () => {
  const member = (fields: Partial<RecipientMember> = {}): RecipientMember => ({
    _id: 'm1',
    email: 'ann@example.com',
    name: 'Ann',
    attributes: { city: 'Boston' },
    phone: '+14155550100',
    smsConsentAt: new Date(),
    ...fields,
  });
  const rules = (fields: Partial<TextRules> = {}): TextRules => ({
    template: 'Hi {{name}} from {{city}}',
    messageType: 'PROMOTIONAL',
    optedOut: () => false,
    ...fields,
  });

  it.each([
    ['archived since the freeze', member({ archivedAt: new Date() }), rules(), 'ARCHIVED'],
    ['gone', undefined, rules(), 'ARCHIVED'],
    ['no phone', member({ phone: null }), rules(), 'NO_PHONE'],
    ['promotional without consent', member({ smsConsentAt: null }), rules(), 'NO_SMS_CONSENT'],
    ['opted out', member(), rules({ optedOut: (phone) => phone === '+14155550100' }), 'OPTED_OUT'],
    ['empty once filled', member({ name: null }), rules({ template: '{{name}}' }), 'EMPTY_TEXT'],
    ['over 1,600 characters once filled', member({ name: 'x'.repeat(1600) }), rules(), 'TEXT_TOO_LONG'],
  ])('%s: skipped', (_case, who, given, reason) => {
    expect(memberText(who, given)).toEqual({ skip: reason });
  });

  it('a transactional text needs no recorded consent; the text is filled and measured', () => {
    expect(memberText(member({ smsConsentAt: null }), rules({ messageType: 'TRANSACTIONAL' }))).toEqual({
      phone: '+14155550100',
      text: 'Hi Ann from Boston',
      segments: 1,
    });
    const long = memberText(member({ name: 'é'.repeat(100) }), rules({ template: '{{name}} ✓' }));
    expect(long).toMatchObject({ segments: 2 });
  });
});

describe("a campaign recipient's status from its text", () => {
  const sentAt = new Date();
  it.each([
    [{ status: 'PENDING', sentAt: null, reason: null }, null],
    [{ status: 'SENDING', sentAt: null, reason: null }, null],
    [
      { status: 'SENT', sentAt, reason: null },
      { status: 'SENT', sentAt, reason: null },
    ],
    [
      { status: 'DELIVERED', sentAt, reason: null },
      { status: 'SENT', sentAt, reason: null },
    ],
    [
      { status: 'UNDELIVERED', sentAt, reason: '30003' },
      { status: 'SENT', sentAt, reason: null },
    ],
    [
      { status: 'FAILED', sentAt, reason: 'UNREACHABLE' },
      { status: 'SENT', sentAt, reason: null },
    ],
    [
      { status: 'FAILED', sentAt: null, reason: 'INVALID_RECIPIENT' },
      { status: 'FAILED', sentAt: null, reason: 'INVALID_RECIPIENT' },
    ],
    [
      { status: 'UNCERTAIN', sentAt: null, reason: 'TIMEOUT' },
      { status: 'UNCERTAIN', sentAt: null, reason: 'TIMEOUT' },
    ],
    [
      { status: 'EXPIRED', sentAt: null, reason: 'VALIDITY_PASSED' },
      { status: 'SKIPPED', sentAt: null, reason: 'EXPIRED' },
    ],
    [
      { status: 'SKIPPED', sentAt: null, reason: 'OPTED_OUT' },
      { status: 'SKIPPED', sentAt: null, reason: 'OPTED_OUT' },
    ],
    [
      { status: 'SKIPPED', sentAt: null, reason: 'CANCELLED' },
      { status: 'SKIPPED', sentAt: null, reason: 'CANCELLED' },
    ],
  ] as const)('%o -> %o', (message, outcome) => {
    expect(textOutcome(message)).toEqual(outcome);
  });
});

import { BlacklistMatcher } from '../../src/services/fans/blacklist/blacklistMatcher';
import {
  blacklistValue,
  isEmailAddress,
  normalizeDomain,
  normalizeEmail,
} from '../../src/services/fans/blacklist/normalize';

describe('blacklist normalization', () => {
  it.each([
    ['Jane@Example.com', 'jane@example.com'],
    ['  jane@example.com\t', 'jane@example.com'],
    ['jane+promo@example.com', 'jane@example.com'],
    ['jane+a+b@example.com', 'jane@example.com'],
    ['j.a.n.e@example.com', 'j.a.n.e@example.com'],
    ['J.a.n.e+x@Gmail.com', 'jane@gmail.com'],
    ['jane.doe@googlemail.com', 'janedoe@gmail.com'],
    ['jane@mail.gmail.com', 'jane@mail.gmail.com'],
    ['"odd@local"@example.com', '"odd@local"@example.com'],
  ])('normalizes the e-mail %s to %s', (raw, normalized) => {
    expect(normalizeEmail(raw)).toBe(normalized);
  });

  it.each(['', 'jane', '@example.com', 'jane@', '+tag@example.com', '...@gmail.com'])(
    'finds no mailbox in %j',
    (raw) => {
      expect(normalizeEmail(raw)).toBeNull();
    },
  );

  it.each([
    ['Example.COM', 'example.com'],
    ['@example.com', 'example.com'],
    ['example.com.', 'example.com'],
    ['GoogleMail.com', 'gmail.com'],
  ])('normalizes the domain %s to %s', (raw, normalized) => {
    expect(normalizeDomain(raw)).toBe(normalized);
  });

  it.each([
    ['jane@example.com', true],
    ["o'brien+x@mail.example.co.uk", true],
    ['a@b.io', true],
    ['jane@localhost', false],
    ['jane..doe@example.com', false],
    ['.jane@example.com', false],
    ['jane@-example.com', false],
    ['jane@example.123', false],
    ['jane doe@example.com', false],
    ['jane@exa_mple.com', false],
    [`${'a'.repeat(65)}@example.com`, false],
    [`jane@${'a'.repeat(64)}.com`, false],
  ])('judges %s an address: %s', (email, valid) => {
    expect(isEmailAddress(email)).toBe(valid);
  });

  it('refuses a cell of 200,000 characters (checked by a scan, without a backtracking expression)', () => {
    expect(isEmailAddress(`${'a.'.repeat(50_000)}@${'b-'.repeat(50_000)}`)).toBe(false);
  });

  it('refuses values that cannot be entries, naming them', () => {
    expect(blacklistValue('EMAIL', 'nope')).toEqual({ error: '"nope" is not an e-mail address' });
    expect(blacklistValue('DOMAIN', 'exa mple.com')).toEqual({ error: '"exa mple.com" is not a domain name' });
    expect(blacklistValue('DOMAIN', 'ru')).toEqual({ value: 'ru' });
  });

  it('matches mailboxes, domains and parent domains', () => {
    const matcher = new BlacklistMatcher(
      new Set(['janedoe@gmail.com', 'bob@example.com']),
      new Set(['spam.example', 'ru']),
    );
    expect(matcher.match('Jane.Doe+vip@googlemail.com')).toBe('BLACKLISTED_EMAIL');
    expect(matcher.match('BOB+x@example.com')).toBe('BLACKLISTED_EMAIL');
    expect(matcher.match('bobby@example.com')).toBeNull();
    expect(matcher.match('x@spam.example')).toBe('BLACKLISTED_DOMAIN');
    expect(matcher.match('x@a.b.spam.example')).toBe('BLACKLISTED_DOMAIN');
    expect(matcher.match('x@notspam.example')).toBeNull();
    expect(matcher.match('x@mail.ru')).toBe('BLACKLISTED_DOMAIN');
    expect(matcher.match('not an address')).toBeNull();
  });
});

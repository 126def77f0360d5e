import { extractLinks, renderMessage } from '../../src/services/campaigns/render';
import { bucketStarts, engagementRates, granularityFor, rate } from '../../src/services/campaigns/rates';
import { signTrackingToken, verifyTrackingToken } from '../../src/services/campaigns/trackingTokens';
import { normalizeEmail, isValidEmail } from '../../src/services/campaigns/email';
import { csvCell } from '../../src/services/campaigns/recipients';
import { recipientUpdates } from '../../src/services/campaigns/recordEvents';
import { locationOf } from '../../src/resolvers/campaigns/trackingAnswers';

describe('e-mail normalization', () => {
  it.each([
    ['  Ann@Example.COM ', 'ann@example.com', true],
    ['ann@example.com', 'ann@example.com', true],
    ['not-an-email', 'not-an-email', false],
    ['a b@example.com', 'a b@example.com', false],
    ['', '', false],
  ])('%j -> %j (valid %s)', (raw, normalized, valid) => {
    expect(normalizeEmail(raw)).toBe(normalized);
    expect(isValidEmail(normalizeEmail(raw))).toBe(valid);
  });
});

describe('rendering', () => {
  const content = {
    subject: 'Hi {{name}}',
    html: '<body><a href="https://example.com/a?x=1&amp;y=2">A</a> <a href=\'https://example.com/b\'>B</a> <a href="https://example.com/a?x=1&amp;y=2">A again</a> {{ name }} {{city}}</body>',
    text: 'Go to https://example.com/c now',
    links: [] as string[],
  };
  content.links = extractLinks(content);

  it('lists distinct links in order, HTML first then text', () => {
    expect(content.links).toEqual(['https://example.com/a?x=1&y=2', 'https://example.com/b', 'https://example.com/c']);
  });

  it('rewrites links to tracking URLs by index, escapes values and adds the pixel', () => {
    const out = renderMessage(
      content,
      { email: 'e@x.com', name: '<Ann>', attributes: { city: 'NYC' } },
      {
        open: 'http://t/o/TOKEN.gif',
        click: (i) => `http://t/c/TOKEN?l=${i}`,
      },
    );
    expect(out.subject).toBe('Hi <Ann>');
    expect(out.html).toContain('href="http://t/c/TOKEN?l=0"');
    expect(out.html).toContain("href='http://t/c/TOKEN?l=1'");
    expect(out.html).not.toContain('https://example.com/a');
    expect(out.html).toContain('&lt;Ann&gt; NYC');
    expect(out.html).toMatch(/<img src="http:\/\/t\/o\/TOKEN.gif"[^>]*><\/body>$/);
    expect(out.text).toBe('Go to http://t/c/TOKEN?l=2 now');
  });
});

describe('tracking tokens', () => {
  const secret = 'a-secret-of-at-least-sixteen';
  const token = signTrackingToken(secret, { campaignId: 'c1', memberId: 'm1' });

  it('round-trips', () => expect(verifyTrackingToken(secret, token)).toEqual({ campaignId: 'c1', memberId: 'm1' }));

  it('refuses forged and altered tokens', () => {
    const [, , signature] = token.split('.');
    expect(verifyTrackingToken(secret, `c1.m2.${signature}`)).toBeNull();
    expect(verifyTrackingToken(secret, `c2.m1.${signature}`)).toBeNull();
    expect(verifyTrackingToken(secret, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(verifyTrackingToken('another-secret-of-sixteen', token)).toBeNull();
    expect(verifyTrackingToken(secret, 'c1.m1')).toBeNull();
    expect(verifyTrackingToken(secret, '../../etc.m1.x')).toBeNull();
  });
});

describe('rates', () => {
  it('are ratios of counts and zero when nothing was sent', () => {
    expect(rate(0, 0)).toBe(0);
    expect(
      engagementRates({ audienceSize: 0, sent: 0, uniqueOpens: 0, totalClicks: 0, uniqueClicks: 0, conversions: 0 }),
    ).toEqual({
      openRate: 0,
      clickRate: 0,
      clickToOpenRate: 0,
      conversionRate: 0,
    });
    expect(
      engagementRates({ audienceSize: 10, sent: 8, uniqueOpens: 4, totalClicks: 9, uniqueClicks: 2, conversions: 1 }),
    ).toEqual({
      openRate: 0.5,
      clickRate: 0.25,
      clickToOpenRate: 0.5,
      conversionRate: 0.125,
    });
  });

  it('buckets hourly under 7 days and daily otherwise', () => {
    const from = new Date('2026-01-01T10:30:00Z');
    expect(granularityFor(from, new Date('2026-01-08T10:29:59Z'))).toBe('HOUR');
    expect(granularityFor(from, new Date('2026-01-08T10:30:00Z'))).toBe('DAY');
    expect(bucketStarts(from, new Date('2026-01-01T13:00:00Z'), 'HOUR').map((d) => d.toISOString())).toEqual([
      '2026-01-01T10:00:00.000Z',
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
    ]);
  });
});

describe('CSV cells', () => {
  it('quotes and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('recipient updates from events', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const event = (type: 'OPEN' | 'CLICK' | 'CONVERSION', recipientId: string, minute: number) => ({
    _id: `${type}-${recipientId}-${minute}`,
    type,
    campaignId: 'c',
    memberId: recipientId,
    recipientId,
    occurredAt: at(minute),
    recordedAt: at(minute),
  });

  it('folds a batch into one idempotent update per recipient; a click is also an open', () => {
    const updates = recipientUpdates([
      event('OPEN', 'r1', 5),
      event('CLICK', 'r1', 2),
      event('OPEN', 'r1', 9),
      event('CONVERSION', 'r2', 3),
    ]);
    expect(updates).toEqual([
      {
        updateOne: {
          filter: { _id: 'r1' },
          update: {
            $set: { opened: true, clicked: true },
            $min: { firstOpenedAt: at(2), firstClickedAt: at(2) },
            $max: { lastOpenedAt: at(9), lastClickedAt: at(2) },
          },
        },
      },
      {
        updateOne: {
          filter: { _id: 'r2' },
          update: { $set: { converted: true }, $min: { firstConvertedAt: at(3) }, $max: { lastConvertedAt: at(3) } },
        },
      },
    ]);
  });
});

describe('redirect locations', () => {
  it.each([
    ['https://example.com/two?a=1&b=%41#top', 'https://example.com/two?a=1&b=%41#top'],
    ['https://example.com/a b/é', 'https://example.com/a%20b/%C3%A9'],
    ['https://example.com/<x>"{y}`', 'https://example.com/%3Cx%3E%22%7By%7D%60'],
    ['https://example.com/100%/%zz', 'https://example.com/100%25/%25zz'],
    ['https://example.com/\ud83d\ude00\ud800', 'https://example.com/%F0%9F%98%80%EF%BF%BD'],
    ['https://example.com/[a]|^\\', 'https://example.com/[a]|^\\'],
  ])('%j -> %j (as Express encodes it)', (link, location) => {
    expect(locationOf(link)).toBe(location);
  });
});

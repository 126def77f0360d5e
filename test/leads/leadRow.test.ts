import { parseLeadRow, parseTimestamp } from '../../src/services/leads/leadRow';

describe('parseTimestamp', () => {
  it.each([
    ['2024-01-02', '2024-01-02T00:00:00.000Z'],
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02 03:04', '2024-01-02T03:04:00.000Z'],
    ['2024-01-02T03:04:05.250+02:00', '2024-01-02T01:04:05.250Z'],
    ['1/2/2024 3:04', '2024-01-02T03:04:00.000Z'],
    ['1704164645', '2024-01-02T03:04:05.000Z'],
    ['1704164645000', '2024-01-02T03:04:05.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseTimestamp(text)?.toISOString()).toBe(iso);
  });

  it('reads spreadsheet dates and Excel serial numbers', () => {
    expect(parseTimestamp(new Date('2024-05-06T07:08:09Z'))?.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(parseTimestamp(45292.5)?.toISOString()).toBe('2024-01-01T12:00:00.000Z');
  });

  it.each([['yesterday'], ['2024-02-30'], ['2024-13-01'], ['13/45/2024'], ['1800-01-01'], ['25:00']])(
    'refuses %s',
    (text) => {
      expect(parseTimestamp(text)).toBeUndefined();
    },
  );

  it('treats blank as no timestamp', () => {
    expect(parseTimestamp(null)).toBeNull();
    expect(parseTimestamp('  ')).toBeNull();
  });
});

describe('parseLeadRow', () => {
  it('normalizes the email and keeps unknown columns as attributes', () => {
    const result = parseLeadRow({
      email: '  Ann@Example.COM ',
      name: 'Ann',
      company: '',
      phone: 5551234,
      source: 'fair',
      empty: null,
    });
    expect(result).toEqual({
      ok: true,
      lead: {
        email: 'ann@example.com',
        timestamp: null,
        name: 'Ann',
        company: null,
        phone: '5551234',
        attributes: [{ name: 'source', value: 'fair' }],
      },
    });
  });

  it.each([[''], ['no-at-sign'], ['two@@x.io'], ['a b@x.io'], ['a@nodot'], ['a@-x.io']])(
    'rejects email %p',
    (email) => {
      expect(parseLeadRow({ email })).toMatchObject({ ok: false, reason: 'INVALID_EMAIL' });
    },
  );

  it('rejects an unreadable timestamp and names it', () => {
    expect(parseLeadRow({ email: 'a@x.io', timestamp: 'soon' })).toMatchObject({
      ok: false,
      email: 'a@x.io',
      reason: 'INVALID_TIMESTAMP',
      message: 'The timestamp "soon" could not be read',
    });
  });
});

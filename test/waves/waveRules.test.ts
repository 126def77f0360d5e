import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { readZipDirectory } from '../../src/services/uploads/zipDirectory';
import { newOfferCode, normalizeOfferCode } from '../../src/services/waves/offerCodes/offerCodeFormat';
import { selectFans } from '../../src/services/waves/prep/selectFans';
import { zipArchive } from '../../src/services/waves/prep/zipArchive';
import { placeholdersOf, renderTemplate } from '../../src/services/waves/upload/template';
import { checkNotifyDate, checkRate } from '../../src/services/waves/lifecycle/waveRules';

const rates = { WAVE_RATE_LONG_CODE: 1, WAVE_RATE_TOLL_FREE: 3, WAVE_RATE_SHORT_CODE: 100 };

describe('offer code format', () => {
  it('draws 12 Crockford base32 characters shown XXXX-XXXX-XXXX, all different', () => {
    const codes = Array.from({ length: 2000 }, newOfferCode);
    for (const code of codes)
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each([
    ['abcd-efgh-jkmn', 'ABCD-EFGH-JKMN'],
    ['ABCDEFGHJKMN', 'ABCD-EFGH-JKMN'],
    [' abcd efgh jkmn ', 'ABCD-EFGH-JKMN'],
    ['ILO0-1111-2222', '1100-1111-2222'],
    ['ABCD-EFGH-JKM', null],
    ['ABCD-EFGH-JKMU', null],
    ['', null],
  ])('reads %j as %j', (typed, shown) => {
    expect(normalizeOfferCode(typed)).toBe(shown);
  });
});

describe('templates', () => {
  it('lists placeholders once, lower-cased', () => {
    expect(placeholdersOf('Hi {{firstName}}, {{ code }} {{CODE}} {{venue}}')).toEqual(['firstname', 'code', 'venue']);
  });

  it.each([
    ['Hi {{firstName}}: {{code}}', { firstname: 'Ann', code: 'X1' }, { text: 'Hi Ann: X1' }],
    ['Hi {{firstName}}: {{code}}', { firstname: 'Ann', code: ' ' }, { missing: 'code' }],
    ['{{venue}} at {{eventDate}}', { venue: 'MSG' }, { missing: 'eventDate' }],
    ['No placeholders', {}, { text: 'No placeholders' }],
  ])('renders %j', (template, values, rendered) => {
    expect(renderTemplate(template, values)).toEqual(rendered);
  });
});

describe('wave rules', () => {
  const now = new Date('2026-05-01T12:00:00Z');
  it.each([
    ['LONG_CODE', 1, null],
    ['LONG_CODE', 0.5, null],
    ['LONG_CODE', 2, 'at most 1 for a LONG_CODE sender (WAVE_RATE_LONG_CODE)'],
    ['TOLL_FREE', 0, 'above 0'],
    ['SHORT_CODE', 100, null],
    ['SHORT_CODE', 101, 'WAVE_RATE_SHORT_CODE'],
  ] as const)('a %s sender at %d segments/s', (kind, rate, problem) => {
    const check = () => checkRate(rates, kind, rate);
    if (problem) expect(check).toThrow(problem);
    else expect(check).not.toThrow();
  });

  it.each([
    [-1000, 'in the past'],
    [0, 'in the past'],
    [60_000, null],
    [35 * 86_400_000, null],
    [35 * 86_400_000 + 1000, 'at most 35 days ahead'],
  ])('a notifyDate %d ms from now', (offset, problem) => {
    const check = () => checkNotifyDate(new Date(now.getTime() + offset), now);
    if (problem) expect(check).toThrow(problem);
    else expect(check).not.toThrow();
  });
});

describe('fan selection', () => {
  const markets = [
    { id: 'nyc', selectionLimit: 2 },
    { id: 'lax', selectionLimit: 1 },
    { id: 'lon', selectionLimit: null },
  ];
  const fan = (id: string, ...marketPreferences: string[]) => ({
    _id: id,
    marketPreferences,
    market: marketPreferences[0] ?? null,
  });
  const fans = [
    fan('a', 'nyc', 'lax'),
    fan('b', 'nyc'),
    fan('c', 'nyc', 'lax', 'lon'),
    fan('d', 'lax', 'lon'),
    fan('e', 'mars'),
  ];
  const placed = (result: ReturnType<typeof selectFans>) =>
    Object.fromEntries(result.selections.map((selection) => [selection.entry._id, selection.markets]));

  it('places fans, best first, in their first market with room (singleMarket, orderByPreference)', () => {
    const result = selectFans(fans, markets, new Map(), { singleMarket: true, orderByPreference: true });
    expect(placed(result)).toEqual({ a: ['nyc'], b: ['nyc'], c: ['lax'], d: ['lon'] });
    expect(Object.fromEntries(result.perMarket)).toEqual({ nyc: 2, lax: 1, lon: 1 });
  });

  it('considers only the first preference without orderByPreference, and counts places already taken', () => {
    const result = selectFans(fans, markets, new Map([['nyc', 1]]), { singleMarket: true, orderByPreference: false });
    expect(placed(result)).toEqual({ a: ['nyc'], d: ['lax'] });
  });

  it('places a fan in every preferred market with room without singleMarket', () => {
    const result = selectFans(fans, markets, new Map(), { singleMarket: false, orderByPreference: true });
    expect(placed(result)).toEqual({ a: ['nyc', 'lax'], b: ['nyc'], c: ['lon'], d: ['lon'] });
  });
});

describe('zip archive', () => {
  it('is read back by the upload zip reader, names and bytes intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wave-zip-'));
    try {
      const big = 'userId,email\n' + Array.from({ length: 5000 }, (_, i) => `u${i},u${i}@example.com`).join('\n');
      const path = join(dir, 'prep.zip');
      await writeFile(
        path,
        zipArchive([
          { name: 'emails.csv', data: Buffer.from('userId\n') },
          { name: 'masterCodes.csv', data: Buffer.from(big) },
          { name: 'smsSELECTED.csv', data: Buffer.alloc(0) },
        ]),
      );
      const files = await readZipDirectory(path);
      expect(files.map((file) => [file.path, file.uncompressedSize])).toEqual([
        ['emails.csv', 7],
        ['masterCodes.csv', Buffer.byteLength(big)],
        ['smsSELECTED.csv', 0],
      ]);
      expect(await text(files[1]!.stream())).toBe(big);
      expect(await text(files[2]!.stream())).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { normalizeChannel } from '../../src/services/tracking/channel';
import { parseCreativeCampaignId } from '../../src/services/tracking/creativeId';
import {
  buildPublicationIndex,
  DEFAULT_PUBLICATION_CODES,
  normalizePublicationCode,
  parsePublicationCodeInput,
  parsePublicationCodeMap,
} from '../../src/services/tracking/publicationCodes';

describe('publication code mapping', () => {
  test.each([
    ['chireader', 'chireader'],
    ['ChiReader', 'chireader'],
    [' SUNTIMES ', 'suntimes'],
    ['e3radio', 'e3radio'],
    ['hyde_park-2', 'hyde_park-2'],
    ['a'.repeat(64), 'a'.repeat(64)],
    ['a'.repeat(65), null],
    ['chi reader', null],
    ["x'; DROP TABLE", null],
    ['', null],
    [42, null],
    [null, null],
  ])('normalizePublicationCode(%j) = %j', (code, expected) => {
    expect(normalizePublicationCode(code)).toBe(expected);
  });

  test('the seed table is the default, case-insensitive, and publications.publicationCode wins', () => {
    const index = buildPublicationIndex(
      [
        { publicationId: 2001, publicationCode: 'NewPaper' },
        { publicationId: 9035, publicationCode: 'chireader' },
        { publicationId: 3000 },
        { publicationId: 'not-a-number', publicationCode: 'broken' },
      ],
      DEFAULT_PUBLICATION_CODES,
    );
    expect(index.get('newpaper')).toBe(2001);
    expect(index.get('chireader')).toBe(9035);
    expect(index.get('suntimes')).toBe(1038);
    expect(index.get('streetwise')).toBe(1055);
    expect(index.has('broken')).toBe(false);
    expect(index.has('unknown')).toBe(false);
  });

  test('every entry of the seed table is there', () => {
    expect(Object.keys(DEFAULT_PUBLICATION_CODES)).toHaveLength(14);
    expect(DEFAULT_PUBLICATION_CODES.hydepark).toBe(1037);
  });

  test('TRACKING_PUBLICATION_CODES adds to and overrides the defaults', () => {
    const map = parsePublicationCodeMap('Gazette=5001, chireader=7000');
    expect(map.gazette).toBe(5001);
    expect(map.chireader).toBe(7000);
    expect(map.wbez).toBe(1047);
    expect(() => parsePublicationCodeMap('gazette')).toThrow(/gazette/);
    expect(() => parsePublicationCodeMap('gazette=0')).toThrow();
  });

  test('the publicationCode filter is validated and lower-cased', () => {
    expect(parsePublicationCodeInput('ChiReader')).toBe('chireader');
    expect(parsePublicationCodeInput(undefined)).toBeUndefined();
    expect(parsePublicationCodeInput('')).toBeUndefined();
    expect(() => parsePublicationCodeInput("chireader' OR '1'='1")).toThrow(/publicationCode/);
  });
});

describe('creative id parsing', () => {
  test.each([
    ['cr_abc123_1', 'abc123'],
    ['creative_abc-123_300x250', 'abc-123'],
    ['CR_ABC_1', 'ABC'],
    ['cr_camp-2025-01_banner_a', 'camp-2025-01'],
    ['cr_abc', null],
    ['abc_1', null],
    ['xcr_abc_1', null],
    ['cr__1', null],
    ['cr_abc_', null],
    ['cr_a.c_1', null],
    ['', null],
  ])('parseCreativeCampaignId(%s) = %j', (creativeId, expected) => {
    expect(parseCreativeCampaignId(creativeId)).toBe(expected);
  });
});

describe('normalizeChannel, as the seed', () => {
  test.each([
    ['website', 'website'],
    ['newsletter_image', 'newsletter'],
    ['newsletter_text', 'newsletter'],
    ['newsletter_', 'newsletter'],
    ['streaming', 'streaming'],
    ['display_image', 'display'],
    [null, 'website'],
    [undefined, 'website'],
    ['', 'website'],
    ['_image', 'website'],
  ])('normalizeChannel(%j) = %s', (channel, expected) => {
    expect(normalizeChannel(channel)).toBe(expected);
  });
});

import { ObjectId } from '../../../src/datasources/store';
import { encodeKey } from '../../../src/datasources/store/embedded/keyCodec';
import { decodeComponents, decodeId } from '../../../src/datasources/store/embedded/keyDecode';

/** The string encoding spelled out: tag, UTF-8 bytes with NUL escaped as 0x00 0xFF, terminator 0x00 0x00. */
function expectedString(value: string): Buffer {
  const bytes: number[] = [0x20];
  for (const byte of Buffer.from(value, 'utf8')) bytes.push(...(byte === 0 ? [0, 0xff] : [byte]));
  return Buffer.from([...bytes, 0, 0]);
}

describe('index key encoding of strings', () => {
  const strings = [
    '',
    'a',
    'c1:m00000042',
    'ada@example.org',
    'x'.repeat(128),
    'y'.repeat(129),
    'nul\0inside',
    'café',
    '\uff5e',
    '\u{1f600}',
    'ascii then é',
  ];

  it.each(strings.map((value) => [JSON.stringify(value).slice(0, 40), value]))(
    'encodes %s as tagged, escaped UTF-8',
    (_label, value) => {
      expect(encodeKey(value)).toEqual(expectedString(value));
      expect(encodeKey(value, true)).toEqual(Buffer.from(expectedString(value).map((byte) => ~byte & 0xff)));
    },
  );

  it('orders strings by their UTF-8 bytes, shorter prefixes first', () => {
    const sorted = [...strings].sort((a, b) => Buffer.compare(encodeKey(a), encodeKey(b)));
    expect(sorted).toEqual([...strings].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
  });
});

describe('reading values back from index keys (covered queries)', () => {
  it('reads strings, ObjectIds, dates and booleans exactly, one component after another', () => {
    const values = [
      'c1:m00000042',
      'café',
      '\u{1f600}',
      '',
      new ObjectId('64b000000000000000000001'),
      new Date('2026-03-08T07:00:00Z'),
      new Date(-86_400_000),
      true,
      false,
    ];
    const key = Buffer.concat([Buffer.from([0, 0, 0, 7]), ...values.map((value) => encodeKey(value))]);
    expect(decodeComponents(key, 4, values.length)).toEqual(values);
    expect(decodeId(encodeKey('a:b'))).toBe('a:b');
    expect(decodeId(encodeKey(new ObjectId('64b000000000000000000002')))).toEqual(
      new ObjectId('64b000000000000000000002'),
    );
  });

  it('leaves to the document what a key cannot tell exactly (numbers, null, NUL inside a string)', () => {
    for (const value of [5, 5.5, null, 'nul\0inside', { a: 1 }, [1]]) {
      expect(decodeComponents(encodeKey(value), 0, 1)).toBeUndefined();
      expect(decodeId(encodeKey(value))).toBeUndefined();
    }
    expect(decodeComponents(Buffer.concat([encodeKey('a'), encodeKey(3)]), 0, 2)).toBeUndefined();
  });
});

import { encodeKey } from '../../../src/datasources/store/embedded/keyCodec';

/** The string encoding spelled out: tag, UTF-8 bytes with NUL escaped as 0x00 0xFF, terminator 0x00 0x00. */
function expectedString(value: string): Buffer {
  const bytes: number[] = [0x20];
  for (const byte of Buffer.from(value, 'utf8')) bytes.push(...(byte === 0 ? [0, 0xff] : [byte]));
  return Buffer.from([...bytes, 0, 0]);
}

describe('index key encoding of strings', () => {
  const strings = ['', 'a', 'c1:m00000042', 'ada@example.org', 'x'.repeat(128), 'y'.repeat(129), 'nul\0inside', 'café', '\uff5e', '\u{1f600}', 'ascii then é'];

  it.each(strings.map((value) => [JSON.stringify(value).slice(0, 40), value]))('encodes %s as tagged, escaped UTF-8', (_label, value) => {
    expect(encodeKey(value)).toEqual(expectedString(value));
    expect(encodeKey(value, true)).toEqual(Buffer.from(expectedString(value).map((byte) => ~byte & 0xff)));
  });

  it('orders strings by their UTF-8 bytes, shorter prefixes first', () => {
    const sorted = [...strings].sort((a, b) => Buffer.compare(encodeKey(a), encodeKey(b)));
    expect(sorted).toEqual([...strings].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
  });
});

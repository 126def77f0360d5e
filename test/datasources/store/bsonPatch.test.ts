import { Decimal128, Long, ObjectId } from 'bson';
import { deserialize, serialize, type Document } from '../../../src/datasources/store/embedded/bson';
import { patchedBytes } from '../../../src/datasources/store/embedded/bsonPatch';

const stored: Document = {
  _id: new ObjectId(),
  bu: 'NA',
  values: { EventID: 'e-1', URL: 'https://example.com' },
  processed: false,
  pos: '2026-03-01T00:00:00.000Z#0001',
  receiveCount: 5,
  ratio: 1.5,
  visibleAt: new Date('2026-03-01T00:00:00Z'),
  receipt: 'abcdefghijkl',
  tags: [1, 2],
  none: null,
  amount: Decimal128.fromString('1.5'),
  ['é']: 1,
};

/** The stored bytes, the document as read back, and its copy with `change` applied. */
function update(change: (document: Document) => void) {
  const bytes = serialize(stored);
  const before = deserialize(bytes);
  const after = { ...before };
  change(after);
  return { bytes, before, after };
}

describe('embedded store: updates written over the stored bytes', () => {
  it.each<[string, (document: Document) => void]>([
    ['a flag', (d) => (d.processed = true)],
    ['a count', (d) => (d.receiveCount = 6)],
    ['a double', (d) => (d.ratio = 2.5)],
    ['a date', (d) => (d.visibleAt = new Date('2027-01-01T00:00:00Z'))],
    ['a string of the same length', (d) => (d.receipt = 'zyxwvutsrqpo')],
    ['a name beyond ASCII', (d) => (d['é'] = 2)],
    ['several fields', (d) => Object.assign(d, { processed: true, receiveCount: 0, receipt: 'ABCDEFGHIJKL' })],
  ])('gives exactly the serialized document for %s', (_name, change) => {
    const { bytes, before, after } = update(change);
    const patched = patchedBytes(bytes, before, after);
    expect(patched).toBeDefined();
    expect(patched!.equals(serialize(after))).toBe(true);
    expect(patched).not.toBe(bytes);
    expect(bytes.equals(serialize(stored))).toBe(true);
  });

  it.each<[string, (document: Document) => void]>([
    ['a count that becomes a double', (d) => (d.receiveCount = 2 ** 40)],
    ['negative zero over an int32', (d) => (d.receiveCount = -0)],
    ['a double that becomes an int32', (d) => (d.ratio = 3)],
    ['a string of another length', (d) => (d.receipt = 'short')],
    ['a string of the same length in more bytes', (d) => (d.receipt = 'éééééépqrstu')],
    ['a changed sub-document', (d) => (d.values = { EventID: 'e-2', URL: 'https://example.com' })],
    ['a new field', (d) => (d.extra = 1)],
    ['a removed field', (d) => delete d.ratio],
    ['another type', (d) => (d.processed = 1)],
    ['null that gets a value', (d) => (d.none = 1)],
    ['an invalid date', (d) => (d.visibleAt = new Date(NaN))],
  ])('re-encodes the document for %s', (_name, change) => {
    const { bytes, before, after } = update(change);
    expect(patchedBytes(bytes, before, after)).toBeUndefined();
  });

  it('answers the stored bytes when nothing changed', () => {
    const { bytes, before, after } = update(() => undefined);
    expect(patchedBytes(bytes, before, after)).toBe(bytes);
  });

  it('re-encodes a document holding a Long, which reads back as a number', () => {
    const bytes = serialize({ _id: 1, count: Long.fromNumber(5), done: false });
    const before = deserialize(bytes);
    expect(patchedBytes(bytes, before, { ...before, done: true })).toBeUndefined();
  });
});

import { Readable } from 'node:stream';
import { Type } from 'avsc';
import { columnRoles, isPhoneOf, personMatcher, rowMatches } from '../../src/services/privacy/files/personMatcher';
import { findRows, mentionsPerson, splitCells, withoutRows } from '../../src/services/privacy/files/textTable';
import { anonymizedRecord, lakeRecordMatches } from '../../src/services/privacy/lake/lakeRecords';
import { parsePerson } from '../../src/services/privacy/person';
import { Pseudonyms } from '../../src/services/privacy/pseudonyms';

const matcher = personMatcher({ emails: ['jane@example.com'], phones: ['+12125550199'], userIds: ['u-7'] });

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return { code: (error as any).extensions?.code, field: (error as any).extensions?.field };
  }
  return null;
};

describe('parsePerson', () => {
  it.each([
    [{ email: ' Jane@Example.COM ' }, { email: 'jane@example.com', phone: null }],
    [{ phone: '+1 (212) 555-0199' }, { email: null, phone: '+12125550199' }],
    [{ phone: '0044 20 7946 0018' }, { email: null, phone: '+442079460018' }],
    [
      { email: 'a@b.io', phone: '+12125550199' },
      { email: 'a@b.io', phone: '+12125550199' },
    ],
  ])('normalizes %j', (input, person) => {
    expect(parsePerson(input)).toEqual(person);
  });

  it.each([
    ['neither', {}, 'email'],
    ['blanks', { email: '  ', phone: '' }, 'email'],
    ['no address', { email: 'not-an-address' }, 'email'],
    ['a national number', { phone: '212 555 0199' }, 'phone'],
    ['an invalid number', { phone: '+1 555' }, 'phone'],
    ['a 400-character address', { email: `${'a'.repeat(400)}@x.io` }, 'email'],
  ])('refuses %s with BAD_USER_INPUT naming the field', (_case, input, field) => {
    expect(codeOf(() => parsePerson(input))).toEqual({ code: 'BAD_USER_INPUT', field });
  });
});

describe('the person matcher', () => {
  it.each([
    ['+1 212-555-0199', true],
    ['+12125550199', true],
    ['001 212 555 0199', true],
    ['12125550199', true],
    ['(212) 555-0199', true],
    ['212.555.0199', true],
    ['+44 212 555 0199', false],
    ['555-0199', false],
    ['+12125550198', false],
  ])('reads the phone cell %s as theirs: %s', (cell, theirs) => {
    expect(isPhoneOf(matcher, cell)).toBe(theirs);
  });

  it('matches rows by the roles of their columns', () => {
    const roles = columnRoles(['\uFEFFcampaignId', 'userId', 'Email', 'mobile phone', 'score', 'note']);
    expect(roles).toEqual(['other', 'userId', 'email', 'phone', 'other', 'other']);
    expect(rowMatches(matcher, roles, ['c', 'u-1', 'JANE@example.com ', '', '0.5', ''])).toBe(true);
    expect(rowMatches(matcher, roles, ['c', 'u-7', '', '', '0.5', ''])).toBe(true);
    expect(rowMatches(matcher, roles, ['c', 'u-1', '', '(212) 555 0199', '0.5', ''])).toBe(true);
    expect(rowMatches(matcher, roles, ['c', 'u-1', 'mary.jane@example.com', '', '0.5', 'u-7'])).toBe(false);
    expect(rowMatches(matcher, roles, ['c', 'u-1', '', '', '0.5', 'jane@example.com'])).toBe(true);
  });

  it('splits CSV cells with quotes and keeps tab-separated ones as they are', () => {
    expect(splitCells('a,"b, c","say ""hi""",\r\n', ',')).toEqual(['a', 'b, c', 'say "hi"', '']);
    expect(splitCells('\uFEFFa\t"b"\tc\n', '\t')).toEqual(['a', '"b"', 'c']);
  });

  it('rewrites a table without the rows, every other byte as it was', async () => {
    const text = 'userId,email,note\r\nu-1,ann@x.io,"two\nlines"\r\nu-2,jane@example.com,x\r\nu-3,bob@x.io,y';
    const filtered = withoutRows(Readable.from([text.slice(0, 25), text.slice(25)]), ',', matcher);
    let out = '';
    for await (const part of filtered.text) out += part;
    expect(out).toBe('userId,email,note\r\nu-1,ann@x.io,"two\nlines"\r\nu-3,bob@x.io,y');
    expect(filtered.removed()).toBe(1);
    const rows = await findRows(Readable.from([text]), ',', matcher);
    expect(rows).toEqual([{ line: 4, values: { userId: 'u-2', email: 'jane@example.com', note: 'x' } }]);
  });

  it('looks at a text quickly: its e-mails, userIds and number digits across chunk borders', async () => {
    const look = (...chunks: string[]) => mentionsPerson(Readable.from(chunks), matcher);
    expect(await look('a,b\nx,JANE@exa', 'mple.com\n')).toBe(true);
    expect(await look('a\n212 55', '5 01 99\n')).toBe(true);
    expect(await look('a,b\nann@x.io,+12125550198\n')).toBe(false);
  });
});

describe('lake records', () => {
  const type = Type.forSchema({
    type: 'record',
    name: 'registration',
    fields: [
      { name: 'campaignId', type: 'string' },
      { name: 'userId', type: 'string' },
      { name: 'email', type: 'string' },
      { name: 'phone', type: ['null', 'string'] },
      { name: 'firstName', type: ['null', 'string'] },
      { name: 'idempotencyKey', type: ['null', 'string'] },
      { name: 'registeredAt', type: 'long' },
    ],
  });
  const pseudonyms = new Pseudonyms('a-privacy-secret-of-at-least-32-characters');

  it('anonymizes a record of the person in its own schema, the same way every time', () => {
    const record = {
      campaignId: 'c',
      userId: 'u-7',
      email: 'jane@example.com',
      phone: '+12125550199',
      firstName: 'Jane',
      idempotencyKey: 'demo:u-7',
      registeredAt: 1,
    };
    expect(lakeRecordMatches(matcher, record)).toBe(true);
    const anonymized = anonymizedRecord(type, record, pseudonyms, matcher);
    expect(type.isValid(anonymized)).toBe(true);
    expect(anonymized).toMatchObject({ campaignId: 'c', phone: null, firstName: null, registeredAt: 1 });
    expect(anonymized.userId).toBe(pseudonyms.userId('u-7'));
    expect(anonymized.email).toMatch(/^erased-[0-9a-f]{24}@erased\.invalid$/);
    expect(anonymized.idempotencyKey).toBe(pseudonyms.text('demo:u-7'));
    expect(JSON.stringify(anonymized)).not.toMatch(/jane|0199|Jane/);
    expect(anonymizedRecord(type, record, pseudonyms, matcher)).toEqual(anonymized);
    expect(lakeRecordMatches(matcher, anonymized)).toBe(false);
    expect(new Pseudonyms('another-privacy-secret-of-32-characters!').email('jane@example.com')).not.toBe(
      anonymized.email,
    );
  });
});

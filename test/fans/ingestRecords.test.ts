import { formatRecord } from '../../src/services/fans/ingest/formatRecord';
import { toE164 } from '../../src/services/fans/ingest/phone';
import { decodeRecords, encodeRecord, fanRecordSchema } from '../../src/services/fans/ingest/recordSchemas';
import { FAN_RECORD_TYPES } from '../../src/services/fans/records';

const base = {
  type: 'registration',
  campaignId: 'tour',
  userId: 'u1',
  email: 'fan@example.com',
  marketPreferences: ['nyc'],
  registeredAt: 1_772_366_400_000,
};

describe('fan record schemas', () => {
  it.each(FAN_RECORD_TYPES)('%s: versioned, documented, in the campaignhub.fans namespace', (recordType) => {
    const { schema, version } = fanRecordSchema(recordType);
    expect(version).toBe(1);
    expect(schema).toMatchObject({ type: 'record', namespace: 'campaignhub.fans', doc: expect.any(String) });
  });

  it('round-trips records through Avro binary, back to back', () => {
    const first = formatRecord(base);
    const second = formatRecord({ ...base, userId: 'u2', phone: '+14155550100', smsConsentSource: 'form' });
    if (!first.ok || !second.ok) throw new Error('valid records were refused');
    const bytes = Buffer.concat([
      encodeRecord('registration', first.record as any),
      encodeRecord('registration', second.record as any),
    ]);
    expect(decodeRecords('registration', bytes)).toEqual([first.record, second.record]);
  });
});

describe('formatRecord', () => {
  it('trims, lower-cases e-mail, fills defaults and reads ISO timestamps', () => {
    const formatted = formatRecord({
      ...base,
      type: ' registration ',
      userId: '  u1 ',
      email: ' Fan@Example.COM ',
      firstName: '   ',
      marketPreferences: [' nyc ', 'lon', 'nyc', ''],
      registeredAt: '2026-03-01T12:00:00Z',
    });
    expect(formatted).toEqual({
      ok: true,
      record: {
        type: 'registration',
        campaignId: 'tour',
        userId: 'u1',
        email: 'fan@example.com',
        phone: null,
        firstName: null,
        marketPreferences: ['nyc', 'lon'],
        smsConsentSource: null,
        smsConsentAt: null,
        registeredAt: Date.parse('2026-03-01T12:00:00Z'),
      },
    });
  });

  it.each([
    ['not an object', 'hello', null, 'a record is a JSON object with a type field'],
    ['no type', { campaignId: 'x' }, null, 'type: null is not one of registration, codeAssignment, scoring'],
    ['a missing required field', { ...base, userId: undefined }, 'userId', 'userId: required'],
    ['an empty required string', { ...base, campaignId: '  ' }, 'campaignId', 'campaignId: required'],
    ['a number for a string', { ...base, email: 42 }, 'email', 'email: expected "string", got 42'],
    ['a bad e-mail', { ...base, email: 'a@b' }, 'email', 'email: "a@b" is not an e-mail address'],
    ['no market', { ...base, marketPreferences: [] }, 'marketPreferences', 'marketPreferences: at least one market'],
    [
      'a fractional timestamp',
      { ...base, registeredAt: 1.5 },
      'registeredAt',
      'registeredAt: expected "long", got 1.5',
    ],
    [
      'a time no lake folder can name',
      { ...base, registeredAt: 9e15 },
      'registeredAt',
      'registeredAt: 9000000000000000 is not a time between 1970-01-01 and 9999-12-31',
    ],
    [
      'consent time without its source',
      { ...base, smsConsentAt: 5 },
      'smsConsentSource',
      'smsConsentSource: required with smsConsentAt',
    ],
  ])('rejects %s, naming the field', (_what, input, field, reason) => {
    const formatted = formatRecord(input);
    expect(formatted).toMatchObject({ ok: false, reason, ...(field ? { field } : {}) });
  });

  it('checks scoring and code assignment records by their own schemas and rules', () => {
    const scoring = { type: 'scoring', campaignId: 'tour', userId: 'u1', score: 0.4, source: 'FANLIST', scoredAt: 1 };
    expect(formatRecord(scoring)).toMatchObject({
      ok: true,
      record: { email: null, verdict: null, reason: null, score: 0.4 },
    });
    expect(formatRecord({ ...scoring, score: -0.1 })).toMatchObject({ ok: false, field: 'score' });
    expect(formatRecord({ ...scoring, verdict: 'yes' })).toMatchObject({ ok: false, field: 'verdict' });
    const assignment = { type: 'codeAssignment', campaignId: 'tour', email: ' A@B.io ', assignedAt: '2026-03-01' };
    expect(formatRecord(assignment)).toMatchObject({
      ok: true,
      record: { userId: null, email: 'a@b.io', code: null, codeKind: null, selectedEvents: [], refresh: false },
    });
    expect(formatRecord({ ...assignment, codeKind: 'GOLD' })).toMatchObject({ ok: false, field: 'codeKind' });
    expect(formatRecord({ ...assignment, email: null })).toMatchObject({ ok: false, field: 'userId' });
  });
});

describe('toE164', () => {
  it.each([
    ['(212) 555-0123', 'US', '+12125550123'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['020 7946 0958', 'gb', '+442079460958'],
    ['+1 212 555 0123', 'GB', '+12125550123'],
    ['+1 212 555 0123', null, '+12125550123'],
    ['020 7946 0958', null, null],
    ['12', 'US', null],
    ['call me', 'US', null],
    ['(212) 555-0123', 'XX', null],
    [null, 'US', null],
  ])('%s in %s is %s', (text, country, expected) => {
    expect(toE164(text, country)).toBe(expected);
  });
});

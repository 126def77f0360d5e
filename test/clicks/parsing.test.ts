import { parseBusinessUnits } from '../../src/datasources/sfmc/businessUnits';
import { MAX_URL_LENGTH, parseClickRow } from '../../src/services/clicks/clickRow';
import { ReportingCalendar } from '../../src/services/clicks/reportingDay';
import { formatSfmcDate, parseSfmcDate } from '../../src/datasources/sfmc/clickLogRow';

const chicago = new ReportingCalendar('America/Chicago');

describe('parseSfmcDate (SFMC system time is UTC-6 all year)', () => {
  it.each([
    ['2026-03-08T01:30:00', '2026-03-08T07:30:00.000Z'],
    ['2026-03-08 01:30:00', '2026-03-08T07:30:00.000Z'],
    ['2026-03-08T01:30:00.25', '2026-03-08T07:30:00.250Z'],
    ['2026-07-01T12:00', '2026-07-01T18:00:00.000Z'],
    ['3/8/2026 1:30:00 AM', '2026-03-08T07:30:00.000Z'],
    ['3/8/2026 12:00:00 AM', '2026-03-08T06:00:00.000Z'],
    ['3/8/2026 12:15:00 PM', '2026-03-08T18:15:00.000Z'],
    ['11/1/2026 11:59:59 PM', '2026-11-02T05:59:59.000Z'],
    ['12/31/2026 6:00:00 PM', '2027-01-01T00:00:00.000Z'],
    ['2026-03-08T01:30:00Z', '2026-03-08T01:30:00.000Z'],
    ['2026-03-08T01:30:00-05:00', '2026-03-08T06:30:00.000Z'],
  ])('%s -> %s', (text, utc) => {
    expect(parseSfmcDate(text)?.toISOString()).toBe(utc);
  });

  it.each([
    '',
    'yesterday',
    '2026-02-30T00:00:00',
    '13/1/2026 1:00:00 AM',
    '3/8/2026 13:00:00 PM',
    '2026-03-08T24:00:00',
    '3/8/2026 1:30:00',
  ])('rejects %j', (text) => {
    expect(parseSfmcDate(text)).toBeNull();
  });

  it('formats back to system time for filters', () => {
    expect(formatSfmcDate(new Date('2026-03-08T07:30:00Z'))).toBe('2026-03-08T01:30:00');
  });
});

describe('reporting day in America/Chicago around daylight-saving changes', () => {
  it.each([
    // Before 2026-03-08 02:00 CST Chicago equals SFMC time (UTC-6); afterwards (CDT, UTC-5)
    // Chicago is one hour ahead of SFMC, so SFMC 11 PM is already the next Chicago day.
    ['3/7/2026 11:59:59 PM', '2026-03-07', '2026-03-07T06:00:00.000Z'],
    ['3/8/2026 12:00:00 AM', '2026-03-08', '2026-03-08T06:00:00.000Z'],
    ['3/8/2026 1:30:00 AM', '2026-03-08', '2026-03-08T06:00:00.000Z'],
    ['3/8/2026 2:30:00 AM', '2026-03-08', '2026-03-08T06:00:00.000Z'],
    ['3/8/2026 10:59:59 PM', '2026-03-08', '2026-03-08T06:00:00.000Z'],
    ['3/8/2026 11:00:00 PM', '2026-03-09', '2026-03-09T05:00:00.000Z'],
    // November: 2026-11-01 02:00 CDT falls back to 01:00 CST; 01:xx Chicago happens twice.
    ['10/31/2026 10:59:59 PM', '2026-10-31', '2026-10-31T05:00:00.000Z'],
    ['10/31/2026 11:00:00 PM', '2026-11-01', '2026-11-01T05:00:00.000Z'],
    ['11/1/2026 12:30:00 AM', '2026-11-01', '2026-11-01T05:00:00.000Z'],
    ['11/1/2026 1:30:00 AM', '2026-11-01', '2026-11-01T05:00:00.000Z'],
    ['11/1/2026 11:59:59 PM', '2026-11-01', '2026-11-01T05:00:00.000Z'],
    ['11/2/2026 12:00:00 AM', '2026-11-02', '2026-11-02T06:00:00.000Z'],
    ['2026-11-01T00:30:00', '2026-11-01', '2026-11-01T05:00:00.000Z'],
  ])('%s lands on %s (midnight %s)', (text, date, midnight) => {
    const instant = parseSfmcDate(text)!;
    expect(chicago.dateOf(instant)).toBe(date);
    expect(chicago.dayOf(instant).toISOString()).toBe(midnight);
    expect(chicago.startOf(date).toISOString()).toBe(midnight);
  });

  it('works for zones with half-hour offsets and for UTC', () => {
    const kolkata = new ReportingCalendar('Asia/Kolkata');
    expect(kolkata.dayOf(new Date('2026-03-07T18:29:00Z')).toISOString()).toBe('2026-03-06T18:30:00.000Z');
    expect(kolkata.dayOf(new Date('2026-03-07T18:30:00Z')).toISOString()).toBe('2026-03-07T18:30:00.000Z');
    expect(new ReportingCalendar('UTC').dayOf(new Date('2026-03-07T23:59:00Z')).toISOString()).toBe(
      '2026-03-07T00:00:00.000Z',
    );
  });

  it('answers dates and midnights asked again as it answered them first, every minute around a change of day', () => {
    const asked = new ReportingCalendar('Asia/Kolkata');
    for (let minute = 0; minute < 120; minute++) {
      const instant = new Date(Date.UTC(2026, 2, 7, 17, 30 + minute, 59));
      const fresh = new ReportingCalendar('Asia/Kolkata');
      expect([asked.dateOf(instant), asked.dateOf(instant)]).toEqual([fresh.dateOf(instant), fresh.dateOf(instant)]);
      const date = fresh.dateOf(instant);
      expect(asked.startOf(date).toISOString()).toBe(fresh.startOf(date).toISOString());
    }
    // a midnight handed out is the caller's own: changing it changes no later answer
    asked.startOf('2026-03-07').setTime(0);
    expect(asked.startOf('2026-03-07').toISOString()).toBe('2026-03-06T18:30:00.000Z');
  });

  it('rejects an unknown zone', () => {
    expect(() => ReportingCalendar.assertTimeZone('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('parseClickRow', () => {
  const good = {
    JobID: '9001',
    BatchID: '1',
    ListID: '77',
    SubscriberKey: 'sub-1',
    SubscriberID: '123',
    EventDate: '3/8/2026 1:30:00 AM',
    URL: 'https://example.com/a',
    LinkName: 'hero',
    LinkContent: 'https://example.com/a',
    IsUnique: 'True',
  };

  it('parses a row and derives the same id in either date format', () => {
    const a = parseClickRow('NA', good, chicago);
    const b = parseClickRow('NA', { ...good, EventDate: '2026-03-08T01:30:00' }, chicago);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.click).toMatchObject({ bu: 'NA', jobId: '9001', subscriberKey: 'sub-1', isUnique: true, url: good.URL });
    expect(a.click.eventDate.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(a.click.eventId).toBe(b.click.eventId);
  });

  it('reads lower-case column names (REST) and keeps an explicit EventID', () => {
    const lower = Object.fromEntries(Object.entries(good).map(([k, v]) => [k.toLowerCase(), v]));
    const parsed = parseClickRow('NA', { ...lower, eventid: 'E-1' }, chicago);
    expect(parsed.ok && parsed.click.eventId).toBe('E-1');
  });

  it.each([
    ['a different URL', { URL: 'https://example.com/b' }],
    ['a different subscriber', { SubscriberKey: 'sub-2' }],
    ['a different second', { EventDate: '3/8/2026 1:30:01 AM' }],
    ['a different batch', { BatchID: '2' }],
    ['a different job', { JobID: '9002' }],
  ])('derives a different id for %s', (_label, change) => {
    const a = parseClickRow('NA', good, chicago);
    const b = parseClickRow('NA', { ...good, ...change }, chicago);
    expect(a.ok && b.ok && a.click.eventId !== b.click.eventId).toBe(true);
  });

  it.each([
    ['MISSING_JOB_ID', { JobID: '' }],
    ['MISSING_JOB_ID', { JobID: undefined }],
    ['MISSING_SUBSCRIBER_KEY', { SubscriberKey: '  ' }],
    ['MISSING_URL', { URL: null }],
    ['URL_TOO_LONG', { URL: `https://example.com/${'x'.repeat(MAX_URL_LENGTH)}` }],
    ['BAD_EVENT_DATE', { EventDate: 'not a date' }],
    ['BAD_EVENT_DATE', { EventDate: '2/30/2026 1:00:00 AM' }],
    ['BAD_EVENT_DATE', { EventDate: undefined }],
    ['BAD_EVENT_ID', { EventID: 'x'.repeat(300) }],
  ])('rejects with %s', (reason, change) => {
    const parsed = parseClickRow('NA', { ...good, ...change }, chicago);
    expect(parsed).toMatchObject({ ok: false, reason });
  });

  it('keeps the EventID of a rejected row so it can be acknowledged', () => {
    expect(parseClickRow('NA', { ...good, EventID: 'E-9', JobID: '' }, chicago)).toMatchObject({
      ok: false,
      eventId: 'E-9',
    });
  });

  it('accepts a URL of exactly 2,048 characters', () => {
    const url = `https://e.com/${'x'.repeat(MAX_URL_LENGTH - 14)}`;
    expect(url).toHaveLength(MAX_URL_LENGTH);
    expect(parseClickRow('NA', { ...good, URL: url }, chicago).ok).toBe(true);
  });
});

describe('parseBusinessUnits', () => {
  const unit = {
    name: 'North America',
    mid: 5100,
    subdomain: 'mc123abc',
    clientIdEnv: 'NA_ID',
    clientSecretEnv: 'NA_SECRET',
    clickLogKey: 'ClickLog',
  };

  it('parses a list and turns mid into text', () => {
    expect(parseBusinessUnits(JSON.stringify([unit]))).toEqual([{ ...unit, mid: '5100', source: 'config' }]);
    expect(parseBusinessUnits(undefined)).toEqual([]);
  });

  it.each([
    ['not json', /not JSON/],
    [JSON.stringify([{ ...unit, mid: 'abc' }]), /\[0\.mid\]/],
    [JSON.stringify([{ ...unit, clientSecretEnv: 'has space' }]), /clientSecretEnv/],
    [JSON.stringify([{ ...unit, name: '$bad' }]), /\[0\.name\]/],
    [JSON.stringify([unit, { ...unit, name: 'north america' }]), /listed twice/],
    [JSON.stringify({}), /expected array/],
  ])('rejects %s', (json, message) => {
    expect(() => parseBusinessUnits(json)).toThrow(message);
  });
});

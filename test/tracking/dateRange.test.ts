import { isIsoDate, resolveDateRange } from '../../src/services/tracking/dateRange';

describe('resolveDateRange', () => {
  const now = new Date('2025-12-11T03:00:00.000Z');

  test.each([
    [{}, { start: '2025-12-10', end: '2025-12-10' }],
    [{ date: '2025-12-10' }, { start: '2025-12-10', end: '2025-12-10' }],
    [{ days: 7 }, { start: '2025-12-04', end: '2025-12-10' }],
    [
      { date: '2025-03-02', days: 3 },
      { start: '2025-02-28', end: '2025-03-02' },
    ],
    [
      { date: '2024-03-01', days: 2 },
      { start: '2024-02-29', end: '2024-03-01' },
    ],
    [
      { date: '2026-01-01', days: 1 },
      { start: '2026-01-01', end: '2026-01-01' },
    ],
    [
      { date: null, days: null },
      { start: '2025-12-10', end: '2025-12-10' },
    ],
  ])('%j -> %j', (input, expected) => {
    expect(resolveDateRange(input, now)).toEqual(expected);
  });

  test('yesterday is taken in UTC, whatever the local hour', () => {
    expect(resolveDateRange({}, new Date('2025-01-01T00:00:00.000Z'))).toEqual({
      start: '2024-12-31',
      end: '2024-12-31',
    });
    expect(resolveDateRange({}, new Date('2025-01-01T23:59:59.999Z'))).toEqual({
      start: '2024-12-31',
      end: '2024-12-31',
    });
  });

  test.each([
    [{ date: '2025-13-01' }, 'date'],
    [{ date: '2025-02-30' }, 'date'],
    [{ date: '12/10/2025' }, 'date'],
    [{ date: "2025-12-10' OR 1=1 --" }, 'date'],
    [{ days: 0 }, 'days'],
    [{ days: 1.5 }, 'days'],
    [{ days: 367 }, 'days'],
    [{ days: -3 }, 'days'],
  ])('%j is refused naming %s', (input, field) => {
    try {
      resolveDateRange(input, now);
      throw new Error('accepted');
    } catch (error) {
      expect((error as { extensions: Record<string, unknown> }).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
      });
    }
  });

  test.each([
    ['2025-12-10', true],
    ['2025-2-10', false],
    ['2025-02-29', false],
    ['2024-02-29', true],
    ['', false],
  ])('isIsoDate(%s) = %s', (value, expected) => expect(isIsoDate(value)).toBe(expected));
});

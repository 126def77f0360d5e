import { archivedKeyOf, mergeIdOf } from '../../src/services/fans/lake/lakePaths';
import { dayPrefixOf, parseLakePrefix, previousPeriod } from '../../src/services/fans/lake/lakePrefix';

describe('lake prefixes', () => {
  test.each([
    ['2025/03/04', 'DAY', '2025-03-04T00:00:00.000Z', '2025-03-05T00:00:00.000Z'],
    ['/2025/03/31/', 'DAY', '2025-03-31T00:00:00.000Z', '2025-04-01T00:00:00.000Z'],
    ['2024/02/29', 'DAY', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['2025/12', 'MONTH', '2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
  ])('%s is a %s from %s to %s', (prefix, kind, from, to) => {
    const period = parseLakePrefix(prefix);
    expect(period).toMatchObject({ kind, prefix: prefix.replace(/^\/|\/$/g, '') });
    expect([period.from.toISOString(), period.to.toISOString()]).toEqual([from, to]);
  });

  test.each(['2025', '2025/13', '2025/02/29', '2025/3/4', '2025/03/04/01', '../2025/03', ''])(
    '%j is refused with BAD_USER_INPUT',
    (prefix) => {
      expect(() => parseLakePrefix(prefix)).toThrow(
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'prefix' } }),
      );
    },
  );

  test.each([
    ['DAY', '2025-03-01T10:00:00Z', '2025/02/28'],
    ['DAY', '2025-01-01T00:00:00Z', '2024/12/31'],
    ['MONTH', '2025-03-02T09:00:00Z', '2025/02'],
    ['MONTH', '2025-01-02T09:00:00Z', '2024/12'],
  ] as const)('the %s before %s is %s', (kind, at, prefix) => {
    expect(previousPeriod(kind, new Date(at)).prefix).toBe(prefix);
  });

  test('a record names its day folder; live keys map to their archived keys', () => {
    expect(dayPrefixOf(Date.UTC(2025, 2, 4, 23, 59, 59, 999))).toBe('2025/03/04');
    expect(archivedKeyOf('registration', 'avro/registration/2025/03/04/batch.avro')).toBe(
      'avro/archived/registration/2025/03/04/batch.avro',
    );
    expect(archivedKeyOf('registration', 'avro/registration/2025/03/merged-m1.avro')).toBe(
      'avro/archived/registration/superseded/2025/03/merged-m1.avro',
    );
    expect(mergeIdOf('avro/registration/2025/03/merged-m1.avro')).toBe('m1');
    expect(mergeIdOf('avro/registration/2025/03/04/batch.avro')).toBeNull();
  });
});

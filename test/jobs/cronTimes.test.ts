import { schedule } from 'node-cron';
import { CronTimes } from '../../src/jobs/cronTimes';
import { features } from '../../src/features';

const at = (iso: string) => new Date(iso);

describe('cron times (UTC)', () => {
  const cases: [string, string, string, string][] = [
    // expression, reference time, previous tick at or before it, next tick after it
    ['0 6 * * *', '2025-12-10T07:30:00Z', '2025-12-10T06:00:00Z', '2025-12-11T06:00:00Z'],
    ['0 6 * * *', '2025-12-10T06:00:00Z', '2025-12-10T06:00:00Z', '2025-12-11T06:00:00Z'],
    ['0 6 * * *', '2025-12-10T05:59:59Z', '2025-12-09T06:00:00Z', '2025-12-10T06:00:00Z'],
    ['*/5 * * * *', '2025-12-10T10:07:13Z', '2025-12-10T10:05:00Z', '2025-12-10T10:10:00Z'],
    ['*/5 * * * *', '2025-12-31T23:58:00Z', '2025-12-31T23:55:00Z', '2026-01-01T00:00:00Z'],
    ['*/30 * * * *', '2025-12-10T10:29:59Z', '2025-12-10T10:00:00Z', '2025-12-10T10:30:00Z'],
    ['0 10 * * *', '2025-12-10T09:00:00Z', '2025-12-09T10:00:00Z', '2025-12-10T10:00:00Z'],
    ['0 9 2 * *', '2025-12-10T00:00:00Z', '2025-12-02T09:00:00Z', '2026-01-02T09:00:00Z'],
    ['0 9 2 * *', '2026-03-02T08:59:59Z', '2026-02-02T09:00:00Z', '2026-03-02T09:00:00Z'],
    ['0 0 29 2 *', '2025-06-01T00:00:00Z', '2024-02-29T00:00:00Z', '2028-02-29T00:00:00Z'],
    ['* * * * * *', '2025-12-10T10:00:00.400Z', '2025-12-10T10:00:00Z', '2025-12-10T10:00:01Z'],
    ['15 30 4 * * 1', '2025-12-10T12:00:00Z', '2025-12-08T04:30:15Z', '2025-12-15T04:30:15Z'],
  ];

  it.each(cases)('%s around %s: previous %s, next %s', (expression, reference, previous, next) => {
    const times = new CronTimes(expression);
    expect(times.previous(at(reference))?.toISOString()).toBe(at(previous).toISOString());
    expect(times.next(at(reference))?.toISOString()).toBe(at(next).toISOString());
    times.dispose();
  });

  it('agrees with node-cron on the next run of every declared schedule', async () => {
    for (const definition of features.flatMap((feature) => feature.schedules ?? [])) {
      const before = new Date();
      const task = schedule(definition.cron, () => undefined, { timezone: 'UTC' });
      const theirs = task.getNextRun();
      await task.destroy();
      const times = new CronTimes(definition.cron);
      // The two readings of "now" may straddle a tick; then node-cron's is ours from a moment later.
      expect([times.next(before)?.getTime(), times.next(new Date())?.getTime()]).toContain(theirs?.getTime());
      times.dispose();
    }
  });

  it('refuses what is not a cron expression', () => {
    expect(() => new CronTimes('every day')).toThrow(/not a cron expression/);
  });
});

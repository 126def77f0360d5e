import { createTask, parse, validate, type ParsedFields, type ScheduledTask } from 'node-cron';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Far enough back or ahead for any expression that can match at all (Feb 29 every 4 years). */
const SEARCH_DAYS = 366 * 4 + 1;

/**
 * Previous and next times of a cron expression in UTC. node-cron fires the ticks; these answer
 * "which tick was missed while we were down" and "when is the next run" for the API. Whether a
 * day matches is asked of node-cron's own matcher, so L, W and # tokens mean the same here.
 */
export class CronTimes {
  private readonly fields: { hour: number[]; minute: number[]; second: number[] };
  private readonly matcher: ScheduledTask;

  constructor(readonly expression: string) {
    if (!validate(expression)) throw new Error(`not a cron expression: "${expression}"`);
    const parsed: ParsedFields = parse(expression);
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    this.fields = { hour: sorted(parsed.hour), minute: sorted(parsed.minute), second: sorted(parsed.second) };
    this.matcher = createTask(expression, () => undefined, { timezone: 'UTC' });
  }

  /** The latest tick at or before `at`. */
  previous(at: Date): Date | null {
    const startOfDay = Math.floor(at.getTime() / DAY_MS) * DAY_MS;
    for (let i = 0; i < SEARCH_DAYS; i++) {
      const day = startOfDay - i * DAY_MS;
      if (!this.dayMatches(day)) continue;
      const bound = i === 0 ? at.getTime() : day + DAY_MS - 1;
      const tick = this.latestInDay(day, bound);
      if (tick !== null) return new Date(tick);
    }
    return null;
  }

  /** The first tick strictly after `after`. */
  next(after: Date): Date | null {
    const startOfDay = Math.floor(after.getTime() / DAY_MS) * DAY_MS;
    for (let i = 0; i < SEARCH_DAYS; i++) {
      const day = startOfDay + i * DAY_MS;
      if (!this.dayMatches(day)) continue;
      const tick = this.earliestInDay(day, i === 0 ? after.getTime() : day - 1);
      if (tick !== null) return new Date(tick);
    }
    return null;
  }

  dispose(): void {
    void this.matcher.destroy();
  }

  /** The day matches when its first time-of-day combination does (times are day-independent). */
  private dayMatches(day: number): boolean {
    const { hour, minute, second } = this.fields;
    return this.matcher.match(new Date(day + ((hour[0] * 60 + minute[0]) * 60 + second[0]) * 1000));
  }

  private latestInDay(day: number, bound: number): number | null {
    const { hour, minute, second } = this.fields;
    for (let h = hour.length - 1; h >= 0; h--) {
      if (day + hour[h] * 3_600_000 > bound) continue;
      for (let m = minute.length - 1; m >= 0; m--) {
        const minuteStart = day + (hour[h] * 60 + minute[m]) * 60_000;
        if (minuteStart > bound) continue;
        for (let s = second.length - 1; s >= 0; s--) {
          const tick = minuteStart + second[s] * 1000;
          if (tick <= bound) return tick;
        }
      }
    }
    return null;
  }

  private earliestInDay(day: number, after: number): number | null {
    const { hour, minute, second } = this.fields;
    for (const h of hour) {
      if (day + (h + 1) * 3_600_000 - 1 <= after) continue;
      for (const m of minute) {
        const minuteStart = day + (h * 60 + m) * 60_000;
        if (minuteStart + 59_999 <= after) continue;
        for (const s of second) {
          const tick = minuteStart + s * 1000;
          if (tick > after) return tick;
        }
      }
    }
    return null;
  }
}

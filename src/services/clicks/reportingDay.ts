/**
 * The reporting `day` of a click: its calendar day in REPORTING_TIME_ZONE, stored as the instant
 * of that day's local midnight (as the seed's model: 2020-09-04T00:00:00-05:00). Uses the
 * platform's Intl time-zone data, so daylight-saving changes follow the IANA rules.
 */
export class ReportingCalendar {
  private readonly parts: Intl.DateTimeFormat;
  /** Day by 15-minute bucket: every zone's offset changes on a quarter hour, so this is exact. */
  private readonly dayCache = new Map<number, Date>();
  /** `YYYY-MM-DD` by 15-minute bucket, for the same reason. */
  private readonly dateCache = new Map<number, string>();
  /** Local midnight by `YYYY-MM-DD`: dashboards ask the same few dates again and again. */
  private readonly startCache = new Map<string, number>();

  constructor(readonly timeZone: string) {
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** Throws a RangeError for a time-zone name the platform does not know. */
  static assertTimeZone(timeZone: string): void {
    new Intl.DateTimeFormat('en-US', { timeZone });
  }

  /** Local midnight (as an instant) of the day `instant` falls on in the reporting zone. */
  dayOf(instant: Date): Date {
    const bucket = Math.floor(instant.getTime() / 900_000);
    let day = this.dayCache.get(bucket);
    if (!day) {
      const local = this.wallClock(instant);
      day = this.midnight(local.year, local.month, local.day);
      if (this.dayCache.size > 50_000) this.dayCache.clear();
      this.dayCache.set(bucket, day);
    }
    return day;
  }

  /** `YYYY-MM-DD` of the reporting day containing `instant`. */
  dateOf(instant: Date): string {
    const bucket = Math.floor(instant.getTime() / 900_000);
    let date = this.dateCache.get(bucket);
    if (date === undefined) {
      const { year, month, day } = this.wallClock(instant);
      date = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
      if (this.dateCache.size > 50_000) this.dateCache.clear();
      this.dateCache.set(bucket, date);
    }
    return date;
  }

  /** The instant of local midnight starting the calendar date `YYYY-MM-DD`. */
  startOf(date: string): Date {
    let start = this.startCache.get(date);
    if (start === undefined) {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
      if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
      start = this.midnight(Number(match[1]), Number(match[2]), Number(match[3])).getTime();
      if (this.startCache.size > 50_000) this.startCache.clear();
      this.startCache.set(date, start);
    }
    return new Date(start);
  }

  private midnight(year: number, month: number, day: number): Date {
    const asUtc = Date.UTC(year, month - 1, day);
    // The offset at UTC midnight can differ from the one at local midnight when a change
    // happens in between, so correct once with the offset at the first guess.
    const guess = asUtc - this.offsetMs(new Date(asUtc));
    return new Date(asUtc - this.offsetMs(new Date(guess)));
  }

  private offsetMs(instant: Date): number {
    const c = this.wallClock(instant);
    const asUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
    return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
  }

  private wallClock(instant: Date) {
    const values: Record<string, number> = {};
    for (const part of this.parts.formatToParts(instant)) {
      if (part.type !== 'literal') values[part.type] = Number(part.value);
    }
    return {
      year: values.year!,
      month: values.month!,
      day: values.day!,
      hour: values.hour!,
      minute: values.minute!,
      second: values.second!,
    };
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

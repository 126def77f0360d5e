import { isQuiet, nextQuietAt, nextSendableAt, type QuietHours } from './quietHours';

/** Segments still to send in one time zone. */
export interface ZoneBacklog {
  timeZone: string;
  segments: number;
}

/** A wave never waits more than this many windows in a row in the estimate (35 days of them). */
const MAX_STEPS = 1000;

/**
 * When the backlog will have gone at `segmentsPerSecond`, texts going only outside each zone's
 * quiet hours: from `now`, the zones open together share the rate until the first of them
 * closes or all are done; with none open, the estimate jumps to the first opening. Retries and
 * receipts are not in it: an estimate, shown on the wave as expectedFinishAt.
 */
export function expectedFinishAt(
  now: Date,
  backlog: ZoneBacklog[],
  segmentsPerSecond: number,
  quiet: QuietHours,
): Date {
  const left = new Map(backlog.filter((zone) => zone.segments > 0).map((zone) => [zone.timeZone, zone.segments]));
  let at = now.getTime();
  for (let step = 0; step < MAX_STEPS && left.size > 0; step += 1) {
    const instant = new Date(at);
    const open = [...left.keys()].filter((zone) => !isQuiet(instant, zone, quiet));
    if (open.length === 0) {
      at = Math.min(...[...left.keys()].map((zone) => nextSendableAt(instant, zone, quiet).getTime()));
      continue;
    }
    const closes = Math.min(...open.map((zone) => nextQuietAt(instant, zone, quiet)?.getTime() ?? Infinity));
    const waiting = open.reduce((sum, zone) => sum + left.get(zone)!, 0);
    const capacity = ((closes - at) / 1000) * segmentsPerSecond;
    if (waiting <= capacity) {
      at += (waiting / segmentsPerSecond) * 1000;
      for (const zone of open) left.delete(zone);
    } else {
      // The rate is shared in proportion to what each open zone holds.
      for (const zone of open) left.set(zone, left.get(zone)! * (1 - capacity / waiting));
      at = closes;
    }
  }
  return new Date(Math.ceil(at));
}

/**
 * A rate: `ratePerSecond` units a second on average, and `burst` units at once after a quiet
 * spell. Over any interval of L seconds a key lets at most `burst + ratePerSecond × L` units go.
 */
export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

export interface GcraGrant {
  /** Units granted now (0 when the caller must wait). */
  granted: number;
  /** The bucket's new theoretical arrival time (ms), to store when granted > 0. */
  tat: number;
  /** With nothing granted: how long until `minimum` units would be. */
  waitMs: number;
}

/** Floating-point slack, so that a wait computed to the millisecond is granted when it ends. */
const EPSILON_MS = 1e-6;

/**
 * The generic cell rate algorithm on one bucket. `tat` (theoretical arrival time, ms since the
 * epoch) is when the bucket would be empty again at the rate: each unit pushes it one emission
 * interval (1000 / rate ms) later, and units are allowed while it stays within `burst` intervals
 * of now. Grants up to `wanted` units, at least `minimum` or none. A request larger than the
 * burst is allowed once the bucket is full (tat <= now), so a 10-segment text still goes on a
 * burst of 2; the interval it spans is then its own size.
 */
export function gcraTake(tat: number, now: number, wanted: number, limit: RateLimit, minimum = wanted): GcraGrant {
  const interval = 1000 / limit.ratePerSecond;
  const start = Math.max(tat, now);
  const tolerance = Math.max(limit.burst, minimum) * interval;
  const room = Math.floor((now + tolerance - start) / interval + EPSILON_MS);
  const granted = Math.min(wanted, room);
  if (granted >= minimum && granted > 0) return { granted, tat: start + granted * interval, waitMs: 0 };
  return { granted: 0, tat, waitMs: Math.max(0, start + minimum * interval - tolerance - now) };
}

/** Refuses rates and bursts the algorithm cannot hold (zero, negative, not finite). */
export function checkRateLimit(limit: RateLimit): void {
  if (!(limit.ratePerSecond > 0) || !Number.isFinite(limit.ratePerSecond)) {
    throw new RangeError(`ratePerSecond must be a positive number (got ${limit.ratePerSecond})`);
  }
  if (!(limit.burst >= 1) || !Number.isFinite(limit.burst)) {
    throw new RangeError(`burst must be at least 1 (got ${limit.burst})`);
  }
}

/**
 * Exponential backoff with "equal jitter": half the doubled delay is fixed, half random, so
 * retries of many failed messages spread out instead of hammering a recovering dependency
 * at the same instant, while each still waits at least half its nominal delay.
 */
export function backoffMs(
  baseMs: number,
  attempt: number,
  random: () => number = Math.random,
  capMs = 15 * 60 * 1000,
): number {
  const nominal = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return nominal / 2 + random() * (nominal / 2);
}

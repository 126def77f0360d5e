/**
 * The units granted in the last second (or, below one unit a second, the time one unit takes),
 * kept as a log: at most the rate's worth in any such window (or the burst, when larger),
 * whatever the timing of the calls.
 * The bucket (gcra.ts) bounds bursts but forgets what a late wake-up could not use; with this
 * log beside it, a process held up for a few milliseconds catches up, and a second still never
 * holds more than the rate.
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  private readonly amounts: number[] = [];
  private head = 0;
  private sum = 0;
  private windowMs = 1000;
  private allowance = 1;

  constructor(ratePerSecond: number, burst: number) {
    this.setRate(ratePerSecond, burst);
  }

  /** A burst above the rate (API limits: 10 a second, 20 at once) widens the window's allowance to it. */
  setRate(ratePerSecond: number, burst: number): void {
    this.windowMs = 1000 * Math.max(1, 1 / ratePerSecond);
    this.allowance = Math.max(1, Math.floor(burst), Math.floor((ratePerSecond * this.windowMs) / 1000 + 1e-9));
  }

  /** 0 when `amount` units may go at `now`, else how long until they may. An empty window takes any amount. */
  waitMs(now: number, amount: number): number {
    this.expire(now);
    if (this.sum === 0 || this.sum + amount <= this.allowance) return 0;
    let freed = 0;
    for (let index = this.head; index < this.times.length; index += 1) {
      freed += this.amounts[index]!;
      if (this.sum - freed + amount <= this.allowance || this.sum === freed) {
        return Math.max(0, this.times[index]! + this.windowMs - now);
      }
    }
    return this.windowMs;
  }

  add(now: number, amount: number): void {
    this.times.push(now);
    this.amounts.push(amount);
    this.sum += amount;
  }

  private expire(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) {
      this.sum -= this.amounts[this.head]!;
      this.head += 1;
    }
    // Compact now and then, so the log holds about one window.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.amounts.splice(0, this.head);
      this.head = 0;
    }
  }
}

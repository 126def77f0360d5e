/** Figures the lead benchmark prints: latency percentiles and a rate. */
export interface RoutingFigures {
  label: string;
  leads: number;
  seconds: number;
  /** CPU (user + system) of this process while routing: a figure the machine's load does not skew. */
  cpuSeconds: number;
  latenciesMs: number[];
}

/** CPU seconds (user + system) this process has used so far. */
export function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function formatFigures(figures: RoutingFigures): string {
  const sorted = [...figures.latenciesMs].sort((a, b) => a - b);
  const rate = figures.leads / figures.seconds;
  return [
    figures.label.padEnd(44),
    `${rate.toFixed(0).padStart(6)} leads/s`,
    `p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms`,
    `p99 ${percentile(sorted, 99).toFixed(1).padStart(6)} ms`,
    `max ${(sorted.at(-1) ?? Number.NaN).toFixed(1).padStart(6)} ms`,
    `${((figures.cpuSeconds * 1000) / figures.leads).toFixed(2)} ms CPU/lead`,
    `${(figures.leads / figures.cpuSeconds).toFixed(0)} leads/CPU-s`,
    `(${sorted.length} samples, ${figures.seconds.toFixed(1)} s)`,
  ].join('  ');
}

export function leadCsv(count: number): Buffer {
  const start = Date.UTC(2024, 0, 1);
  const rows = Array.from(
    { length: count },
    (_, i) => `bench${i}@example.com,${new Date(start + i * 1000).toISOString()},Lead ${i}`,
  );
  return Buffer.from(`email,timestamp,name\n${rows.join('\n')}\n`);
}

/**
 * One agent's timeline: when each lead arrived and when each answer freed the slot (the
 * server's resolvedAt). Lead k+1 follows answer k, whether it arrived before the answer's
 * response (handed over with it) or after, so the pairs are matched by position at the end.
 */
export class AgentTimeline {
  private readonly received: number[] = [];
  private readonly freed: number[] = [];

  leadReceived(at: number): void {
    this.received.push(at);
  }

  answered(resolvedAt: number): void {
    this.freed.push(resolvedAt);
  }

  latenciesMs(): number[] {
    return this.received.slice(1).flatMap((at, k) => (this.freed[k] === undefined ? [] : [at - this.freed[k]!]));
  }
}

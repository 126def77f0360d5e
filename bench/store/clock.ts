/**
 * Wall time and process CPU time (all threads, LMDB's writer included) of one phase. On a
 * shared machine the wall rate depends on what else runs; the CPU rate is what one dedicated
 * core would give.
 */
export interface Measure {
  wall: number;
  cpu: number;
}

export function startClock(): () => Measure {
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(cpuStart);
    return { wall: Number(process.hrtime.bigint() - wallStart) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
  };
}

/** A count over a measured phase: printed per wall and per CPU-second, carried per wall second in the JSON line. */
export interface Rate {
  count: number;
  measure: Measure;
}

/** Per wall second, as the benchmark's JSON line carries it. */
export const wallRate = ({ count, measure }: Rate) => Math.round(count / measure.wall);

export function perSecond(count: number, measure: Measure): string {
  const wall = Math.round(count / measure.wall).toLocaleString();
  const cpu = Math.round(count / measure.cpu).toLocaleString();
  return `${wall}/s (per CPU-second ${cpu})`;
}

export function print(label: string, value: string, target: string): void {
  console.log(`${label.padEnd(44)} ${value.padStart(38)}   target ${target}`);
}

/** A figure without a target of its own: `feeds` names the service figure it is part of. */
export function printFigure(label: string, rate: Rate, feeds: string): void {
  const value = perSecond(rate.count, rate.measure);
  console.log(`${label.padEnd(44)} ${value.padStart(38)}   ${feeds}`);
}

import { setMaxListeners } from 'node:events';
import type { QueuePort } from '../../src/datasources/queue';

export interface Figure {
  label: string;
  count: number;
  seconds: number;
  /** CPU time (user + system) of this process meanwhile: on a shared machine wall rates swing, this less. */
  cpuSeconds: number;
}

export const perSecond = (figure: Figure) => figure.count / figure.seconds;

export function print(figure: Figure, baseline?: Figure, target?: number): void {
  const rate = perSecond(figure);
  const perCpu = figure.count / figure.cpuSeconds;
  const parts = [
    `${figure.label.padEnd(58)} ${rate.toFixed(0).padStart(8)} /s  ${perCpu.toFixed(0).padStart(7)} /CPU-s  (${figure.count} in ${figure.seconds.toFixed(2)} s)`,
  ];
  if (baseline) parts.push(`= ${((rate / perSecond(baseline)) * 100).toFixed(0)}% of baseline`);
  if (target !== undefined) parts.push(rate >= target ? `target ${target}/s met` : `TARGET ${target}/s MISSED`);
  console.log(parts.join('  '));
}

export async function timed(label: string, count: number, work: () => Promise<void>): Promise<Figure> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  return {
    label,
    count,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

/**
 * Messages through send -> receive -> delete on `port`: sendBatch in groups of `sendGroup`,
 * `receivers` concurrent loops each receiving up to 10 and deleting them in one call. It ends
 * when the last message is deleted: the long polls of receivers still waiting then are aborted
 * (they would otherwise add up to their 1 s wait of idle time to the figure).
 */
export async function sendReceiveDelete(
  port: QueuePort,
  queue: string,
  count: number,
  receivers: number,
  sendGroup = 10,
): Promise<void> {
  const sending = (async () => {
    for (let sent = 0; sent < count; sent += sendGroup) {
      const size = Math.min(sendGroup, count - sent);
      await port.sendBatch(
        queue,
        Array.from({ length: size }, (_, i) => ({ body: `{"n":${sent + i}}` })),
      );
    }
  })();
  const allDeleted = new AbortController();
  // Every receiver's long poll listens to it at once.
  setMaxListeners(receivers + 1, allDeleted.signal);
  let deleted = 0;
  const receiver = async () => {
    while (!allDeleted.signal.aborted) {
      const batch = await port.receive(queue, { maxMessages: 10, waitSeconds: 1, signal: allDeleted.signal });
      if (batch.length === 0) continue;
      await port.delete(
        queue,
        batch.map((m) => m.receiptHandle),
      );
      deleted += batch.length;
      if (deleted >= count) allDeleted.abort();
    }
  };
  await Promise.all([sending, ...Array.from({ length: receivers }, receiver)]);
}

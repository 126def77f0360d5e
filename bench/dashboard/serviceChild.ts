import 'reflect-metadata';
import { createApiKey } from '../../src/auth/apiKeys';
import { Role } from '../../src/auth/roles';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { createService } from '../../src/main';
import { clicksFeature } from '../../src/features/clicks';
import { servicesOf } from './benchService';
import { BENCH_BU } from './clickData';
import { startLiveWrites, type LiveWriteRates } from './liveWrites';
import { countTransactionHolds, type TransactionHolds } from './transactionHolds';

/**
 * The service as the benchmark runs it: a child process (forked by bench/dashboard/index.ts, its
 * environment the service's configuration) so the load generator's CPU is not the service's.
 * Messages: it sends `{ ready, url, key }` once listening (the key is the benchmark's own, a
 * VIEWER key with the limits it was sent); `{ writes }` starts the live writes, `{ stop }` stops
 * them and the service, answers `{ stopped, counts }` and exits.
 */
export interface ChildStart {
  requestsPerMinute: number;
  costPerMinute: number;
}

export type ToChild = { writes: LiveWriteRates } | { stop: true };
export type FromChild =
  | { ready: true; url: string; key: string }
  | {
      stopped: true;
      counts:
        | (ReturnType<typeof startLiveWrites>['counts'] & {
            loopDelayP99Ms: number;
            loopDelayMaxMs: number;
            transactionHolds: TransactionHolds | null;
          })
        | null;
    }
  | { writeError: string };

const send = (message: FromChild) => process.send!(message);
const DRAIN_SYNC_EVERY_MS = 5000;

async function main(): Promise<void> {
  const limits = JSON.parse(process.argv[2]!) as ChildStart;
  const service = await createService(loadConfig());
  await service.start();
  // Rows the last run appended but never loaded wait for a click sync (schedules are off): one
  // every few seconds until the live writes start, so the benchmark's wait for a quiet service
  // ends with them processed.
  const clicks = servicesOf(service, clicksFeature);
  const drain = setInterval(() => {
    clicks.requestSync(BENCH_BU, undefined, 'bench:dashboard').catch((error: unknown) => {
      send({
        writeError: `click sync before the live writes: ${error instanceof Error ? error.message : String(error)}`,
      });
    });
  }, DRAIN_SYNC_EVERY_MS);
  const { key } = await createApiKey(service.app.db, {
    role: Role.VIEWER,
    name: 'dashboards benchmark',
    requestsPerMinute: limits.requestsPerMinute,
    costPerMinute: limits.costPerMinute,
  });
  let writes: ReturnType<typeof startLiveWrites> | undefined;
  // How long the event loop waited behind other work while the data changed (pages' requests included).
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  let holds: (() => TransactionHolds | null) | undefined;
  let lastError = 0;
  process.on('message', (message: ToChild) => {
    if ('writes' in message) {
      clearInterval(drain);
      loopDelay.enable();
      holds = countTransactionHolds(service.app.store);
      writes = startLiveWrites(service, message.writes, (error) => {
        // One line a second at most: a failing writer should not drown the figures.
        if (Date.now() - lastError < 1000) return;
        lastError = Date.now();
        send({ writeError: error instanceof Error ? error.message : String(error) });
      });
      return;
    }
    void (async () => {
      clearInterval(drain);
      const written = writes ? await writes.stop() : null;
      loopDelay.disable();
      const transactionHolds = holds?.() ?? null;
      const ms = (nanoseconds: number) => Math.round(nanoseconds / 1e5) / 10;
      const counts = written && {
        ...written,
        loopDelayP99Ms: ms(loopDelay.percentile(99)),
        loopDelayMaxMs: ms(loopDelay.max),
        transactionHolds,
      };
      await service.stop();
      send({ stopped: true, counts });
      process.disconnect();
    })();
  });
  send({ ready: true, url: service.url, key });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

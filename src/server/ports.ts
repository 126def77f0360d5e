import type { ChangeClock, Db } from '../datasources/store';
import type { Ports } from '../app';
import type { Config } from '../config';
import { createAnalyticsPort } from '../datasources/analytics';
import { createMessagingPort } from '../datasources/messaging';
import { createMetricsPublisher } from '../datasources/metrics';
import { createNotifierPort } from '../datasources/notifier';
import { createObjectStore } from '../datasources/objects';
import { createQueuePort } from '../datasources/queue';
import { createSfmcPort } from '../datasources/sfmc';
import { createSmsPort } from '../datasources/sms';
import type { Logger } from '../logger';

/**
 * Builds every port other than the store, each factory choosing its engine from config. A
 * misconfigured engine throws here, so a bad deployment fails at start-up, not on first use.
 */
export function createPorts(config: Config, db: Db, logger: Logger, clickLogChanges?: ChangeClock): Ports {
  const queue = createQueuePort(config, db);
  return {
    queue,
    objects: createObjectStore(config),
    messaging: createMessagingPort(config, db),
    sms: createSmsPort(config, db, { queue, logger: logger.child({ port: 'sms' }) }),
    notifier: createNotifierPort(config, db, logger.child({ port: 'notifier' })),
    sfmc: createSfmcPort(config, db, { logger: logger.child({ port: 'sfmc' }), changes: clickLogChanges }),
    analytics: createAnalyticsPort(config, logger.child({ port: 'analytics' })),
    metricsPublisher: createMetricsPublisher(config),
  };
}

/** Releases the ports that hold connections or engines (after jobs stopped, before the store closes). */
export async function closePorts(ports: Ports): Promise<void> {
  // the SMS event pollers read the queue: they stop before it closes
  await ports.sms.stop();
  await Promise.all([ports.queue.close(), ports.analytics.close()]);
}

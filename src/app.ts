import type { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import type { ApiKeyLookup } from './auth/apiKeys';
import type { Principal } from './auth/roles';
import type { Config } from './config';
import type { Logger } from './logger';
import type { AnalyticsPort } from './datasources/analytics/port';
import type { MessagingPort } from './datasources/messaging/port';
import type { MetricsPublisher } from './datasources/metrics/port';
import type { NotifierPort } from './datasources/notifier/port';
import type { ObjectStore } from './datasources/objects/port';
import type { QueuePort } from './datasources/queue/port';
import type { SfmcPort } from './datasources/sfmc/port';
import type { SmsPort } from './datasources/sms/port';
import type { Db, Store } from './datasources/store';
import type { Jobs } from './jobs/jobType';

/**
 * What the composition root (server/compose.ts) builds once and hands to every feature, which
 * builds its services from it. Domain code receives ports from here and never imports an engine.
 */
export interface App {
  config: Config;
  logger: Logger;
  store: Store;
  db: Db;
  /** Who a presented API key stands for (remembered while the keys do not change). */
  apiKeys: ApiKeyLookup;
  jobs: Jobs;
  /** Prometheus registry served at /metrics; every domain registers its metrics here. */
  metrics: Registry;
  ports: Ports;
  /** WebSocket lifecycle events of this instance, for features that track presence. */
  sockets: EventEmitter<SocketEventMap>;
}

/**
 * Engines behind the ports other than the store. The composition root builds each with the
 * factory of its datasources/<port>/index.ts, which picks the engine from config.
 */
export interface Ports {
  /** Queues: SQS or the embedded queue in the store. */
  queue: QueuePort;
  /** Files: DATA_DIR/objects or S3. */
  objects: ObjectStore;
  /** Messages out: the outbox collection or SES. */
  messaging: MessagingPort;
  /** Texts to fans (SMS_BACKEND): the smsOutbox collection, AWS End User Messaging SMS or Twilio. */
  sms: SmsPort;
  /** Team notices (fan-campaign stats): a Slack incoming webhook or the notifications outbox. */
  notifier: NotifierPort;
  /** Marketing Cloud click logs: REST API or the local data extension. */
  sfmc: SfmcPort;
  /** Analytics SQL: Athena or DuckDB over local CloudFront logs. */
  analytics: AnalyticsPort;
  /** Per-run figures pushed to CloudWatch, or nowhere. */
  metricsPublisher: MetricsPublisher;
}

/** One graphql-ws connection, as features see it. */
export interface SocketInfo {
  /** Unique per connection; a client that reconnects gets a new one. */
  socketId: string;
  /** The caller identified by connectionParams.authorization (null when anonymous). */
  principal: Principal | null;
}

export interface SocketEventMap {
  /** The connection was acknowledged (its key checked). */
  connected: [SocketInfo];
  /** The connection closed, for any reason (client left, network lost, server stopping). */
  closed: [SocketInfo & { code: number }];
}

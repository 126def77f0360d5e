import type { Router } from 'express';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import type { NonEmptyArray } from 'type-graphql';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Store } from './datasources/store';
import type { JobType, Jobs } from './jobs/jobType';
import type { QueuePort } from './datasources/queue';
import type { ObjectStore } from './datasources/objects/objectStore';
import type { MessagingPort } from './datasources/messaging/message';
import type { SfmcPort } from './datasources/sfmc';
import type { AnalyticsPort } from './datasources/analytics/port';
import type { MetricsPublisher } from './datasources/metrics/cloudwatch';
import type { FastRoute } from './server/fastRoutes';

/**
 * What the composition root (main.ts) builds once and hands to services, jobs and resolvers.
 * Domain code receives ports from here and never imports an engine.
 */
export interface App {
  config: Config;
  logger: Logger;
  store: Store;
  db: Db;
  jobs: Jobs;
  /** Prometheus registry served at /metrics; every domain registers its metrics here. */
  metrics: Registry;
  ports: Ports;
}

/**
 * Engines behind the ports other than the store. main.ts builds each with the factory of its
 * datasources/ folder, which picks the engine from config.
 */
export interface Ports {
  /** Queues: SQS or the embedded queue in the store (src/datasources/queue, createQueuePort). */
  queue: QueuePort;
  /** Files: DATA_DIR/objects or S3 (src/datasources/objects, createObjectStore). */
  objects: ObjectStore;
  /** Messages out: the outbox collection or SES (src/datasources/messaging, createMessagingPort). */
  messaging: MessagingPort;
  /** Marketing Cloud click logs: REST API or the local data extension (src/datasources/sfmc, createSfmcPort). */
  sfmc: SfmcPort;
  /** Analytics SQL: Athena or DuckDB over local CloudFront logs (src/datasources/analytics, createAnalyticsPort). */
  analytics: AnalyticsPort;
  /** Per-run figures pushed to CloudWatch, or nowhere (src/datasources/metrics/cloudwatch, createMetricsPublisher). */
  metricsPublisher: MetricsPublisher;
}

/** A schedule: data, run exactly once per tick across instances by enqueueing a Job. */
export interface ScheduleDefinition {
  /** UPPER_SNAKE name; CRON_<NAME> overrides the expression ("off" disables it). */
  name: string;
  cron: string;
  jobType: string;
  params?: unknown;
  description?: string;
}

/** A CLI command: `npm run cli -- <name> [--flags]`. Prints its result; returns the exit code. */
export interface CliCommand {
  description: string;
  usage?: string;
  run(app: App, args: Record<string, string | boolean>, positional: string[]): Promise<number | void>;
}

/**
 * One domain of the service (tracking, clicks, leads, campaigns, ...), as main.ts wires it.
 * Listed in src/features.ts.
 */
export interface Feature {
  name: string;
  resolvers?: NonEmptyArray<Function> | Function[];
  jobTypes?: (app: App) => JobType<any, any>[];
  schedules?: ScheduleDefinition[];
  /** Plain HTTP endpoints (tracking pixels, multipart uploads for scripts). */
  routes?: (router: Router, app: App) => void;
  /** The hottest of those endpoints, also answered on the raw request ahead of Express. */
  fastRoutes?: (app: App) => FastRoute[];
  /** Started after the store, jobs and HTTP are up; stopped before they close. */
  start?: (app: App) => Promise<void>;
  stop?: (app: App) => Promise<void>;
  /** Fills the store with this domain's part of the demo data set. */
  demo?: (app: App) => Promise<void>;
  commands?: Record<string, CliCommand>;
}

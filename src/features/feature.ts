import type { Router } from 'express';
import type { App } from '../app';
import { RememberedFigures } from '../datasources/rememberedFigures';
import type { IndexDeclaration, RetiredIndex } from '../datasources/store/indexes';
import type { JobType, ScheduleDefinition } from '../jobs/jobType';
import type { FastRoute } from '../resolvers/routes';

export type { FastRoute };

/**
 * Where a command prints: the CLI's stdout when it runs there, the answer of the service's
 * command route when it runs inside the service (docs/store.md).
 */
export interface CommandOutput {
  write(text: string): unknown;
}

/** A CLI command: `npm run cli -- <name> [--flags]`. Prints its result to `out`; returns the exit code. */
export interface CliCommand<S = unknown> {
  description: string;
  usage?: string;
  /**
   * Flags that name files on the operator's machine: resolved against the CLI's working directory
   * before the command goes to the service, which runs in a directory of its own.
   */
  fileFlags?: readonly string[];
  run(
    app: App,
    args: Record<string, string | boolean>,
    positional: string[],
    services: S,
    out: CommandOutput,
  ): Promise<number | void>;
}

/**
 * The services of a feature listed earlier (src/features/index.ts), for a feature whose work
 * goes through another domain's own services (the waves hand code assignments to the fans').
 */
export type ServicesOf = <T>(feature: Feature<T>) => T;

/** A resolver class: the schema is built from the class, each instance from the feature's services. */
export type ResolverClass<S> = new (services: S) => object;

/**
 * One domain of the service (tracking, clicks, leads, campaigns, ...): everything it adds to the
 * service, declared in its file under src/features/ and listed in src/features/index.ts.
 * `services` is built once per app from the app's ports; every other part receives it.
 */
export interface Feature<S = unknown> {
  name: string;
  /** Builds the domain's services from the ports of the app (and features listed before it). */
  services?(app: App, servicesOf: ServicesOf): S;
  /** GraphQL resolvers, each constructed with the services (`new Resolver(services)`). */
  resolvers?: ResolverClass<S>[];
  /** The domain's store indexes, created at start-up on either engine. */
  indexes?: readonly IndexDeclaration[];
  /** Indexes earlier versions created and the model no longer wants, dropped at start-up. */
  retiredIndexes?: readonly RetiredIndex[];
  jobTypes?(app: App, services: S): JobType[];
  schedules?: readonly ScheduleDefinition[];
  /** Plain HTTP endpoints (tracking pixels, multipart uploads for scripts). */
  routes?(router: Router, app: App, services: S): void;
  /** The hottest of those endpoints, also answered on the raw request ahead of Express. */
  fastRoutes?(app: App, services: S): FastRoute[];
  /** Started after the store, jobs and HTTP are up; stopped before they close. */
  start?(app: App, services: S): Promise<void>;
  stop?(app: App, services: S): Promise<void>;
  /** Fills the store with this domain's part of the demo data set. */
  demo?(app: App, services: S): Promise<void>;
  /** Recomputes the figures this domain keeps beside its data (`stats rebuild`); answers what it rebuilt. */
  rebuildStats?(app: App, services: S): Promise<Record<string, number>>;
  commands?: Record<string, CliCommand<S>>;
}

/**
 * Any feature, whatever its services: what lists of features hold. Each feature's own parts are
 * checked against its services type where it is defined (defineFeature).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a resolver class takes its own feature's services
export type AnyFeature = Feature<any>;

/** A feature whose services type is inferred from its `services` factory. */
export function defineFeature<S = undefined>(feature: Feature<S>): Feature<S> {
  return feature;
}

/** A feature with its services built for one app. */
export interface WiredFeature<S = unknown> {
  feature: Feature<S>;
  services: S;
}

/** Reads remembered at most per feature that remembers them. */
const REMEMBERED_READS = 1000;

/**
 * What a feature's readers share to read a page or a record once per change to its collection
 * (RememberedFigures) on the embedded store's change clock; undefined on MongoDB, where following
 * a collection's changes would stream one event per write.
 */
export function rememberedReads(app: App): RememberedFigures | undefined {
  return app.store.engine === 'embedded' ? new RememberedFigures(app.store.changeClock, REMEMBERED_READS) : undefined;
}

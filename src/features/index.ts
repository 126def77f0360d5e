import 'reflect-metadata';
import type { App } from '../app';
import type { ResolverClassRef, ResolverInstances } from '../context';
import { queueIndexes } from '../datasources/queue';
import type { Db } from '../datasources/store';
import { applyIndexes, type IndexDeclaration, type RetiredIndex } from '../datasources/store/indexes';
import { auditFeature } from './audit';
import { backupsFeature } from './backups';
import { campaignsFeature } from './campaigns';
import { clicksFeature } from './clicks';
import type { AnyFeature, Feature, ServicesOf, WiredFeature } from './feature';
import { fansFeature } from './fans';
import { jobsFeature } from './jobs';
import { leadsFeature } from './leads';
import { privacyFeature } from './privacy';
import { retentionFeature } from './retention';
import { systemFeature } from './system';
import { trackingFeature } from './tracking';
import { wavesFeature } from './waves';

export type { AnyFeature, CliCommand, FastRoute, Feature, ServicesOf, WiredFeature } from './feature';

/** Every domain of the service. The composition root wires each one's services, resolvers, jobs, schedules and routes. */
export const features: readonly AnyFeature[] = [
  systemFeature,
  auditFeature,
  jobsFeature,
  trackingFeature,
  clicksFeature,
  leadsFeature,
  fansFeature,
  wavesFeature,
  // after the waves: MOBILE campaigns are sent as SMS waves
  campaignsFeature,
  // after every domain whose personal data it finds, exports and erases
  privacyFeature,
  backupsFeature,
  retentionFeature,
];

/** The store indexes of the given features, with those of the embedded queue. */
export function declaredIndexes(of: readonly AnyFeature[] = features): IndexDeclaration[] {
  return [...queueIndexes, ...of.flatMap((feature) => feature.indexes ?? [])];
}

/** Drops the features' retired indexes and creates their declared ones (idempotent). */
export async function applyFeatureIndexes(db: Db, of: readonly AnyFeature[] = features): Promise<void> {
  const retired: RetiredIndex[] = of.flatMap((feature) => feature.retiredIndexes ?? []);
  await applyIndexes(db, declaredIndexes(of), retired);
}

/** The resolver classes of the given features: the schema's SDL needs no app. */
export function featureResolvers(of: readonly AnyFeature[] = features): ResolverClassRef[] {
  return of.flatMap((feature) => feature.resolvers ?? []);
}

/**
 * Builds each feature's services for one app, in the order of the list: a feature may use the
 * services of one listed before it, never of one after it.
 */
export function wireFeatures(app: App, of: readonly AnyFeature[]): WiredFeature[] {
  const wired = new Map<AnyFeature, unknown>();
  return of.map((feature) => {
    const servicesOf: ServicesOf = <T>(used: Feature<T>): T => {
      if (!wired.has(used)) throw new Error(`feature ${feature.name} uses ${used.name}, which is not wired before it`);
      return wired.get(used) as T;
    };
    const services: unknown = feature.services?.(app, servicesOf);
    wired.set(feature, services);
    return { feature, services };
  });
}

/** The services of one feature that uses no other, wired alone (tests and benchmarks of one domain). */
export function servicesFor<S>(app: App, feature: Feature<S>): S {
  return wireFeatures(app, [feature])[0]!.services as S;
}

/**
 * The resolver container handed to type-graphql: each resolver class is constructed once per
 * app with the services of the feature that declares it.
 */
export function resolverContainer(wired: readonly WiredFeature[]): ResolverInstances {
  const instances = new Map<ResolverClassRef, object>();
  for (const { feature, services } of wired) {
    for (const resolverClass of feature.resolvers ?? []) instances.set(resolverClass, new resolverClass(services));
  }
  return {
    get(resolverClass) {
      const instance = instances.get(resolverClass);
      if (!instance) throw new Error(`resolver ${resolverClass.name} is not declared by any feature`);
      return instance;
    },
  };
}

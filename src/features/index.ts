import 'reflect-metadata';
import type { App } from '../app';
import type { ResolverClassRef, ResolverInstances } from '../context';
import { queueIndexes } from '../datasources/queue';
import type { Db } from '../datasources/store';
import { applyIndexes, type IndexDeclaration, type RetiredIndex } from '../datasources/store/indexes';
import { campaignsFeature } from './campaigns';
import { clicksFeature } from './clicks';
import type { AnyFeature, WiredFeature } from './feature';
import { fansFeature } from './fans';
import { jobsFeature } from './jobs';
import { leadsFeature } from './leads';
import { systemFeature } from './system';
import { trackingFeature } from './tracking';
import { wavesFeature } from './waves';

export type { AnyFeature, CliCommand, FastRoute, Feature, WiredFeature } from './feature';

/** Every domain of the service. The composition root wires each one's services, resolvers, jobs, schedules and routes. */
export const features: readonly AnyFeature[] = [
  systemFeature,
  jobsFeature,
  campaignsFeature,
  trackingFeature,
  clicksFeature,
  leadsFeature,
  fansFeature,
  wavesFeature,
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

/** Builds each feature's services for one app, in the order of the list. */
export function wireFeatures(app: App, of: readonly AnyFeature[]): WiredFeature[] {
  return of.map((feature) => ({ feature, services: feature.services?.(app) }));
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

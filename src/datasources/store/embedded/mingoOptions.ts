import type { Query } from 'mingo';
import type { Document } from './bson';

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;

/**
 * Options for every mingo call. The package root's Query/Aggregator already carry the full
 * operator context; strict mode keeps MongoDB's semantics where mingo offers a laxer mode.
 */
export function mingoOptions(collectionResolver?: (name: string) => Document[]): MingoOptions {
  return collectionResolver ? { useStrictMode: true, collectionResolver } : { useStrictMode: true };
}

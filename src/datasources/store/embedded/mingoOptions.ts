import type { Query } from 'mingo';
import type { Document } from './bson';

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;

/**
 * Options for every mingo call. The package root's Query/Aggregator already carry the full
 * operator context; strict mode keeps MongoDB's semantics where mingo offers a laxer mode.
 * Scripts stay enabled for mingo's own use ($setWindowFields runs through `$function`); the
 * callers' `$where`, `$function` and `$accumulator` are refused before mingo sees them (scripts.ts).
 */
export function mingoOptions(collectionResolver?: (name: string) => Document[], variables?: Document): MingoOptions {
  const options: { -readonly [K in keyof MingoOptions]: MingoOptions[K] } = { useStrictMode: true };
  if (collectionResolver) options.collectionResolver = collectionResolver;
  if (variables) options.variables = variables;
  return options;
}
